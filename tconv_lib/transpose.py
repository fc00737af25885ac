"""Transposed convolution, five ways (chapters 02-05, 08 and 09).

``conv_transpose`` computes exactly ``torch.nn.functional.conv_transpose1d/2d/3d`` (no bias).
Each ``method`` is a different way of seeing the same linear map; all agree to rounding.

==========  ==============================================================  =======
method      what it does                                                    chapter
==========  ==============================================================  =======
"scatter"   every input element stamps a scaled kernel at stride spacing    02
"matrix"    multiplies by C^T, the transpose of the convolution's matrix    02
"direct"    zero insertion + padding + 180-degree kernel + stride-1 conv    02, 04
"subpixel"  s^n stride-1 convolutions with sub-kernels, interleaved         08
"gemm"      one matrix product, then an overlap-add (col2im): the fast one  09
==========  ==============================================================  =======
"""
from __future__ import annotations

from math import gcd

import numpy as np

from ._checks import as_tuple, check_groups, check_output_padding, pad_or_crop, prepare
from .conv import conv, conv_matrix
from .gemm import gemm_conv_transpose as _gemm  # the fast one: one GEMM + overlap-add by phases (chapter 09)
from .shapes import conv_output_size, conv_transpose_output_size


def insert_zeros(x, stride):
    """Put ``stride - 1`` zeros between neighbouring elements of every spatial axis (chapter 04).

    The trailing ``len(stride)`` axes of ``x`` are spatial; a length ``i`` becomes ``s(i-1) + 1``.
    This is why a transposed convolution is also called a *fractionally strided* convolution.

    Examples
    --------
    >>> insert_zeros(np.array([[1., 2., 3.]]), (2,))
    array([[1., 0., 2., 0., 3.]])
    """
    x = np.asarray(x)
    stride = tuple(stride)
    spatial = x.shape[x.ndim - len(stride):]
    out = np.zeros(x.shape[: x.ndim - len(stride)] + tuple(s * (i - 1) + 1 for s, i in zip(stride, spatial)), x.dtype)
    out[(Ellipsis,) + tuple(slice(None, None, s) for s in stride)] = x
    return out


