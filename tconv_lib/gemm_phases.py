"""The ``"gemm"`` method's second form: one matrix product per output phase block, no overlap-add.

The first form (:mod:`tconv_lib.gemm`) multiplies the weight by the input and adds the
``k^n`` stamps of every input position into the output: its column buffer holds
``C_out k^n`` entries per input position, ``k^n / s^n`` times the output (8 times for a 3-D
``k = 2s`` layer), which the matrix product writes and the overlap-add reads back. When that
buffer dwarfs the output, it pays to compute the output where it lies, by phases (the
sub-pixel view of chapter 08): write an output position of the uncropped canvas as
``s*q + r``. Tap ``t``, with ``d*t = s*q_t + r_t``, sends input ``x[q - q_t]`` to it when
``r = r_t``. So, per axis, with ``S = d(k-1)//s + 1`` shifts,

    y[r, q] = sum over shifts h of  W[r, h] . x[q - h]

and stacking the ``S^n`` shifted copies of the input makes it one matrix product,

    Y (s^n C_out, N Q) = W (s^n C_out, S^n C_in) @ X_shifted (S^n C_in, N Q),

whose every entry is an output entry, written once. ``W[r, h]`` is the tap at kernel position
``s*h + r`` (zero where no tap lands, e.g. ``k = 5, s = 3``: 5 of 6 positions are taps).
"""

from __future__ import annotations

from math import prod

import numpy as np

from . import counting
from .memory import CACHE_CHUNK, check_memory, check_output


