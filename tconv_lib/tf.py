"""TensorFlow's transposed convolution in numpy, and its weight layout (chapter 06).

TensorFlow is channels-last: inputs ``(N, *spatial, C)`` and transposed-convolution filters
``(*kernel, C_out, C_in)`` (Keras ``Conv2DTranspose`` kernels too). ``tf.nn.conv2d_transpose``
is the gradient of ``tf.nn.conv2d`` with respect to its input, so it needs the ``output_shape``
of that forward convolution: several output sizes share one input size, and the padding mode
decides which window of the full stamp canvas is kept. The size rules are in
:mod:`tconv_lib.tf_sizes`, the translation of arguments in :mod:`tconv_lib.tf_equivalents`;
this module gathers them all.

TF's ``strides`` and ``dilations`` may have ``n + 2`` entries (1 for batch and channels), so
the number of spatial dimensions comes from the sizes, never from them.

Observed on the pinned TensorFlow (2.21, CPU): with ``TF_ENABLE_ONEDNN_OPTS=0`` the CPU kernels
refuse ``dilations > 1`` and ``data_format="NCHW"``; with oneDNN enabled both run.
"""

from __future__ import annotations

import numpy as np

from .arguments import SEQUENCES, per_dimension, real_array, weight_array
from .geometry import pad_or_crop
from .memory import MEMORY_BUDGET, check_budget
from .tf_equivalents import (
    TFEquivalent,
    TorchEquivalent,
    tf_args_for_torch,
    torch_args_for_tf,
)
from .tf_sizes import (
    check_legal_sizes,
    keras_conv_transpose_output_size,
    tf_output_size_range,
    tf_padding,
    tf_per_dimension,
)
from .transpose import conv_transpose

#: TF's transposed-convolution filter layout, as the messages name it.
FILTERS_LAYOUT = "(*kernel, C_out, C_in)"

__all__ = [
    "TFEquivalent",
    "TorchEquivalent",
    "keras_conv_transpose_output_size",
    "tf_args_for_torch",
    "tf_conv_transpose",
    "tf_filters_to_torch",
    "tf_output_size_range",
    "tf_padding",
    "torch_args_for_tf",
    "torch_weight_to_tf",
]


def tf_conv_transpose(
    x,
    filters,
    output_shape,
    strides,
    padding="SAME",
    dilations=1,
    memory_budget=MEMORY_BUDGET,
):
    r"""``tf.nn.conv_transpose`` (and ``conv1d/2d/3d_transpose``) in numpy, channels last.

    Parameters
    ----------
    x : array_like
        Input ``(N, *spatial, C_in)``.
    filters : array_like
        Filters ``(*kernel, C_out, C_in)`` with 1, 2 or 3 spatial dimensions.
    output_shape : sequence of int
        ``(N, *out, C_out)``; every entry an int (a float is refused, never truncated).
    strides : int or sequence of int
        Stride s: an int, n ints, or n + 2 ints with 1 for batch and channels.
    padding : {"SAME", "VALID"} or list of pairs, optional
        TF's padding, or explicit ``[[0, 0], [before, after], ..., [0, 0]]`` pairs.
    dilations : int or sequence of int, optional
        Dilation d, in the same forms as ``strides``.
    memory_budget : int, optional
        Bytes of working memory, passed on to :func:`conv_transpose`.

    Returns
    -------
    numpy.ndarray
        Shape ``output_shape``, the input's float dtype (float64 for integers).

    Raises
    ------
    ValueError
        For an ``output_shape`` TF would refuse (naming the legal sizes), a padding that
        leaves no legal size, shapes that do not fit together, or a buffer above
        ``memory_budget``.
    TypeError
        If an array is not real or a size is not an int.

    See Also
    --------
    conv_transpose : PyTorch's transposed convolution, which computes the canvas.
    tf_output_size_range : The legal output sizes.
    torch_args_for_tf : The PyTorch arguments of the same layer.

    Notes
    -----
    The full stamp canvas (length :math:`L = s(i-1) + d(k-1) + 1`, zeros beyond it) is
    computed as in PyTorch with no padding; TF keeps the window of its o outputs that
    starts at b, the padding its forward convolution puts first (:func:`tf_padding`):

    .. math::

        y_\text{TF}[j] = \text{canvas}[j + b], \qquad 0 \le j < o .

    With SAME and an odd total padding, the extra pixel is cropped at the bottom/right
    (chapter 06).

    Examples
    --------
    Seed 003's first output (chapter 06): 67 is -67 times the kernel's corner -1.

    >>> x = np.array([[-67., -77.], [-117., -127.]]).reshape(1, 2, 2, 1)
    >>> f = np.array([[-1., 2., -3.], [4., -5., 6.], [-7., 8., -9.]])
    >>> f = f.reshape(3, 3, 1, 1)
    >>> float(tf_conv_transpose(x, f, (1, 5, 5, 1), 2, "VALID")[0, 0, 0, 0])
    67.0
    """
    memory_budget = check_budget(memory_budget)
    x = real_array(x, "x")
    filters = weight_array(filters, FILTERS_LAYOUT, "filters")
    n = filters.ndim - 2
    if x.ndim != n + 2:
        raise ValueError(
            f"x has shape {x.shape}; expected (N, *spatial, C_in) with {n + 2} axes"
        )
    if x.shape[-1] != filters.shape[-1]:
        raise ValueError(
            f"x has {x.shape[-1]} channels but filters.shape[-1]={filters.shape[-1]} "
            f"(filters are (*kernel, C_out, C_in))"
        )
    if (
        not isinstance(output_shape, SEQUENCES)
        or np.ndim(output_shape) != 1
        or len(output_shape) != n + 2
    ):
        raise ValueError(
            f"output_shape={output_shape!r} must be a sequence of {n + 2} ints (N, *spatial, C_out)"
        )
    shape = per_dimension(output_shape, n + 2, "output_shape", minimum=1)
    if shape[0] != x.shape[0] or shape[-1] != filters.shape[-2]:
        raise ValueError(
            f"output_shape={output_shape!r} must start with the batch size {x.shape[0]} and "
            f"end with C_out=filters.shape[-2]={filters.shape[-2]}"
        )
    s = tf_per_dimension(strides, n, "strides")
    d = tf_per_dimension(dilations, n, "dilations")
    k = filters.shape[:n]
    out_size = shape[1:-1]
    legal = tf_output_size_range(x.shape[1:-1], k, s, padding, d)
    context = (
        f"input size {x.shape[1:-1]}, kernel {k}, strides {s}, padding {padding!r}, "
        f"dilations {d}"
    )
    check_legal_sizes(
        legal, out_size, f"output_shape={output_shape!r}", context
    )
    pads = tf_padding(out_size, k, s, padding, d)
    canvas = conv_transpose(
        np.moveaxis(x, -1, 1),
        tf_filters_to_torch(filters),
        stride=s,
        dilation=d,
        memory_budget=memory_budget,
    )
    edges = [
        (-b, o - (c - b))
        for (b, _), o, c in zip(pads, out_size, canvas.shape[2:])
    ]
    return np.moveaxis(pad_or_crop(canvas, edges), 1, -1)


