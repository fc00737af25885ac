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

from itertools import product
from math import gcd, prod

import numpy as np

from . import (
    counting,
)  # every multiplication goes through it (chapter 09 counts them)
from .arguments import (
    check_finite,
    check_method,
    layer_arguments,
    per_dimension,
    prepare,
    spatial_rank,
)
from .conv import conv, conv_matrix
from .gemm import gemm_method  # one GEMM + overlap-add by phases (chapter 09)
from .geometry import (
    canvas_length,
    direct_padding,
    first_output_of_phase,
    full_canvas_shape,
    pad_or_crop,
    tap_phase,
)
from .memory import MEMORY_BUDGET, check_budget, check_memory, check_output
from .rearrange import flip_weight, insert_zeros
from .shapes import conv_sizes, transpose_sizes


def _crop(canvas, padding, out_size):
    """``padding`` crops the first p entries; the output keeps the next ``out_size``."""
    window = tuple(slice(p, p + o) for p, o in zip(padding, out_size))
    return canvas[(slice(None), slice(None)) + window]


def _scatter(x, w, a, groups, out_size, memory_budget):
    """The definition: every input element stamps its value times the kernel into the output."""
    shape = (x.shape[0], w.shape[1] * groups) + full_canvas_shape(
        x.shape[2:], w.shape[2:], a
    )
    check_output(
        "the canvas of the scatter method", shape, x.itemsize, memory_budget
    )
    canvas = np.zeros(shape, dtype=x.dtype)
    c_in_group, c_out_group = x.shape[1] // groups, w.shape[1]
    for position in np.ndindex(*x.shape[2:]):
        # The stamp of input element `position` starts at position * stride, taps d apart.
        region = tuple(
            slice(i * s, i * s + canvas_length(1, k, dilation=d), d)
            for i, s, d, k in zip(position, a.stride, a.dilation, w.shape[2:])
        )
        for g in range(groups):
            ins = slice(g * c_in_group, (g + 1) * c_in_group)
            outs = slice(g * c_out_group, (g + 1) * c_out_group)
            values = x[(slice(None), ins) + position]  # (N, C_in/groups)
            stamp = counting.tensordot(
                values, w[ins], axes=1
            )  # (N, C_out/groups, *k)
            canvas[(slice(None), outs) + region] += stamp
    return _crop(canvas, a.padding, out_size)


def _matrix(x, w, a, groups, out_size, memory_budget):
    """C^T applied to the flattened input, C being the convolution matrix on the output's shape."""
    # The dense product multiplies every input by every entry of C, zeros included: one inf
    # would make every output nan (0 * inf), where PyTorch has a few non-finite outputs.
    check_finite(
        x, "x", "matrix", "the dense product multiplies it by the zeros of C"
    )
    check_finite(
        w, "w", "matrix", "the dense product multiplies C by padding zeros"
    )
    matrix = conv_matrix(
        w,
        out_size,
        a.stride,
        a.padding,
        a.dilation,
        groups,
        memory_budget=memory_budget,
    )
    rows = conv_sizes(out_size, w.shape[2:], a)
    # C can have more rows than x has entries (output_padding >= stride); those meet zeros.
    x = pad_or_crop(x, [(0, r - i) for r, i in zip(rows, x.shape[2:])])
    y = counting.matmul(x.reshape(x.shape[0], -1), matrix)
    return y.reshape((x.shape[0], w.shape[1] * groups) + tuple(out_size))


