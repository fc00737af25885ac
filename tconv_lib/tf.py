"""TensorFlow's transposed convolution, in numpy, and converters to and from PyTorch (chapter 06).

TensorFlow is channels-last: inputs ``(N, *spatial, C)`` and transposed-convolution filters
``(*kernel, C_out, C_in)`` (Keras ``Conv2DTranspose`` kernels too). ``tf.nn.conv2d_transpose``
is the gradient of ``tf.nn.conv2d`` with respect to its input, so it needs the ``output_shape``
of that forward convolution: several output sizes share one input size, and the padding mode
decides which window of the full stamp canvas is kept.

Observed on the pinned TensorFlow (2.21, CPU): with ``TF_ENABLE_ONEDNN_OPTS=0`` the CPU kernels
refuse ``dilations > 1`` and ``data_format="NCHW"``; with oneDNN enabled both run.
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from ._checks import as_real_array, as_tuple, pad_or_crop
from .transpose import conv_transpose


def _tf_per_dimension(value, n, name, minimum):
    """TF accepts an int, ``n`` values, or ``n + 2`` values with 1 for batch and channels."""
    if isinstance(value, (list, tuple)) and len(value) == n + 2:
        if value[0] != 1 or value[-1] != 1:
            raise ValueError(f"{name}={value!r}: the batch and channel entries must be 1")
        value = tuple(value[1:-1])
    return as_tuple(value, n, name, minimum=minimum)


def _padding_pairs(padding, n):
    """Explicit TF padding, ``[[0,0],[top,bottom],[left,right],[0,0]]`` or ``n`` pairs, as n pairs."""
    pairs = [tuple(pair) for pair in padding]
    if len(pairs) == n + 2:
        if pairs[0] != (0, 0) or pairs[-1] != (0, 0):
            raise ValueError(f"padding={padding!r}: the batch and channel pairs must be [0, 0]")
        pairs = pairs[1:-1]
    if len(pairs) != n or any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"padding={padding!r} must be 'SAME', 'VALID' or {n} (or {n + 2}) [before, after] pairs")
    for pair in pairs:
        for v in pair:
            if not isinstance(v, numbers.Integral) or v < 0:
                raise ValueError(f"padding={padding!r} must hold non-negative ints")
    return [(int(b), int(a)) for b, a in pairs]


def tf_padding(out_size, kernel_size, stride, padding, dilation=1):
    """The ``(before, after)`` zeros TF's forward convolution puts around an input of size ``out_size``.

    ``"VALID"``: none. ``"SAME"``: total ``max((ceil(o/s) - 1)*s + d(k-1) + 1 - o, 0)``, with
    ``before = total // 2``: the odd pixel goes to the bottom/right (chapter 06). Explicit
    pairs are returned as given. One pair per spatial dimension.
    """
    n = len(out_size)
    k = as_tuple(kernel_size, n, "kernel_size", minimum=1)
    s = as_tuple(stride, n, "stride", minimum=1)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    if isinstance(padding, str):
        if padding.upper() == "VALID":
            return [(0, 0)] * n
        if padding.upper() == "SAME":
            pairs = []
            for o, kk, ss, dd in zip(out_size, k, s, d):
                total = max((-(-o // ss) - 1) * ss + dd * (kk - 1) + 1 - o, 0)
                pairs.append((total // 2, total - total // 2))
            return pairs
        raise ValueError(f"padding={padding!r} must be 'SAME', 'VALID' or a list of [before, after] pairs")
    return _padding_pairs(padding, n)


def tf_output_size_range(in_size, kernel_size, stride, padding="SAME", dilation=1):
    """The legal ``output_shape`` spatial sizes of a TF transposed convolution, as a ``range`` per dimension.

    Legal sizes ``o`` are those whose forward convolution gives back ``in_size``:
    SAME ``(i-1)s + 1 .. i*s``; VALID ``(i-1)s + d(k-1) + 1 .. i*s + d(k-1)``; explicit pads
    ``(b, a)``: ``(i-1)s + d(k-1) + 1 - b - a`` and the next ``s - 1`` sizes (chapter 06).

    Examples
    --------
    >>> tf_output_size_range((2, 2), 3, 2, "VALID")
    [range(5, 7), range(5, 7)]
    """
    n = len(in_size) if isinstance(in_size, (tuple, list)) else 1
    i = as_tuple(in_size, n, "in_size", minimum=1)
    k = as_tuple(kernel_size, n, "kernel_size", minimum=1)
    s = _tf_per_dimension(stride, n, "strides", minimum=1)
    d = _tf_per_dimension(dilation, n, "dilations", minimum=1)
    ranges = []
    for dim, (ii, kk, ss, dd) in enumerate(zip(i, k, s, d)):
        if isinstance(padding, str) and padding.upper() == "SAME":
            low = (ii - 1) * ss + 1
        elif isinstance(padding, str) and padding.upper() == "VALID":
            low = (ii - 1) * ss + dd * (kk - 1) + 1
        else:
            before, after = tf_padding((1,) * n, k, s, padding, d)[dim]
            low = (ii - 1) * ss + dd * (kk - 1) + 1 - before - after
        ranges.append(range(max(low, 1), low + ss))
    return ranges


def tf_conv_transpose(x, filters, output_shape, strides, padding="SAME", dilations=1):
    """``tf.nn.conv_transpose`` (and ``conv1d/2d/3d_transpose``) in numpy, channels last.

    The full stamp canvas of the transposed convolution (length ``(i-1)s + d(k-1) + 1``, zeros
    beyond it) is computed as in PyTorch with no padding; TF keeps the window
    ``[before, before + o)``, where ``before`` is the padding its forward convolution would put
    at the start (``tf_padding``). With SAME and an odd total padding, the extra pixel is
    cropped at the bottom/right (chapter 06).

    Parameters
    ----------
    x : array_like, shape ``(N, *spatial, C_in)``
    filters : array_like, shape ``(*kernel, C_out, C_in)``
    output_shape : sequence of ints, ``(N, *out, C_out)``
    strides, dilations : int, n ints, or n + 2 ints with 1 for batch and channels
    padding : "SAME", "VALID", or explicit ``[[0, 0], [before, after], ..., [0, 0]]`` pairs

    Raises
    ------
    ValueError
        For an ``output_shape`` TF would refuse, naming the legal sizes.

    Examples
    --------
    Seed 003's first output (chapter 06):

    >>> x = np.array([[-67., -77.], [-117., -127.]]).reshape(1, 2, 2, 1)
    >>> f = np.array([[-1., 2., -3.], [4., -5., 6.], [-7., 8., -9.]]).reshape(3, 3, 1, 1)
    >>> float(tf_conv_transpose(x, f, (1, 5, 5, 1), 2, "VALID")[0, 0, 0, 0])
    67.0
    """
    x = as_real_array(x, "x")
    filters = as_real_array(filters, "filters")
    if not 3 <= filters.ndim <= 5:
        raise ValueError(f"filters has shape {filters.shape}; expected (*kernel, C_out, C_in) with 1-3 spatial dims")
    n = filters.ndim - 2
    if x.ndim != n + 2:
        raise ValueError(f"x has shape {x.shape}; expected (N, *spatial, C_in) with {n + 2} axes")
    if x.shape[-1] != filters.shape[-1]:
        raise ValueError(f"x has {x.shape[-1]} channels but filters.shape[-1]={filters.shape[-1]} (filters are (*kernel, C_out, C_in))")
    output_shape = tuple(int(v) for v in np.asarray(output_shape).ravel())
    if len(output_shape) != n + 2:
        raise ValueError(f"output_shape={output_shape!r} must have {n + 2} entries (N, *spatial, C_out)")
    if output_shape[0] != x.shape[0] or output_shape[-1] != filters.shape[-2]:
        raise ValueError(
            f"output_shape={output_shape!r} must start with the batch size {x.shape[0]} and end with "
            f"C_out=filters.shape[-2]={filters.shape[-2]}"
        )
    s = _tf_per_dimension(strides, n, "strides", minimum=1)
    d = _tf_per_dimension(dilations, n, "dilations", minimum=1)
    k = filters.shape[:n]
    out_size = output_shape[1:-1]
    legal = tf_output_size_range(x.shape[1:-1], k, s, padding, d)
    if any(o not in r for o, r in zip(out_size, legal)):
        allowed = ", ".join(f"{r.start}..{r.stop - 1}" for r in legal)
        raise ValueError(
            f"output_shape={output_shape!r} is not legal for input size {x.shape[1:-1]}, kernel {k}, "
            f"strides {s}, padding {padding!r}, dilations {d}: each spatial size must be in {allowed}"
        )
    pads = tf_padding(out_size, k, s, padding, d)
    canvas = conv_transpose(np.moveaxis(x, -1, 1), tf_filters_to_torch(filters), stride=s, dilation=d)
    window = pad_or_crop(canvas, [(-b, o - (c - b)) for (b, _), o, c in zip(pads, out_size, canvas.shape[2:])])
    return np.moveaxis(window, 1, -1)


def tf_filters_to_torch(filters):
    """TF/Keras transposed-convolution filters ``(*k, C_out, C_in)`` to PyTorch's ``(C_in, C_out, *k)``."""
    filters = np.asarray(filters)
    n = filters.ndim - 2
    return np.transpose(filters, (n + 1, n) + tuple(range(n)))


