"""Convolution (cross-correlation, as deep-learning frameworks define it) and its matrix C.

Chapter 01 derives both: ``y = conv(x, w)`` is ``y.ravel() == C @ x.ravel()`` for the
banded (1-D) or doubly block-Toeplitz (2-D) matrix C that ``conv_matrix`` builds.
"""

from __future__ import annotations

from math import prod

import numpy as np

from .arguments import (
    check_channels,
    layer_arguments,
    one_int,
    per_dimension,
    prepare,
    weight_array,
)
from .memory import MEMORY_BUDGET, check_memory
from .shapes import conv_sizes


def _window_slices(tap, out_size, stride, dilation):
    """The strided slice of the padded input that kernel tap ``tap`` meets, per spatial axis."""
    return tuple(
        slice(t * d, t * d + s * (o - 1) + 1, s)
        for t, o, s, d in zip(tap, out_size, stride, dilation)
    )


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
        The most bytes the column buffer ``(N, C_in, K, *out)`` may take.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C_out, *out)``, or ``(C_out, *out)`` for an unbatched ``x``; float64 for
        integer input, else the input's float dtype.

    Raises
    ------
    ValueError
        If a shape, a size or an argument is out of range, or the buffer exceeds the budget.
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
    operands = prepare(x, w, groups, transposed=False)
    x, w = operands.x, operands.w
    n = operands.rank
    a = layer_arguments(n, stride, padding, dilation)
    k = w.shape[2:]
    out_size = conv_sizes(x.shape[2:], k, a)
    batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    check_memory(
        "the column buffer of conv",
        (batch, c_in, prod(k)) + out_size,
        x.itemsize,
        memory_budget,
    )
    x_pad = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in a.padding])

    # im2col: for every kernel tap, the input values it multiplies, at every output position.
    columns = np.stack(
        [
            x_pad[
                (slice(None), slice(None))
                + _window_slices(tap, out_size, a.stride, a.dilation)
            ]
            for tap in np.ndindex(*k)
        ],
        axis=2,
    )  # (N, C_in, K, *out)
    columns = columns.reshape(batch, groups, c_in // groups, -1, prod(out_size))
    weights = w.reshape(groups, c_out // groups, c_in // groups, -1)
    y = np.einsum("ngckp,gock->ngop", columns, weights, optimize=True)
    return operands.result(y.reshape((batch, c_out) + out_size))


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
    w = weight_array(w, transposed=False)
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
    if not sparse:
        check_memory("the dense matrix C", shape, w.itemsize, memory_budget)
    # The index arrays below: one (row, column, value) per weight entry and output position.
    shape4 = (c_out, c_in_group, p_out, prod(k))
    check_memory(
        "the index arrays of C", shape4, 24 + w.itemsize, memory_budget
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