def phases_pay(x, w, groups, stride, dilation, q_len):
    """Whether the phase form moves clearly fewer entries than the columns form.

    Entries moved beyond the matrix product's operands: the columns form writes and reads back
    ``C_out K`` columns per input position and passes ``2 S^n + 1`` times over its phase canvas;
    the phase form reorders the weight (a transposition, counted 4 times: numpy's transposing
    copy runs at about a quarter of a plain copy's speed) and writes and reads ``S^n C_in``
    shifted inputs and the output canvas. The factor 2 in the test allows for what the
    estimate leaves out (the phase form's multiplications by the zeros of its weight and grid).
    On chapter 09's suite it selects the layers with estimates above 2.5, which the phase form
    ran 1.05 to 1.7 times faster (DCGAN 16->32, odd k=5 s=3, FCN-32s, 3-D k=4 s=2), and leaves
    those below 1.4, which the columns form ran 1.25 to 3 times faster (DCGAN 4->8, 8->16 and
    32->64, the 1-D upsampler), to the columns form.
    """
    if min(stride) == 1:
        return False  # nothing to gain: one phase
    batch, c_in = x.shape[:2]
    c_out, kernel = w.shape[1] * groups, w.shape[2:]
    shifts = prod(
        d * (k - 1) // s + 1 for k, s, d in zip(kernel, stride, dilation)
    )
    if shifts == 1:
        return False  # k <= s: the columns form writes the canvas directly
    positions, grid = batch * prod(x.shape[2:]), batch * prod(q_len)
    canvas = c_out * prod(stride) * grid
    columns_form = (
        2 * c_out * prod(kernel) * positions + (2 * shifts + 1) * canvas
    )
    span = prod(
        (d * (k - 1) // s + 1) * s for k, s, d in zip(kernel, stride, dilation)
    )
    phase_form = (
        4 * w.shape[0] * w.shape[1] * span
        + 2 * shifts * c_in * grid
        + 2 * canvas
    )
    if columns_form <= 2 * phase_form:
        return False
    # last, as it reads the arrays: its zeros would turn one inf into nan where torch has none
    return bool(np.isfinite(x.sum()) and np.isfinite(w.sum()))


def copy_phases(target, source):
    """``target[...] = source`` for arrays whose last axis is the phase of the last spatial axis.

    Why one copy per phase: copying the whole (transposed) view at once makes numpy's inner
    loop run over the last axis's s phases, 2 entries for s = 2; per phase it runs along the
    long q axis before it (measured 2-6x faster).
    """
    for r in range(target.shape[-1]):
        target[..., r] = source[..., r]


def _chunk_sizes(batch, q_rows, per_input, per_row, budget):
    """Samples and q-rows of one chunk: whole samples first; rows 0 if one row does not fit."""
    per_sample = per_input + q_rows * per_row
    if budget >= per_sample:
        return min(batch, budget // per_sample), q_rows
    return 1, min(q_rows, max(0, (budget - per_input) // per_row))


def phases_method(x, w, a, groups, out_size, q_len, memory_budget):
    """The phase form of the ``"gemm"`` method on checked operands (see the module's text)."""
    stride, padding, dilation = a.stride, a.padding, a.dilation
    n = len(stride)
    batch, c_in = x.shape[:2]
    spatial, kernel = tuple(x.shape[2:]), tuple(w.shape[2:])
    c_in_group, c_out_group = c_in // groups, w.shape[1]
    shifts = tuple(
        d * (k - 1) // s + 1 for k, s, d in zip(kernel, stride, dilation)
    )
    item = x.dtype.itemsize
    rows_out, cols_in = prod(stride) * c_out_group, prod(shifts) * c_in_group
    span = tuple(h * s for h, s in zip(shifts, stride))

    # Chunks of samples, or of q-rows of the first axis of one sample. A chunk holds its
    # samples' input, channel-major with S-1 zeros before and enough after on every axis, and
    # one row block of shifted inputs and outputs. The buffers serve every chunk.
    # Why the grid runs over the padded row length on every axis but the first: then
    # x[q - h] for a shift h is one offset into the flattened padded input, and each shifted
    # copy one long contiguous run per channel (3-D 8^3: runs of 900 entries instead of 9),
    # for (Q + S - 1)/Q more columns, whose outputs are not kept.
    padded = tuple(q + h - 1 for q, h in zip(q_len, shifts))
    pitch = prod(padded[1:])
    flat_strides = tuple(prod(padded[axis + 1 :]) for axis in range(n))
    # the largest shift's window overhangs the flattened input by this much
    overhang = sum((h - 1) * f for h, f in zip(shifts[1:], flat_strides[1:]))
    per_input = c_in * (prod(padded) + overhang) * item
    per_row = groups * (cols_in + rows_out) * pitch * item
    # the reordered weight and its zero-spread copy live through the whole call
    weight_bytes = 2 * c_in * c_out_group * prod(span) * item
    check_memory(
        "the phase form's weight (reordered, twice) and smallest chunk (one sample's padded "
        "input, one row of shifted inputs and outputs)",
        ((weight_bytes + per_input + per_row) // item,),
        item,
        memory_budget,
    )
    chunk_budget = memory_budget - weight_bytes
    chunk_n, chunk_rows = _chunk_sizes(
        batch, q_len[0], per_input, per_row, min(chunk_budget, CACHE_CHUNK)
    )
    if chunk_rows == 0:  # even the smallest chunk is larger than CACHE_CHUNK
        chunk_n, chunk_rows = _chunk_sizes(
            batch, q_len[0], per_input, per_row, chunk_budget
        )
    full = tuple(s * q for s, q in zip(stride, q_len))
    check_output(
        "the phase form's uncropped output",
        (batch, groups * c_out_group) + full,
        item,
        memory_budget,
    )

    # The weight as (groups, s_1.., C_out/g, S_1.., C_in/g): kernel position d*t = s*h + r.
    spread = np.zeros((c_in, c_out_group) + span, dtype=x.dtype)
    spread[
        (slice(None), slice(None))
        + tuple(slice(0, d * (k - 1) + 1, d) for k, d in zip(kernel, dilation))
    ] = w
    spread = spread.reshape(
        (groups, c_in_group, c_out_group)
        + tuple(v for h, s in zip(shifts, stride) for v in (h, s))
    )
    order = (
        (0,)
        + tuple(4 + 2 * axis for axis in range(n))
        + (2,)
        + tuple(3 + 2 * axis for axis in range(n))
        + (1,)
    )
    weight = np.ascontiguousarray(spread.transpose(order)).reshape(
        groups, rows_out, cols_in
    )

    x_flat = np.zeros(
        (groups, c_in_group, chunk_n, prod(padded) + overhang), dtype=x.dtype
    )
    inside = (Ellipsis,) + tuple(
        slice(h - 1, h - 1 + i) for h, i in zip(shifts, spatial)
    )
    buffer = np.empty(chunk_n * chunk_rows * per_row // item, dtype=x.dtype)

    y = np.empty((batch, groups * c_out_group) + full, dtype=x.dtype)
    y_phases = y.reshape(
        (batch, groups, c_out_group)
        + tuple(v for q, s in zip(q_len, stride) for v in (q, s))
    )
    # Y[g, r_1.., c, n, q_1..] seen in y_phases' order (n, g, c, q_1, r_1, ...)
    interleave = (n + 2, 0, n + 1) + tuple(
        v for axis in range(n) for v in (n + 3 + axis, 1 + axis)
    )
    for n0 in range(0, batch, chunk_n):
        n1 = min(batch, n0 + chunk_n)
        x_chunk = x_flat[:, :, : n1 - n0]
        x_chunk[..., : prod(padded)].reshape(x_chunk.shape[:3] + padded)[
            inside
        ] = (
            x[n0:n1]
            .reshape((n1 - n0, groups, c_in_group) + spatial)
            .transpose((1, 2, 0) + tuple(range(3, 3 + n)))
        )
        for q0 in range(0, q_len[0], chunk_rows):
            q1 = min(q_len[0], q0 + chunk_rows)
            run = (q1 - q0) * pitch
            columns = (n1 - n0) * run
            shifted = buffer[: groups * cols_in * columns].reshape(
                (groups,) + shifts + (c_in_group, n1 - n0, run)
            )
            for h in np.ndindex(*shifts):
                start = q0 * pitch + sum(
                    (s - 1 - i) * f for s, i, f in zip(shifts, h, flat_strides)
                )
                shifted[(slice(None),) + h] = x_chunk[..., start : start + run]
            out = buffer[
                groups * cols_in * columns : groups
                * (cols_in + rows_out)
                * columns
            ]
            out = out.reshape(groups, rows_out, columns)
            counting.matmul(
                weight, shifted.reshape(groups, cols_in, columns), out=out
            )
            source = out.reshape(
                (groups,)
                + tuple(stride)
                + (c_out_group, n1 - n0, q1 - q0)
                + padded[1:]
            )
            source = source[(Ellipsis,) + tuple(slice(0, q) for q in q_len[1:])]
            source = source.transpose(interleave)
            copy_phases(y_phases[n0:n1, :, :, q0:q1], source)
    crop = tuple(slice(p, p + o) for p, o in zip(padding, out_size))
    return y[(slice(None), slice(None)) + crop]