def torch_weight_to_tf(w):
    """PyTorch ``ConvTranspose`` weights ``(C_in, C_out, *k)`` to TF/Keras filters ``(*k, C_out, C_in)``."""
    w = np.asarray(w)
    n = w.ndim - 2
    return np.transpose(w, tuple(range(2, n + 2)) + (1, 0))


class TorchEquivalent(NamedTuple):
    """PyTorch arguments that reproduce a TF call: run ``conv_transpose`` with ``padding`` and
    ``output_padding``, then drop ``crop[axis] = (from_start, from_end)`` entries per spatial axis."""

    padding: tuple
    output_padding: tuple
    crop: tuple


def torch_args_for_tf(in_size, kernel_size, out_size, strides, padding="SAME", dilations=1):
    """The PyTorch ``padding``/``output_padding`` (plus a crop) that reproduce a TF transposed convolution.

    TF keeps the window ``[b, b + o)`` of the full canvas of length ``L = (i-1)s + d(k-1) + 1``;
    PyTorch keeps ``[p, L + op - p)``. The largest ``p <= b`` with a legal
    ``op = max(0, p - e)`` (``e = L - b - o``, TF's crop at the end) is chosen, and whatever is
    left over becomes a crop. A crop is needed exactly when TF pads asymmetrically, as SAME
    does with k=3, s=2 (chapter 06): there ``padding=1, output_padding=1`` has the right shape
    but is shifted by one pixel; the right answer is ``padding=0`` and dropping the last row.

    Examples
    --------
    >>> torch_args_for_tf(4, 3, 8, 2, "SAME")
    TorchEquivalent(padding=(0,), output_padding=(0,), crop=((0, 1),))
    """
    n = len(in_size) if isinstance(in_size, (tuple, list)) else 1
    i = as_tuple(in_size, n, "in_size", minimum=1)
    o = as_tuple(out_size, n, "out_size", minimum=1)
    k = as_tuple(kernel_size, n, "kernel_size", minimum=1)
    s = _tf_per_dimension(strides, n, "strides", minimum=1)
    d = _tf_per_dimension(dilations, n, "dilations", minimum=1)
    legal = tf_output_size_range(i, k, s, padding, d)
    if any(oo not in r for oo, r in zip(o, legal)):
        raise ValueError(f"out_size={out_size!r} is not legal for this TF call; legal sizes: {legal}")
    pads = tf_padding(o, k, s, padding, d)
    paddings, output_paddings, crops = [], [], []
    for ii, oo, kk, ss, dd, (before, _) in zip(i, o, k, s, d, pads):
        full = (ii - 1) * ss + dd * (kk - 1) + 1
        end_crop = full - before - oo
        p = next(p for p in range(before, -1, -1) if max(0, p - end_crop) < max(ss, dd))
        op = max(0, p - end_crop)
        paddings.append(p)
        output_paddings.append(op)
        crops.append((before - p, (full + op - p) - (before + oo)))
    return TorchEquivalent(tuple(paddings), tuple(output_paddings), tuple(crops))