def _by_samples(method, x, per_sample, out_shape, memory_budget, what):
    """Run ``method(x_chunk, budget)`` on chunks of the batch, into one output.

    A chunk's own arrays take ``per_sample`` bytes a sample and at most half the budget; the
    convolutions inside get the rest.
    """
    check_memory(
        what, (per_sample,), 2, memory_budget
    )  # one sample in half the budget
    chunk = max(1, min(x.shape[0], memory_budget // 2 // per_sample))
    y = np.empty(out_shape, dtype=x.dtype)
    for n0 in range(0, x.shape[0], chunk):
        n1 = min(x.shape[0], n0 + chunk)
        y[n0:n1] = method(x[n0:n1], memory_budget - (n1 - n0) * per_sample)
    return y


def _direct(x, w, a, groups, out_size, memory_budget):
    """Insert s-1 zeros, pad d(k-1)-p (plus output_padding at the end), slide the rotated kernel."""
    # The kernel meets the inserted zeros: an inf in w would give nan (0 * inf) where PyTorch,
    # which never multiplies by them, has inf.
    reason = "the rotated kernel multiplies it by the inserted zeros"
    check_finite(w, "w", "direct", reason)
    edges = direct_padding(w.shape[2:], a)
    flipped = flip_weight(w, groups)
    spread = tuple(
        canvas_length(i, 1, s) for i, s in zip(x.shape[2:], a.stride)
    )
    padded = tuple(v + b + e for v, (b, e) in zip(spread, edges))
    c_out = w.shape[1] * groups
    # Per sample: the spread input, its padded copy and the convolution's result.
    per_sample = (
        x.shape[1] * (prod(spread) + prod(padded)) + c_out * prod(out_size)
    ) * x.itemsize

    def one_chunk(chunk, budget):
        spread_chunk = insert_zeros(chunk, a.stride, memory_budget=budget)
        return conv(
            pad_or_crop(spread_chunk, edges),
            flipped,
            dilation=a.dilation,
            groups=groups,
            memory_budget=budget,
        )

    return _by_samples(
        one_chunk,
        x,
        per_sample,
        (x.shape[0], c_out) + tuple(out_size),
        memory_budget,
        "the zero-inserted, padded input and output of the direct method for one "
        "sample (bytes, twice: half the budget)",
    )


def _phase_plan(phase, i, k, s, p, d, o):
    """For one output phase along one axis: which taps feed it and how to pad the input.

    Output position j (after cropping p) belongs to phase ``output_phase(j, s, p)``. The taps
    ``t`` with ``tap_phase(t, s, d) == phase`` land there; they are every ``s/gcd(s,d)``-th
    tap, so the sub-kernel is ``w[t0::s']``, applied as a stride-1 convolution with dilation
    ``d/gcd(s,d)``. Returns ``None`` if no tap or no output position has this phase.
    """
    step_taps, step_offsets = s // gcd(s, d), d // gcd(s, d)
    first_taps = [
        t for t in range(min(step_taps, k)) if tap_phase(t, s, d) == phase
    ]
    first_out = first_output_of_phase(phase, s, p)
    if not first_taps or first_out >= o:
        return None
    t0 = first_taps[0]
    n_taps = len(range(t0, k, step_taps))
    n_out = len(range(first_out, o, s))
    last_offset = (t0 * d - phase) // s + (n_taps - 1) * step_offsets
    q_first = (first_out + p - phase) // s
    before = last_offset - q_first
    after = n_out + step_offsets * (n_taps - 1) - i - before
    return (
        slice(t0, None, step_taps),
        step_offsets,
        (before, after),
        slice(first_out, None, s),
    )


def _axis_plans(i, k, s, p, d, o):
    """The plans of the phases of one axis that some tap reaches (at most k of the s)."""
    reached = sorted({tap_phase(t, s, d) for t in range(min(s, k))})
    plans = [_phase_plan(r, i, k, s, p, d, o) for r in reached]
    return [plan for plan in plans if plan is not None]


def _subpixel(x, w, a, groups, out_size, memory_budget):
    """s^n stride-1 convolutions of the small input with sub-kernels, interleaved (chapter 08)."""
    # The sub-kernels slide over zeros padded around the input: 0 * inf = nan again.
    check_finite(
        w, "w", "subpixel", "the sub-kernels multiply it by padding zeros"
    )
    # Only the phases some tap reaches: the others stay zero, so with s > k most of the s^n
    # phases are skipped without being visited.
    per_axis = [
        _axis_plans(*sizes)
        for sizes in zip(
            x.shape[2:], w.shape[2:], a.stride, a.padding, a.dilation, out_size
        )
    ]
    c_out = w.shape[1] * groups
    # Per sample: the padded input and output of one phase, and the chunk's output.
    small = prod(
        i + max((sum(max(e, 0) for e in plan[2]) for plan in plans), default=0)
        for i, plans in zip(x.shape[2:], per_axis)
    )
    phase_out = prod(-(-o // s) for o, s in zip(out_size, a.stride))
    per_sample = (
        x.shape[1] * small + c_out * (phase_out + prod(out_size))
    ) * x.itemsize

    def one_chunk(chunk, budget):
        out = np.zeros((chunk.shape[0], c_out) + tuple(out_size), dtype=x.dtype)
        for plans in product(*per_axis):
            taps, dilations, edges, outputs = zip(*plans)
            sub_kernel = w[(slice(None), slice(None)) + taps]
            out[(slice(None), slice(None)) + outputs] = conv(
                pad_or_crop(chunk, edges),
                flip_weight(sub_kernel, groups),
                dilation=dilations,
                groups=groups,
                memory_budget=budget,
            )
        return out

    return _by_samples(
        one_chunk,
        x,
        per_sample,
        (x.shape[0], c_out) + tuple(out_size),
        memory_budget,
        "the padded input and output of one phase of the subpixel method for one "
        "sample (bytes, twice: half the budget)",
    )


_METHODS = {
    "gemm": gemm_method,
    "scatter": _scatter,
    "matrix": _matrix,
    "direct": _direct,
    "subpixel": _subpixel,
}
METHODS = tuple(_METHODS)


def conv_transpose(
    x,
    w,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    groups=1,
    method="gemm",
    memory_budget=MEMORY_BUDGET,
):
    r"""Transposed convolution exactly like ``torch.nn.functional.conv_transpose1d/2d/3d``.

    Parameters
    ----------
    x : array_like
        Input ``(N, C_in, *spatial)``, or unbatched ``(C_in, *spatial)``.
    w : array_like
        Weight ``(C_in, C_out/groups, *kernel)`` with 1, 2 or 3 spatial dimensions.
    stride : int or tuple of int, optional
        Spacing s of the stamps, at least 1.
    padding : int or tuple of int, optional
        Entries p cropped from both ends of every spatial axis.
    output_padding : int or tuple of int, optional
        Entries added at the end, smaller than either the stride or the dilation.
    dilation : int or tuple of int, optional
        Spacing d between kernel taps, at least 1.
    groups : int, optional
        Number of channel groups; it divides C_in.
    method : {"gemm", "scatter", "matrix", "direct", "subpixel"}, optional
        How to compute it; every method gives the same result (see the module docstring).
    memory_budget : int, optional
        Bytes of working memory: ``"gemm"`` works in chunks that fit, others refuse above.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C_out, *out)``, or ``(C_out, *out)`` for an unbatched ``x``; float64 for
        integer input, else the input's float dtype (float16 is computed in float32).

    Raises
    ------
    ValueError
        If a shape or an argument is out of range, a buffer exceeds ``memory_budget``, or
        ``method`` cannot propagate an inf or nan of the input like PyTorch.
    TypeError
        If an array is not real (bool, complex) or an argument is not an int.

    See Also
    --------
    conv : The convolution it is the transpose (and the input gradient) of.
    conv_matrix : ``conv_transpose(y, w, ...) == C.T @ y.ravel()``.
    conv_transpose_output_size : The output size.

    Notes
    -----
    With the sum over the input channels :math:`c_i` of :math:`c_o`'s group (chapter 02),

    .. math::

        y[n, c_o, j] = \sum_{c_i,\, i,\, t \,:\, j = s i + d t - p} x[n, c_i, i]\,
        w[c_i, c_o \bmod (C_\text{out}/\text{groups}), t],

    and the output size is :math:`o = s(i-1) + d(k-1) - 2p + a + 1` with :math:`a` the
    output padding (chapter 04). An inf or nan reaches the outputs PyTorch's reach, except
    that ``"matrix"`` refuses a non-finite ``x`` or ``w`` and ``"direct"`` and
    ``"subpixel"`` a non-finite ``w``: they multiply them by zeros PyTorch never touches.

    ``memory_budget`` (default :data:`tconv_lib.MEMORY_BUDGET`, 256 MiB) bounds the
    working memory: ``"gemm"`` splits the batch, then the output channels, into chunks
    that fit it (chapter 09); ``"matrix"`` (the dense C) and the column buffers of
    ``"direct"`` and ``"subpixel"`` refuse above it, naming the budget that would do.

    Examples
    --------
    The d2l example (chapter 02): each input stamps the kernel, and the stamps add up.

    >>> conv_transpose([[[[0., 1.], [2., 3.]]]], [[[[0., 1.], [2., 3.]]]])
    array([[[[ 0.,  0.,  1.],
             [ 0.,  4.,  6.],
             [ 4., 12.,  9.]]]])
    """
    method = check_method(method, METHODS)
    memory_budget = check_budget(memory_budget)
    operands = prepare(x, w, groups, transposed=True)
    x, w = operands.x, operands.w
    a = layer_arguments(
        operands.rank, stride, padding, dilation, output_padding
    )
    out_size = transpose_sizes(x.shape[2:], w.shape[2:], a)
    groups = operands.groups
    check_output(
        "the output of conv_transpose",
        (x.shape[0], w.shape[1] * groups) + out_size,
        x.itemsize,
        memory_budget,
    )
    y = _METHODS[method](x, w, a, groups, out_size, memory_budget)
    return operands.result(y)


def overlap_counts(
    in_shape,
    kernel_size,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    memory_budget=MEMORY_BUDGET,
):
    r"""How many kernel stamps cover each output position (chapter 07: the checkerboard).

    Parameters
    ----------
    in_shape : int or tuple of int
        Spatial shape of the input (an int: one dimension).
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int, optional
        Spacing s of the stamps, at least 1.
    padding : int or tuple of int, optional
        Entries p cropped from both ends.
    output_padding : int or tuple of int, optional
        Entries added at the end, smaller than either the stride or the dilation.
    dilation : int or tuple of int, optional
        Spacing d between kernel taps, at least 1.
    memory_budget : int, optional
        The most bytes its arrays (the canvas of counts) may take.

    Returns
    -------
    numpy.ndarray
        Integer counts with the output's spatial shape.

    Raises
    ------
    ValueError
        If an argument is out of range, the output is empty, or it exceeds the budget.
    TypeError
        If an argument is not an int or a sequence of ints.

    See Also
    --------
    conv_transpose : The counts are its output for all-ones input and kernel.
    conv_transpose_output_size : The shape of the counts.

    Notes
    -----
    The transposed convolution of an all-ones input with an all-ones kernel, so the counts
    are exactly what ``conv_transpose`` adds up at every output position j:

    .. math::

        c[j] = \#\{(i, t) : s i + d t - p = j\} .

    Examples
    --------
    A 3-tap kernel with stride 2: every other position is covered twice.

    >>> overlap_counts(4, 3, stride=2)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    """
    memory_budget = check_budget(memory_budget)
    rank = spatial_rank(
        in_shape=in_shape,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    in_shape = per_dimension(in_shape, rank, "in_shape", minimum=1)
    kernel_size = per_dimension(kernel_size, rank, "kernel_size", minimum=1)
    a = layer_arguments(rank, stride, padding, dilation, output_padding)
    transpose_sizes(in_shape, kernel_size, a)  # refuses an empty output first
    canvas = full_canvas_shape(in_shape, kernel_size, a)
    # The ones input, the float canvas and the integer counts, 8 bytes each, at most.
    check_memory("the counts of overlap_counts", canvas, 24, memory_budget)
    ones = np.ones((1, 1) + in_shape)
    counts = conv_transpose(
        ones,
        np.ones((1, 1) + kernel_size),
        a.stride,
        a.padding,
        a.output_padding,
        a.dilation,
        memory_budget=memory_budget,
    )
    return np.rint(counts[0, 0]).astype(int)