def tf_filters_to_torch(filters):
    r"""TF/Keras transposed-convolution filters ``(*k, C_out, C_in)`` to PyTorch's layout.

    Parameters
    ----------
    filters : array_like
        Filters ``(*kernel, C_out, C_in)`` with 1, 2 or 3 spatial dimensions.

    Returns
    -------
    numpy.ndarray
        A view ``(C_in, C_out, *kernel)`` of the same values and dtype.

    Raises
    ------
    ValueError
        If ``filters`` does not have 3 to 5 axes, or has an empty one.
    TypeError
        If ``filters`` is not real (bool, complex).

    See Also
    --------
    torch_weight_to_tf : The inverse.
    tf_conv_transpose : Uses it to call :func:`conv_transpose`.

    Notes
    -----
    Only the axes move; with t a kernel position,

    .. math::

        w_\text{torch}[c_i, c_o, t] = f_\text{TF}[t, c_o, c_i] .

    Examples
    --------
    A 3-tap 1-D filter from 1 input to 2 output channels:

    >>> tf_filters_to_torch(np.zeros((3, 2, 1))).shape
    (1, 2, 3)
    """
    filters = weight_array(filters, FILTERS_LAYOUT, "filters", keep_dtype=True)
    n = filters.ndim - 2
    return np.transpose(filters, (n + 1, n) + tuple(range(n)))


def torch_weight_to_tf(w):
    r"""PyTorch ``ConvTranspose`` weights ``(C_in, C_out, *k)`` to TF/Keras filters.

    Parameters
    ----------
    w : array_like
        Weight ``(C_in, C_out, *kernel)`` with 1, 2 or 3 spatial dimensions.

    Returns
    -------
    numpy.ndarray
        A view ``(*kernel, C_out, C_in)`` of the same values and dtype.

    Raises
    ------
    ValueError
        If ``w`` does not have 3 to 5 axes, or has an empty one.
    TypeError
        If ``w`` is not real (bool, complex).

    See Also
    --------
    tf_filters_to_torch : The inverse.
    tf_args_for_torch : The TF arguments of the same layer.

    Notes
    -----
    Only the axes move; with t a kernel position,

    .. math::

        f_\text{TF}[t, c_o, c_i] = w_\text{torch}[c_i, c_o, t] .

    Examples
    --------
    A 4x5 kernel from 2 input to 3 output channels:

    >>> torch_weight_to_tf(np.zeros((2, 3, 4, 5))).shape
    (4, 5, 3, 2)
    """
    w = weight_array(w, "(C_in, C_out, *kernel)", keep_dtype=True)
    n = w.ndim - 2
    return np.transpose(w, tuple(range(2, n + 2)) + (1, 0))
