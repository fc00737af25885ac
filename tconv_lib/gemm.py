"""The fast ``"gemm"`` transposed convolution: one BLAS matrix product, then an overlap-add by phases.

Chapter 09 explains every step and measures it. In short, a transposed convolution is

1. **one matrix product** ``columns = W^T @ X``: ``W^T`` is the weight seen as a
   ``(C_out * K, C_in)`` matrix (``K = prod(kernel)`` taps) and ``X`` is the input seen as a
   ``(C_in, N * P)`` matrix (``P = prod(spatial)`` positions). Row ``(co, t)``, column ``(n, i)``
   of ``columns`` is what input position ``i`` contributes to output channel ``co`` through tap
   ``t``. This is where all the multiplications happen, and none of them is by an inserted zero;
   it runs in the BLAS at close to the machine's peak.
2. **an overlap-add** (``col2im``): the contribution of tap ``t`` lands at output position
   ``s*i + d*t``; neighbouring stamps overlap when ``d*(k-1) + 1 > s``, so they must be summed.

The overlap-add is where a naive implementation loses its time (one strided ``+=`` per tap, on a
canvas whose innermost axis is read with stride ``s``). Here it is done **by phases**: write the
output position as ``s*q + r`` (``r`` is its *phase*, ``0 <= r < s``). Tap ``t`` lands at
``s*(i + q_t) + r_t`` with ``d*t = s*q_t + r_t``. On a canvas laid out phase-major,
``canvas[r, q]``, every tap is a plain shifted block ``canvas[r_t, i + q_t]``, and all taps that
share a ``q_t`` have phases ``r_t`` in arithmetic progression (step ``d``), so they form a single
slice. One ``+=`` per distinct ``q`` tuple therefore adds a whole group of taps at once: for the
common ``k = 2s`` (DCGAN, k=4, s=2) that is ``2^n`` big adds instead of ``k^n`` strided ones, and
for ``k = s`` (U-Net, k=2, s=2) none: the product already is the canvas. A last pass interleaves
the phases into the ordinary layout, one copy per phase of the last axis.

Three details make it fast (chapter 09 measures them):

* the input's rows are padded with zeros to the canvas's row length, on every axis but the first,
  so a group's shift is one offset into the flattened canvas and its add one long contiguous
  ``+=``; the price is ``q/i`` more multiplications (by those zeros) along the padded axes;
* the batch is processed in chunks of at most ``CACHE_CHUNK`` bytes (and, if one sample is still
  too big for ``memory_budget``, the output channels, then the input rows), with the same column
  buffer and canvas for every chunk: the overlap-add reads columns still in the cache, and the
  call page-faults once on its buffers;
* where the column buffer would dwarf the output (FCN-32s, 3-D ``k = 2s`` layers, small-channel 2-D ones), the layer goes
  to the phase form of :mod:`tconv_lib.gemm_phases` instead: one product per phase block that
  writes every output entry once, no overlap-add.

The extra memory stays under ``memory_budget`` bytes whatever the batch size.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from math import prod

import numpy as np

from . import counting
from .arguments import layer_arguments, per_dimension, prepare
from .gemm_phases import copy_phases, phases_method, phases_pay
from .geometry import phase_lengths, tap_groups
from .memory import (
    CACHE_CHUNK,
    MEMORY_BUDGET,
    check_budget,
    check_memory,
    check_output,
)
from .shapes import transpose_sizes


def gemm_conv_transpose(
    x,
    w,
    stride,
    padding,
    output_padding,
    dilation,
    groups,
    out_size,
    memory_budget=MEMORY_BUDGET,
):
    r"""Transposed convolution as one GEMM per chunk plus an overlap-add by phases.

    The ``"gemm"`` method of :func:`tconv_lib.conv_transpose` with every argument spelled
    out (chapter 09); it checks them like ``conv_transpose(..., method="gemm")``, and
    ``out_size`` against the output size they give.

    Parameters
    ----------
    x : array_like
        Input ``(N, C_in, *spatial)``, or unbatched ``(C_in, *spatial)``.
    w : array_like
        Weight ``(C_in, C_out/groups, *kernel)`` with 1, 2 or 3 spatial dimensions.
    stride : int or tuple of int
        Stride s, at least 1.
    padding : int or tuple of int
        Entries p cropped from both ends of every spatial axis.
    output_padding : int or tuple of int
        Entries added at the end, smaller than either the stride or the dilation.
    dilation : int or tuple of int
        Dilation d, at least 1.
    groups : int
        Number of channel groups; it divides C_in.
    out_size : int or tuple of int
        The output's spatial shape; it must be the one the other arguments give.
    memory_budget : int, optional
        Bytes one chunk (column buffer, phase canvas, reordered input) may use.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C_out, *out_size)``, dtype of ``x`` (float32 stays float32: the BLAS
        accumulates in float32, like PyTorch on CPU).

    Raises
    ------
    ValueError
        If an argument is out of range, ``out_size`` is not the output size, or even one
        output channel per group and one input row exceed ``memory_budget``.
    TypeError
        If an array is not real (bool, complex) or an argument is not an int.

    See Also
    --------
    tconv_lib.conv_transpose : The checked entry point, with four other methods.
    tconv_lib.conv_matrix : The same map as a dense matrix, for comparison.

    Notes
    -----
    With tap t of kernel K taps landing at :math:`s i + d t = s(i + q_t) + r_t`, the GEMM
    and the overlap-add are

    .. math::

        \text{columns} = W^\top X, \qquad
        y[s(i + q_t) + r_t] \mathrel{+}= \text{columns}[t, i] .

    The batch, then the output channels, then the input rows are split so that a chunk's
    column buffer ``(C_out*K, n*P)``, phase canvas and reordered input fit
    ``memory_budget`` (a chunk of one sample reads the input in place).

    Multiply-adds: the definition's ``N * C_in * (C_out/groups) * prod(kernel) * prod(spatial)``
    (chapter 02) times ``q_a / i_a`` on every axis but the first, for the zeros that pad the
    input's rows to the canvas's (``q_a = i_a + d(k-1)//s``: 17/16 for a 16x16 DCGAN input);
    the phase form multiplies the zeros of its weight and grid instead. Never as many as the
    ``direct`` method, which wastes ``(s^n - 1)/s^n`` of them on inserted zeros.

    References
    ----------
    Chellapilla, Puri and Simard (2006) used the same unfolding ("im2col") to turn a convolution
    into one matrix product; chapter 09 of the course measures this implementation against PyTorch,
    TensorFlow and the BLAS peak.

    Examples
    --------
    The d2l example (chapter 02) through the fast path, every argument given:

    >>> x = np.array([[[[0., 1.], [2., 3.]]]])
    >>> gemm_conv_transpose(x, x, (1, 1), (0, 0), (0, 0), (1, 1), 1, (3, 3))
    array([[[[ 0.,  0.,  1.],
             [ 0.,  4.,  6.],
             [ 4., 12.,  9.]]]])
    """
    memory_budget = check_budget(memory_budget)
    operands = prepare(x, w, groups, transposed=True)
    n = operands.rank
    a = layer_arguments(n, stride, padding, dilation, output_padding)
    expected = transpose_sizes(operands.x.shape[2:], operands.w.shape[2:], a)
    if per_dimension(out_size, n, "out_size", minimum=1) != expected:
        raise ValueError(
            f"out_size={out_size!r} is not the output size {expected} of these arguments "
            f"(see conv_transpose_output_size)"
        )
    y = gemm_method(
        operands.x, operands.w, a, operands.groups, expected, memory_budget
    )
    return operands.result(y)


def _chunk_sizes(batch, c_out_group, groups, rows, sizes, memory_budget):
    """Samples, output channels per group and input rows of one chunk of the gemm method.

    Whole samples first, then output channels, then input rows (see :class:`_ChunkBytes`);
    ``rows`` 0 if not even one input row fits.
    """
    per_sample = groups * c_out_group * sizes.per_pair + sizes.input_copy
    if batch > 1 and memory_budget >= 2 * per_sample:
        return min(batch, memory_budget // per_sample), c_out_group, rows
    channels = memory_budget // (groups * sizes.per_pair)
    if channels >= 1:
        return 1, min(c_out_group, channels), rows
    left = memory_budget - groups * sizes.canvas
    return 1, 1, min(rows, max(0, left // (groups * sizes.per_row)))


@dataclass(frozen=True)
class _ChunkBytes:
    """What a chunk of the gemm method needs, in bytes."""

    #: per (sample, output channel): all its columns and its phase canvas
    per_pair: int
    #: the phase canvas of one (sample, output channel), needed whole
    canvas: int
    #: the columns of one input row of one (sample, output channel)
    per_row: int
    #: the reordered input of one sample (read in place for one sample)
    input_copy: int


def _without_overlap(groups_per_axis, stride, q_len, spatial):
    """Whether the columns already are the phase canvas: one tap per phase, no overlap."""
    return all(
        len(axis) == 1 and axis[0][2] == slice(0, s, 1) and q == i
        for axis, s, q, i in zip(groups_per_axis, stride, q_len, spatial)
    )


def _interleave(canvas, y_phases, order, samples, channels, rows):
    """Copy ``canvas[c, r_1.., n, q_1..]`` into ``y[n, c, q_1, r_1, ...]`` for a chunk.

    ``samples``, ``channels`` (per group) and ``rows`` (of q_1) are the chunk's ranges.
    """
    (n0, n1), (c0, c1), (i0, i1) = samples, channels, rows
    groups = canvas.shape[0] // (c1 - c0)  # c1 - c0 channels of every group
    c_out_group = y_phases.shape[1] // groups
    source = canvas.transpose(order)
    for g in range(groups):
        first = g * c_out_group
        copy_phases(
            y_phases[n0:n1, first + c0 : first + c1, i0:i1],
            source[:, g * (c1 - c0) : (g + 1) * (c1 - c0)],
        )


def gemm_method(x, w, a, groups, out_size, memory_budget):
    """The ``"gemm"`` method on checked operands: ``x`` batched, ``a`` the layer's arguments."""
    stride, padding, dilation = a.stride, a.padding, a.dilation
    n = len(stride)
    batch, c_in = x.shape[:2]
    spatial, kernel = tuple(x.shape[2:]), tuple(w.shape[2:])
    c_out_group = w.shape[1]
    c_in_group = c_in // groups
    c_out = c_out_group * groups
    taps = prod(kernel)
    q_len = phase_lengths(spatial, kernel, stride, padding, dilation, out_size)
    item = x.dtype.itemsize
    groups_per_axis = [
        tap_groups(k, s, d) for k, s, d in zip(kernel, stride, dilation)
    ]
    if phases_pay(x, w, groups, stride, dilation, q_len):
        return phases_method(x, w, a, groups, out_size, q_len, memory_budget)
    # k = s (U-Net): the GEMM writes the phase canvas itself, no canvas and no addition.
    direct = _without_overlap(groups_per_axis, stride, q_len, spatial)

    # Rows of the input padded with zeros to the canvas's row length (every axis but the first).
    # Why it pays: a tap group's shift is then one offset into the flattened canvas, and its
    # overlap-add one long contiguous += instead of short rows (3-D 8^3: rows of 8 entries),
    # for (q/i) more multiplications by zero on those axes (chapter 09 counts them).
    rows, pitch = spatial[0], q_len[1:]
    rest = prod(pitch)
    flat_strides = tuple(prod(q_len[axis + 1 :]) for axis in range(n))
    # the last tap group's shift on the inner axes overhangs the flat canvas by this much
    overhang = sum(
        axis[-1][0] * f
        for axis, f in zip(groups_per_axis[1:], flat_strides[1:])
    )
    canvas_length = prod(q_len) + overhang

    # Summing is cheaper than np.isfinite; an overflow to inf only clears zeros needlessly.
    finite_weight = pitch == spatial[1:] or bool(np.isfinite(w.sum()))

    # The weight as a stack of (C_out/g * K, C_in/g) matrices, one per group. The transposed view
    # costs nothing: numpy hands BLAS a "transposed" flag instead of copying.
    w_mat = w.reshape(groups, c_in_group, c_out_group * taps).transpose(0, 2, 1)

    # The phase canvas is needed whole; the columns can be made a band of input rows at a time.
    canvas_bytes = 0 if direct else prod(stride) * canvas_length * item
    sizes = _ChunkBytes(
        per_pair=taps * rows * rest * item + canvas_bytes,
        canvas=canvas_bytes,
        per_row=taps * rest * item,
        input_copy=c_in * rows * rest * item,
    )
    check_memory(
        "the smallest chunk of the gemm method (entries of its column buffer for one "
        "input row and its phase canvas, one output channel per group)",
        (groups * (taps * rest + canvas_bytes // item),),
        item,
        memory_budget,
    )
    chunk_n, chunk_c, chunk_rows = _chunk_sizes(
        batch, c_out_group, groups, rows, sizes, min(memory_budget, CACHE_CHUNK)
    )
    if chunk_rows == 0:  # even the smallest chunk is larger than CACHE_CHUNK
        chunk_n, chunk_c, chunk_rows = _chunk_sizes(
            batch, c_out_group, groups, rows, sizes, memory_budget
        )

    full = tuple(s * q for s, q in zip(stride, q_len))
    check_output(
        "the uncropped output of the gemm method",
        (batch, c_out) + full,
        item,
        memory_budget,
    )
    y = np.empty((batch, c_out) + full, dtype=x.dtype)
    # y seen as (N, C_out, q_1, s_1, q_2, s_2, ...): interleaving the phases is a strided copy.
    y_phases = y.reshape(
        (batch, c_out) + tuple(v for q, s in zip(q_len, stride) for v in (q, s))
    )
    # canvas[c, r_1.., n, q_1..] seen in y_phases' axis order (n, c, q_1, r_1, ...)
    order = (n + 1, 0) + tuple(
        v for axis in range(n) for v in (n + 2 + axis, 1 + axis)
    )
    # One buffer each for the columns and the canvas, reused by every chunk.
    chunk_pairs = chunk_n * chunk_c * groups
    columns_buffer = np.empty(
        chunk_pairs * taps * chunk_rows * rest, dtype=x.dtype
    )
    if not direct:
        canvas_buffer = np.empty(
            chunk_pairs * prod(stride) * canvas_length, dtype=x.dtype
        )

    # Why: the first tap group of every axis (shift 0) covers every phase when k >= s and d = 1,
    # so, with a single band of rows, writing it saves zeroing the canvas and one read of it.
    first_combo = tuple(axis[0] for axis in groups_per_axis)
    copy_first = chunk_rows == rows and all(
        phases == slice(0, s, 1)
        for (_, _, phases), s in zip(first_combo, stride)
    )
    for n0 in range(0, batch, chunk_n):
        n1 = min(batch, n0 + chunk_n)
        # X as (groups, C_in/g, n*P): the batch goes into the columns, so the first DCGAN layers
        # (4x4 inputs) still make one big GEMM instead of N tiny ones.
        x_chunk = x[n0:n1].reshape((n1 - n0, groups, c_in_group) + spatial)
        x_chunk = x_chunk.transpose((1, 2, 0) + tuple(range(3, 3 + n)))
        if pitch == spatial[1:]:
            x_mat = np.ascontiguousarray(x_chunk)
        else:
            x_mat = np.zeros(x_chunk.shape[:4] + pitch, dtype=x.dtype)
            x_mat[(Ellipsis,) + tuple(slice(0, i) for i in spatial[1:])] = (
                x_chunk
            )
        x_mat = x_mat.reshape(groups, c_in_group, (n1 - n0) * rows * rest)
        for c0 in range(0, c_out_group, chunk_c):
            c1 = min(c_out_group, c0 + chunk_c)
            pairs = groups * (c1 - c0)
            weight_rows = w_mat[:, c0 * taps : c1 * taps]
            if not direct:
                canvas = canvas_buffer[
                    : pairs * prod(stride) * (n1 - n0) * canvas_length
                ]
                canvas = canvas.reshape(
                    (pairs,) + tuple(stride) + (n1 - n0, canvas_length)
                )
                # the first group is written, not added: only the rest needs zeros
                canvas[..., rows * rest if copy_first else 0 :] = 0
            for i0 in range(0, rows, chunk_rows):
                i1 = min(rows, i0 + chunk_rows)
                # A band of rows only in a chunk of one sample, whose columns are (i, rest).
                band_x = (
                    x_mat
                    if i1 - i0 == rows
                    else x_mat[..., i0 * rest : i1 * rest]
                )
                # The GEMM: every multiplication of the layer, in the BLAS, into the reused buffer.
                run = (i1 - i0) * rest
                columns = columns_buffer[: pairs * taps * (n1 - n0) * run]
                columns = columns.reshape(
                    groups, (c1 - c0) * taps, (n1 - n0) * run
                )
                counting.matmul(weight_rows, band_x, out=columns)
                if not finite_weight:  # 0 * inf in the padding: clear it, as torch never computes it
                    padded_view = columns.reshape(
                        columns.shape[:2] + (n1 - n0, i1 - i0) + pitch
                    )
                    for axis, i in enumerate(spatial[1:]):
                        padded_view[
                            (Ellipsis, slice(i, None))
                            + (slice(None),) * (n - 2 - axis)
                        ] = 0
                if direct:  # the band's columns are its rows of the canvas
                    band = columns.reshape(
                        (pairs,) + kernel + (n1 - n0, i1 - i0) + spatial[1:]
                    )
                    _interleave(
                        band, y_phases, order, (n0, n1), (c0, c1), (i0, i1)
                    )
                    continue
                columns = columns.reshape((pairs,) + kernel + (n1 - n0, run))
                for index, combo in enumerate(product(*groups_per_axis)):
                    phase_index = tuple(phases for _, _, phases in combo)
                    tap_index = tuple(tap_slice for _, tap_slice, _ in combo)
                    start = i0 * rest + sum(
                        q * f for (q, _, _), f in zip(combo, flat_strides)
                    )
                    target = canvas[
                        (slice(None),)
                        + phase_index
                        + (slice(None), slice(start, start + run))
                    ]
                    if copy_first and index == 0:  # first_combo
                        target[...] = columns[(slice(None),) + tap_index]
                    else:
                        target += columns[(slice(None),) + tap_index]
            if not direct:
                canvas_q = canvas[..., : prod(q_len)].reshape(
                    canvas.shape[:-1] + q_len
                )
                _interleave(
                    canvas_q, y_phases, order, (n0, n1), (c0, c1), (0, q_len[0])
                )
    crop = tuple(slice(p, p + o) for p, o in zip(padding, out_size))
    return y[(slice(None), slice(None)) + crop]