class TFEquivalent(NamedTuple):
    """A TF call that reproduces a PyTorch one: ``tf.nn.conv_transpose(x, filters, (N, *out_size, C_out),
    strides, padding, dilations)``."""

    out_size: tuple
    padding: object
    strides: tuple
    dilations: tuple


def tf_args_for_torch(in_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """The TF ``output_shape`` and ``padding`` that reproduce ``conv_transpose`` with PyTorch arguments.

    PyTorch keeps the window ``[p, p + o)`` of the full canvas; TF keeps ``[before, before + o)``,
    so the TF padding starts with ``p``. ``"VALID"`` is used when ``p = 0``, ``"SAME"`` when its
    padding is the same window, and explicit pairs ``[p, max(p - output_padding, 0)]`` otherwise
    (``tf.nn.conv2d_transpose`` accepts explicit padding; ``conv1d_/conv3d_transpose`` do not).

    Examples
    --------
    >>> tf_args_for_torch(16, 4, stride=2, padding=1)
    TFEquivalent(out_size=(32,), padding='SAME', strides=(2,), dilations=(1,))
    """
    from .shapes import conv_transpose_output_size

    n = len(in_size) if isinstance(in_size, (tuple, list)) else 1
    i = as_tuple(in_size, n, "in_size", minimum=1)
    k = as_tuple(kernel_size, n, "kernel_size", minimum=1)
    s = as_tuple(stride, n, "stride", minimum=1)
    p = as_tuple(padding, n, "padding", minimum=0)
    op = as_tuple(output_padding, n, "output_padding", minimum=0)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    o = conv_transpose_output_size(i, k, s, p, op, d)
    for mode in ("VALID", "SAME"):
        if all(oo in r for oo, r in zip(o, tf_output_size_range(i, k, s, mode, d))):
            if [b for b, _ in tf_padding(o, k, s, mode, d)] == list(p):
                return TFEquivalent(o, mode, s, d)
    explicit = [[0, 0]] + [[pp, max(pp - oo, 0)] for pp, oo in zip(p, op)] + [[0, 0]]
    if any(oo not in r for oo, r in zip(o, tf_output_size_range(i, k, s, explicit, d))):
        raise ValueError(
            f"no TF padding reproduces padding={padding!r}, output_padding={output_padding!r} with "
            f"stride={stride!r}, dilation={dilation!r}: TF allows at most stride - 1 extra rows"
        )
    return TFEquivalent(o, explicit, s, d)


def keras_conv_transpose_output_size(in_size, kernel_size, stride, padding, output_padding=None, dilation=1):
    """Output size of a Keras 3 ``Conv1D/2D/3DTranspose`` layer, per spatial dimension.

    Keras computes the ``output_shape`` it passes to ``tf.nn.conv_transpose`` with this rule
    (``keras.src.backend.common.backend_utils._get_output_shape_given_tf_padding``), where
    ``K = d(k-1) + 1`` is the dilated kernel size:

    - ``"valid"``: ``(i-1)s + K + output_padding``; ``output_padding=None`` means
      ``max(K, s) - K``, so ``s > k`` gives ``i*s``.
    - ``"same"``: ``i*s`` when ``output_padding`` is None, else ``(i-1)s + K % 2 + output_padding``.

    The size is returned as Keras computes it, even when TensorFlow then refuses it: with
    ``"same"``, an even ``K`` and ``output_padding=0`` it is ``(i-1)s``, below the smallest legal
    SAME size ``(i-1)s + 1`` (see ``tf_output_size_range``; chapter 06).

    Parameters
    ----------
    in_size, kernel_size, stride, dilation : int or tuple of ints (one per spatial dimension)
    padding : {"valid", "same"} (any case)
    output_padding : None, int or tuple of ints, each smaller than the stride (Keras checks this)

    Returns
    -------
    int or tuple of ints
        An int if every size argument was an int, else a tuple.

    Examples
    --------
    >>> keras_conv_transpose_output_size(4, 2, 3, "valid")
    12
    >>> keras_conv_transpose_output_size(4, 4, 2, "same", output_padding=0)
    6
    """
    sized = (in_size, kernel_size, stride, dilation) + (() if output_padding is None else (output_padding,))
    n = max(len(v) if isinstance(v, (tuple, list)) else 1 for v in sized)
    i = as_tuple(in_size, n, "in_size", minimum=1)
    k = as_tuple(kernel_size, n, "kernel_size", minimum=1)
    s = as_tuple(stride, n, "stride", minimum=1)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    op = (None,) * n if output_padding is None else as_tuple(output_padding, n, "output_padding", minimum=0)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"padding={padding!r} must be 'valid' or 'same' (Keras accepts no explicit padding)")
    sizes = []
    for ii, kk, ss, dd, oo in zip(i, k, s, d, op):
        if oo is not None and oo >= ss:
            raise ValueError(f"output_padding={output_padding!r} must be smaller than the stride {stride!r}, as in Keras")
        big_k = dd * (kk - 1) + 1
        if padding.lower() == "valid":
            sizes.append((ii - 1) * ss + big_k + (max(big_k, ss) - big_k if oo is None else oo))
        else:
            sizes.append(ii * ss if oo is None else (ii - 1) * ss + big_k % 2 + oo)
    if all(isinstance(v, numbers.Integral) for v in sized):
        return sizes[0]
    return tuple(sizes)
