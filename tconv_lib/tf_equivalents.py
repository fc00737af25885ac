"""Translating a transposed convolution between PyTorch's and TensorFlow's arguments (chapter 06).

PyTorch crops ``padding`` from both ends of the full stamp canvas and adds ``output_padding``
at the end; TensorFlow keeps the window its forward convolution's padding selects. The two
functions here find the arguments of one framework that reproduce a call of the other.
"""

from __future__ import annotations

from typing import NamedTuple

from .arguments import layer_arguments, per_dimension, spatial_rank
from .geometry import canvas_length
from .shapes import transpose_sizes
from .tf_sizes import (
    check_legal_sizes,
    tf_output_size_range,
    tf_padding,
    tf_per_dimension,
)


class TorchEquivalent(NamedTuple):
    """PyTorch arguments that reproduce a TF call: run ``conv_transpose`` with ``padding`` and
    ``output_padding``, then drop ``crop[axis] = (from_start, from_end)`` entries per axis."""

    padding: tuple
    output_padding: tuple
    crop: tuple


def torch_args_for_tf(
    in_size, kernel_size, out_size, strides, padding="SAME", dilations=1
):
    r"""The PyTorch ``padding``/``output_padding`` (plus a crop) that reproduce a TF call.

    Parameters
    ----------
    in_size : int or tuple of int
        Input size i per spatial dimension (an int: one).
    kernel_size : int or tuple of int
        Kernel size k.
    out_size : int or tuple of int
        TF's output size o (the spatial part of ``output_shape``).
    strides : int or tuple of int
        Stride s: an int, n ints, or n + 2 ints with 1 for batch and channels.
    padding : {"SAME", "VALID"} or list of pairs, optional
        TF's padding.
    dilations : int or tuple of int, optional
        Dilation d, in the same forms as ``strides``.

    Returns
    -------
    TorchEquivalent
        ``padding``, ``output_padding`` and ``crop``, one entry per spatial dimension.

    Raises
    ------
    ValueError
        If ``out_size`` is not legal for this TF call.

    See Also
    --------
    tf_args_for_torch : The other direction.
    tf_conv_transpose : The TF call itself, in numpy.

    Notes
    -----
    TF keeps the window :math:`[b, b + o)` of the canvas of length
    :math:`L = s(i-1) + d(k-1) + 1`; PyTorch keeps :math:`[p, L + a - p)`. The largest
    :math:`p \le b` with a legal output padding is chosen, with e = L - b - o (TF's crop
    at the end), and what is left over becomes a crop:

    .. math::

        a = \max(0, p - e) < \max(s, d) .

    A crop is needed exactly when TF pads asymmetrically, as SAME does with k=3, s=2
    (chapter 06): ``padding=1, output_padding=1`` has the right shape but is shifted by
    one pixel; the right answer is ``padding=0`` and dropping the last row.

    Examples
    --------
    The k=3, s=2 SAME trap: no padding, then drop the last entry.

    >>> torch_args_for_tf(4, 3, 8, 2, "SAME")
    TorchEquivalent(padding=(0,), output_padding=(0,), crop=((0, 1),))
    """
    n = spatial_rank(
        in_size=in_size, kernel_size=kernel_size, out_size=out_size
    )
    i = per_dimension(in_size, n, "in_size", minimum=1)
    o = per_dimension(out_size, n, "out_size", minimum=1)
    k = per_dimension(kernel_size, n, "kernel_size", minimum=1)
    s = tf_per_dimension(strides, n, "strides")
    d = tf_per_dimension(dilations, n, "dilations")
    legal = tf_output_size_range(i, k, s, padding, d)
    check_legal_sizes(
        legal,
        o,
        f"out_size={out_size!r}",
        f"this TF call (padding {padding!r})",
    )
    pads = tf_padding(o, k, s, padding, d)
    paddings, output_paddings, crops = [], [], []
    for ii, oo, kk, ss, dd, (before, _) in zip(i, o, k, s, d, pads):
        full = canvas_length(ii, kk, ss, dd)
        end_crop = full - before - oo
        p = next(
            p
            for p in range(before, -1, -1)
            if max(0, p - end_crop) < max(ss, dd)
        )
        op = max(0, p - end_crop)
        paddings.append(p)
        output_paddings.append(op)
        crops.append((before - p, (full + op - p) - (before + oo)))
    return TorchEquivalent(
        tuple(paddings), tuple(output_paddings), tuple(crops)
    )