def flip_weight(w, groups=1):
    """Rotate every kernel 180 degrees and swap the in/out channel axes within each group.

    Turns a transposed-convolution weight ``(C_in, C_out/groups, *k)`` into the weight
    ``(C_out, C_in/groups, *k)`` of the equivalent direct convolution (chapters 02, 05, 10),
    and back: the operation is its own inverse.
    """
    w = np.asarray(w)
    check_groups(groups)
    if w.ndim < 3 or w.shape[0] % groups:
        raise ValueError(f"w has shape {w.shape}; expected (C, C'/groups, *kernel) with C divisible by groups={groups}")
    n = w.ndim - 2
    rotated = np.flip(w, axis=tuple(range(2, 2 + n)))
    c_first, c_second = w.shape[:2]
    by_group = rotated.reshape((groups, c_first // groups, c_second) + w.shape[2:])
    swapped = np.swapaxes(by_group, 1, 2)
    return swapped.reshape((groups * c_second, c_first // groups) + w.shape[2:])


def _full_canvas(x, w, stride, output_padding, dilation, groups):
    """Zeros big enough for every stamp, ``s(i-1) + d(k-1) + 1``, plus ``output_padding`` at the end."""
    size = tuple(
        s * (i - 1) + d * (k - 1) + 1 + op
        for s, i, d, k, op in zip(stride, x.shape[2:], dilation, w.shape[2:], output_padding)
    )
    return np.zeros((x.shape[0], w.shape[1] * groups) + size, dtype=x.dtype)


def _crop(canvas, padding, out_size):
    """``padding`` crops the first p entries; the output keeps the next ``out_size``."""
    return canvas[(slice(None), slice(None)) + tuple(slice(p, p + o) for p, o in zip(padding, out_size))]


def _scatter(x, w, stride, padding, output_padding, dilation, groups, out_size):
    """The definition: every input element stamps its value times the kernel into the output."""
    canvas = _full_canvas(x, w, stride, output_padding, dilation, groups)
    c_in_group, c_out_group = x.shape[1] // groups, w.shape[1]
    for position in np.ndindex(*x.shape[2:]):
        # The stamp of input element `position` starts at position * stride, taps spaced by dilation.
        region = tuple(
            slice(i * s, i * s + d * (k - 1) + 1, d)
            for i, s, d, k in zip(position, stride, dilation, w.shape[2:])
        )
        for g in range(groups):
            ins, outs = slice(g * c_in_group, (g + 1) * c_in_group), slice(g * c_out_group, (g + 1) * c_out_group)
            values = x[(slice(None), ins) + position]  # (N, C_in/groups)
            stamp = np.tensordot(values, w[ins], axes=1)  # (N, C_out/groups, *k)
            canvas[(slice(None), outs) + region] += stamp
    return _crop(canvas, padding, out_size)


def _matrix(x, w, stride, padding, output_padding, dilation, groups, out_size):
    """C^T applied to the flattened input, C being the convolution matrix on the output's shape."""
    matrix = conv_matrix(w, out_size, stride, padding, dilation, groups)
    rows = conv_output_size(tuple(out_size), tuple(w.shape[2:]), stride, padding, dilation)
    # C can have more rows than x has entries (output_padding >= stride); those rows meet zeros.
    x = pad_or_crop(x, [(0, r - i) for r, i in zip(rows, x.shape[2:])])
    y = x.reshape(x.shape[0], -1) @ matrix
    return y.reshape((x.shape[0], w.shape[1] * groups) + tuple(out_size))


def _direct(x, w, stride, padding, output_padding, dilation, groups, out_size):
    """Insert s-1 zeros, pad d(k-1)-p (plus output_padding at the end), slide the rotated kernel."""
    spread = insert_zeros(x, stride)
    edges = [
        (d * (k - 1) - p, d * (k - 1) - p + op)
        for d, k, p, op in zip(dilation, w.shape[2:], padding, output_padding)
    ]
    return conv(pad_or_crop(spread, edges), flip_weight(w, groups), dilation=dilation, groups=groups)


def _phase_plan(phase, i, k, s, p, d, o):
    """For one output phase along one axis: which taps feed it and how to pad the input.

    Output position j (after cropping p) belongs to phase ``(j + p) % s``. The taps ``t`` with
    ``t*d % s == phase`` land there; they are every ``s/gcd(s,d)``-th tap, so the sub-kernel
    is ``w[t0::s']``, applied as a stride-1 convolution with dilation ``d/gcd(s,d)``.
    Returns ``None`` if no tap or no output position has this phase.
    """
    step_taps, step_offsets = s // gcd(s, d), d // gcd(s, d)
    first_taps = [t for t in range(min(step_taps, k)) if (t * d) % s == phase]
    first_out = (phase - p) % s
    if not first_taps or first_out >= o:
        return None
    t0 = first_taps[0]
    n_taps = len(range(t0, k, step_taps))
    n_out = len(range(first_out, o, s))
    last_offset = (t0 * d - phase) // s + (n_taps - 1) * step_offsets
    q_first = (first_out + p - phase) // s
    before = last_offset - q_first
    after = n_out + step_offsets * (n_taps - 1) - i - before
    return slice(t0, None, step_taps), step_offsets, (before, after), slice(first_out, None, s)


def _subpixel(x, w, stride, padding, output_padding, dilation, groups, out_size):
    """s^n stride-1 convolutions of the small input with sub-kernels, interleaved (chapter 08)."""
    out = np.zeros((x.shape[0], w.shape[1] * groups) + tuple(out_size), dtype=x.dtype)
    for phases in np.ndindex(*stride):
        plans = [
            _phase_plan(ph, i, k, s, p, d, o)
            for ph, i, k, s, p, d, o in zip(phases, x.shape[2:], w.shape[2:], stride, padding, dilation, out_size)
        ]
        if any(plan is None for plan in plans):
            continue  # no tap reaches this phase: those outputs stay zero
        taps, dilations, edges, outputs = zip(*plans)
        sub_kernel = w[(slice(None), slice(None)) + taps]
        small = pad_or_crop(x, edges)
        out[(slice(None), slice(None)) + outputs] = conv(
            small, flip_weight(sub_kernel, groups), dilation=dilations, groups=groups
        )
    return out


_METHODS = {"gemm": _gemm, "scatter": _scatter, "matrix": _matrix, "direct": _direct, "subpixel": _subpixel}
METHODS = tuple(_METHODS)


def conv_transpose(x, w, stride=1, padding=0, output_padding=0, dilation=1, groups=1, method="gemm"):
    """Transposed convolution exactly like ``torch.nn.functional.conv_transpose1d/2d/3d`` (no bias).

    ``y[n, co, j] = sum_{ci, i, t : j = s*i + d*t - p} x[n, ci, i] * w[ci, co_local, t]``
    with the sum over the input channels ``ci`` of ``co``'s group (chapter 02). The output size
    is ``o = s(i-1) + d(k-1) - 2p + output_padding + 1`` (chapter 04).

    Parameters
    ----------
    x : array_like, shape ``(N, C_in, *spatial)`` or unbatched ``(C_in, *spatial)``
    w : array_like, shape ``(C_in, C_out/groups, *kernel)``
    stride, padding, output_padding, dilation : int or tuple of ints, one per spatial dimension
        ``padding`` crops p entries from both ends of every axis; ``output_padding`` (smaller
        than either stride or dilation) adds entries at the end.
    groups : int
    method : {"gemm", "scatter", "matrix", "direct", "subpixel"}
        How to compute it; every method gives the same result (see the module docstring).

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C_out, *out)``, or ``(C_out, *out)`` for an unbatched ``x``.

    Examples
    --------
    The d2l example (chapter 02):

    >>> conv_transpose([[[[0., 1.], [2., 3.]]]], [[[[0., 1.], [2., 3.]]]])
    array([[[[ 0.,  0.,  1.],
             [ 0.,  4.,  6.],
             [ 4., 12.,  9.]]]])
    """
    if method not in _METHODS:
        raise ValueError(f"method={method!r} is not known; choose one of {METHODS}")
    x, w, unbatched = prepare(x, w, groups, transposed=True)
    n = w.ndim - 2
    s = as_tuple(stride, n, "stride", minimum=1)
    p = as_tuple(padding, n, "padding", minimum=0)
    op = as_tuple(output_padding, n, "output_padding", minimum=0)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    check_output_padding(op, s, d)
    out_size = conv_transpose_output_size(tuple(x.shape[2:]), tuple(w.shape[2:]), s, p, op, d)
    if isinstance(out_size, int):
        out_size = (out_size,)
    y = _METHODS[method](x, w, s, p, op, d, groups, out_size)
    return y[0] if unbatched else y


def overlap_counts(in_shape, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """How many kernel stamps cover each output position (chapter 07: the checkerboard).

    It is the transposed convolution of an all-ones input with an all-ones kernel, so the
    counts are exactly what ``conv_transpose`` adds up. Returns an int array of the output's
    spatial shape.

    Examples
    --------
    >>> overlap_counts(4, 3, stride=2)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    """
    n = len(in_shape) if isinstance(in_shape, (tuple, list)) else 1
    in_shape = as_tuple(in_shape, n, "in_shape", minimum=1)
    kernel_size = as_tuple(kernel_size, n, "kernel_size", minimum=1)
    ones = np.ones((1, 1) + in_shape)
    counts = conv_transpose(ones, np.ones((1, 1) + kernel_size), stride, padding, output_padding, dilation)
    return np.rint(counts[0, 0]).astype(int)
