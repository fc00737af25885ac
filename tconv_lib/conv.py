"""Convolution (cross-correlation, as deep-learning frameworks define it) and its matrix C.

Chapter 01 derives both: ``y = conv(x, w)`` is ``y.ravel() == C @ x.ravel()`` for the
banded (1-D) or doubly block-Toeplitz (2-D) matrix C that ``conv_matrix`` builds.
"""

from __future__ import annotations

from math import prod

import numpy as np

from . import counting
from .arguments import (
    CONV_LAYOUT,
    check_channels,
    layer_arguments,
    one_int,
    per_dimension,
    prepare,
    weight_array,
)
from .memory import (
    MEMORY_BUDGET,
    check_budget,
    check_memory,
    check_output,
)
from .shapes import conv_sizes


def _window_slices(tap, out_size, stride, dilation, first_row=0):
    """The strided slice of the padded input that kernel tap ``tap`` meets, per spatial axis.

    ``out_size`` output positions per axis, the first axis starting at output ``first_row``.
    """
    starts = (first_row,) + (0,) * (len(out_size) - 1)
    return tuple(
        slice(t * d + s * j, t * d + s * (j + o - 1) + 1, s)
        for t, j, o, s, d in zip(tap, starts, out_size, stride, dilation)
    )


def _chunks(batch, rows, per_sample, per_row, memory_budget):
    """How many samples, and how many output rows of one sample, one chunk of conv holds.

    ``per_sample`` bytes a sample needs whatever the rows (its padded copy), ``per_row`` the
    bytes of one output row (its columns and products). The smallest chunk, one sample and one
    row, must fit ``memory_budget``.
    """
    whole = per_sample + rows * per_row
    if memory_budget >= whole:
        return min(batch, memory_budget // whole), rows
    return 1, (memory_budget - per_sample) // per_row


def conv(
    x, w, stride=1, padding=0, dilation=1, groups=1, memory_budget=MEMORY_BUDGET
):
    r"""Cross-correlation exactly like ``torch.nn.functional.conv1d/2d/3d`` (no bias).

    Parameters
    ----------
    x : array_like
        Input ``(N, C_in, *spatial)``, or unbatched ``(C_in, *spatial)``.
    w : array_like
        Weight ``(C_out, C_in/groups, *kernel)`` with 1, 2 or 3 spatial dimensions.
    stride : int or tuple of int, optional
        Step s between output positions, at least 1.
    padding : int or tuple of int, optional
        Zeros p added at both ends of every spatial axis.
    dilation : int or tuple of int, optional
        Spacing d between kernel taps, at least 1.
    groups : int, optional
        Number of channel groups; it divides C_in and C_out.
    memory_budget : int, optional
        Bytes of working memory (column buffers, padded copies); the output may take as much.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C_out, *out)``, or ``(C_out, *out)`` for an unbatched ``x``; float64 for
        integer input, else the input's float dtype.

    Raises
    ------
    ValueError
        If a shape, a size or an argument is out of range, or the output or the smallest
        chunk (one sample, one output row) exceeds ``memory_budget``.
    TypeError
        If an array is not real (bool, complex) or an argument is not an int.

    See Also
    --------
    conv_matrix : The same map as a matrix.
    conv_transpose : Its transpose.
    conv_output_size : The output size.

    Notes
    -----
    With :math:`g` the group of output channel :math:`c_o` and :math:`x_\text{pad}` the
    input with p zeros on both sides of every axis (chapter 01):

    .. math::

        y[n, c_o, j] = \sum_{c_i, t} w[c_o, c_i, t]\,
        x_\text{pad}[n, g C_\text{in}/\text{groups} + c_i, s j + d t] .

    Examples
    --------
    The kernel (1, 0, -1) measures minus the slope of a ramp:

    >>> conv([[[1., 2., 3., 4.]]], [[[1., 0., -1.]]])
    array([[[-2., -2.]]])
    """
    memory_budget = check_budget(memory_budget)
    operands = prepare(x, w, groups, transposed=False)
    x, w, groups = operands.x, operands.w, operands.groups
    n = operands.rank
    a = layer_arguments(n, stride, padding, dilation)
    k = w.shape[2:]
    out_size = conv_sizes(x.shape[2:], k, a)
    batch, c_in = x.shape[:2]
    c_out, taps, item = w.shape[0], prod(k), x.itemsize
    check_output(
        "the output of conv", (batch, c_out) + out_size, item, memory_budget
    )
    # The working memory of a chunk: the padded copy of its samples (none without padding),
    # and per output row the columns (C_in * K entries per position) and their product.
    padded = any(a.padding)
    per_sample = c_in * prod(i + 2 * p for i, p in zip(x.shape[2:], a.padding))
    per_row = (c_in * taps + c_out) * prod(out_size[1:])
    check_memory(
        "the smallest chunk of conv (entries of one padded sample, and the columns "
        "and products of one output row)",
        (per_sample * padded + per_row,),
        item,
        memory_budget,
    )
    chunk_n, chunk_rows = _chunks(
        batch,
        out_size[0],
        per_sample * padded * item,
        per_row * item,
        memory_budget,
    )
    weights = w.reshape(groups, c_out // groups, -1)  # (groups, o, c * K)
    y = np.empty((batch, c_out) + out_size, dtype=x.dtype)
    for n0 in range(0, batch, chunk_n):
        n1 = min(batch, n0 + chunk_n)
        x_pad = x[n0:n1]
        if padded:
            x_pad = np.pad(
                x_pad, [(0, 0), (0, 0)] + [(p, p) for p in a.padding]
            )
        for r0 in range(0, out_size[0], chunk_rows):
            r1 = min(out_size[0], r0 + chunk_rows)
            band = (r1 - r0,) + out_size[1:]
            # im2col: for every kernel tap, the inputs it multiplies at every output position.
            columns = np.stack(
                [
                    x_pad[
                        (slice(None), slice(None))
                        + _window_slices(tap, band, a.stride, a.dilation, r0)
                    ]
                    for tap in np.ndindex(*k)
                ],
                axis=2,
            )  # (n, C_in, K, *band)
            columns = columns.reshape(n1 - n0, groups, -1, prod(band))
            product = counting.matmul(weights, columns)  # (n, groups, o, P)
            y[n0:n1, :, r0:r1] = product.reshape((n1 - n0, c_out) + band)
            # Free them before the next band allocates its own (else two bands at the peak).
            del columns, product
    return operands.result(y)


def conv_matrix(
    w,
    in_shape,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    sparse=False,
    memory_budget=MEMORY_BUDGET,
):
    r"""The matrix C of ``conv(., w, stride, padding, dilation, groups)`` on inputs of ``in_shape``.

    Parameters
    ----------
    w : array_like
        Weight ``(C_out, C_in/groups, *kernel)`` with 1, 2 or 3 spatial dimensions.
    in_shape : int or tuple of int
        Spatial shape of the input, one size per kernel dimension.
    stride : int or tuple of int, optional
        Step s between output positions, at least 1.
    padding : int or tuple of int, optional
        Zeros p added at both ends of every spatial axis.
    dilation : int or tuple of int, optional
        Spacing d between kernel taps, at least 1.
    groups : int, optional
        Number of channel groups; it divides C_out.
    sparse : bool, optional
        Return a ``scipy.sparse.csr_array`` (needs scipy) instead of a dense array.
    memory_budget : int, optional
        The most bytes the matrix and its index arrays may take.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        Shape ``(C_out * prod(out), C_in * prod(in_shape))``, the dtype of ``w``.

    Raises
    ------
    ValueError
        If a size or an argument is out of range, or the matrix exceeds the budget.
    TypeError
        If ``w`` is not real or an argument is not an int.

    See Also
    --------
    conv : The same map, computed directly.
    conv_transpose : ``C.T`` applied to a flattened input.
    conv_output_size : The number of output positions per axis.

    Notes
    -----
    For one sample x of shape ``(C_in, *in_shape)``, ``conv(x, w, ...).ravel() == C @
    x.ravel()``. Row :math:`(c_o, j)` is output channel :math:`c_o` at flat output position
    j, column :math:`(c_i, i)` input channel :math:`c_i` at flat input position i (C order),
    and (chapter 01)

    .. math::

        C[(c_o, j), (c_i, i)] = w[c_o, c_i \bmod (C_\text{in}/\text{groups}), t]
        \quad\text{where}\quad i = s j - p + d t .

    Its transpose is the transposed convolution with the same weights (chapter 02):
    ``conv_transpose(y, w, ...)`` equals ``C.T @ y.ravel()`` when C is built for ``in_shape``
    equal to the transposed convolution's output size. When ``output_padding >= stride``
    (possible only with dilation > stride) C has extra rows, which meet zeros.

    Examples
    --------
    A 2-tap kernel on 3 inputs gives a banded 2 x 3 matrix:

    >>> conv_matrix([[[1., 2.]]], 3)
    array([[1., 2., 0.],
           [0., 1., 2.]])
    """
    memory_budget = check_budget(memory_budget)
    w = weight_array(w, CONV_LAYOUT)
    groups = one_int(groups, "groups", minimum=1)
    check_channels(w.shape[1] * groups, w.shape, groups, transposed=False)
    n = w.ndim - 2
    in_shape = per_dimension(in_shape, n, "in_shape", minimum=1)
    a = layer_arguments(n, stride, padding, dilation)
    k = w.shape[2:]
    out_size = conv_sizes(in_shape, k, a)
    c_out, c_in_group = w.shape[:2]
    c_in = c_in_group * groups
    p_out, p_in = prod(out_size), prod(in_shape)
    shape = (c_out * p_out, c_in * p_in)
    # The index arrays below: one (row, column, value) per weight entry and output position,
    # plus the dense matrix unless sparse; their sum must fit.
    shape4 = (c_out, c_in_group, p_out, prod(k))
    # (scipy copies them once more into the CSR arrays: twice the bytes when sparse.)
    index_bytes = prod(shape4) * (16 + w.itemsize) * (2 if sparse else 1)
    dense_bytes = 0 if sparse else prod(shape) * w.itemsize
    check_memory(
        "the index arrays of C"
        + ("" if sparse else " and the dense matrix C")
        + f" (bytes: {index_bytes} for {shape4} entries"
        + ("" if sparse else f", {dense_bytes} for C of shape {shape}")
        + ")",
        (index_bytes + dense_bytes,),
        1,
        memory_budget,
    )

    # For every (output position, tap): the input position it reads, and whether it is inside.
    out_pos = np.indices(out_size).reshape(n, -1).T  # (P_out, n)
    taps = np.indices(k).reshape(n, -1).T  # (K, n)
    in_pos = (
        out_pos[:, None, :] * a.stride
        - np.array(a.padding)
        + taps[None, :, :] * a.dilation
    )
    inside = np.all((in_pos >= 0) & (in_pos < np.array(in_shape)), axis=-1)
    clipped = np.clip(in_pos, 0, np.array(in_shape) - 1)
    flat_in = np.ravel_multi_index(tuple(clipped.T), in_shape).T

    co = np.arange(c_out)[:, None, None, None]
    ci = np.arange(c_in_group)[None, :, None, None]
    group = co // (c_out // groups)
    rows = co * p_out + np.arange(p_out)[None, None, :, None]
    cols = (group * c_in_group + ci) * p_in + flat_in[None, None, :, :]
    keep = np.broadcast_to(inside, shape4)
    rows, cols = (
        np.broadcast_to(rows, shape4)[keep],
        np.broadcast_to(cols, shape4)[keep],
    )
    values = np.broadcast_to(w.reshape(c_out, c_in_group, 1, -1), shape4)[keep]
    if sparse:
        try:  # scipy only when asked for: `pip install tconv-lib[sparse]`
            from scipy.sparse import csr_array
        except ImportError as error:
            raise ImportError(
                "conv_matrix(..., sparse=True) needs scipy: pip install "
                "'tconv-lib[sparse]' (or scipy)"
            ) from error

        return csr_array((values, (rows, cols)), shape=shape)
    matrix = np.zeros(shape, dtype=w.dtype)
    # Assignment (not +=) is safe: two taps of one output position never read the same input.
    matrix[rows, cols] = values
    return matrix