class TFEquivalent(NamedTuple):
    """A TF call that reproduces a PyTorch one: ``tf.nn.conv_transpose(x, filters,
    (N, *out_size, C_out), strides, padding, dilations)``."""

    out_size: tuple
    padding: object
    strides: tuple
    dilations: tuple


def tf_args_for_torch(
    in_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
):
    r"""The TF ``output_shape`` and ``padding`` that reproduce a PyTorch transposed convolution.

    Parameters
    ----------
    in_size : int or tuple of int
        Input size i per spatial dimension (an int: one).
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int, optional
        PyTorch's stride s.
    padding : int or tuple of int, optional
        PyTorch's padding p.
    output_padding : int or tuple of int, optional
        PyTorch's output padding a.
    dilation : int or tuple of int, optional
        PyTorch's dilation d.

    Returns
    -------
    TFEquivalent
        ``out_size``, ``padding`` ("VALID", "SAME" or explicit pairs), ``strides`` and
        ``dilations`` of the TF call.

    Raises
    ------
    ValueError
        If an argument is out of range, or no TF padding reproduces the call.

    See Also
    --------
    torch_args_for_tf : The other direction.
    conv_transpose_output_size : The output size, PyTorch's rule.

    Notes
    -----
    PyTorch keeps the window :math:`[p, p + o)` of the canvas; TF keeps
    :math:`[b, b + o)`, so the TF padding starts with :math:`b = p`. "VALID" is used when
    p = 0, "SAME" when its padding is the same window, and explicit pairs otherwise:

    .. math::

        (b, e) = \bigl(p, \max(p - a, 0)\bigr)

    (``tf.nn.conv2d_transpose`` accepts explicit padding; ``conv1d_/conv3d_transpose`` do
    not).

    Examples
    --------
    DCGAN's k=4, s=2, p=1 layer is TF's SAME:

    >>> tf_args_for_torch(16, 4, stride=2, padding=1)
    TFEquivalent(out_size=(32,), padding='SAME', strides=(2,), dilations=(1,))
    """
    n = spatial_rank(
        in_size=in_size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    i = per_dimension(in_size, n, "in_size", minimum=1)
    k = per_dimension(kernel_size, n, "kernel_size", minimum=1)
    a = layer_arguments(n, stride, padding, dilation, output_padding)
    o = transpose_sizes(i, k, a)
    s, p, d = a.stride, a.padding, a.dilation
    for mode in ("VALID", "SAME"):
        legal = tf_output_size_range(i, k, s, mode, d)
        reachable = all(oo in r for oo, r in zip(o, legal))
        if reachable and [b for b, _ in tf_padding(o, k, s, mode, d)] == list(
            p
        ):
            return TFEquivalent(o, mode, s, d)
    explicit = (
        [[0, 0]]
        + [[pp, max(pp - oo, 0)] for pp, oo in zip(p, a.output_padding)]
        + [[0, 0]]
    )
    if any(
        oo not in r
        for oo, r in zip(o, tf_output_size_range(i, k, s, explicit, d))
    ):
        raise ValueError(
            f"no TF padding reproduces padding={padding!r}, output_padding={output_padding!r} "
            f"with stride={stride!r}, dilation={dilation!r}: TF allows at most stride - 1 "
            f"extra rows"
        )
    return TFEquivalent(o, explicit, s, d)
