"""Convolution (cross-correlation, as deep-learning frameworks define it) and its matrix C.

Chapter 01 derives both: ``y = conv(x, w)`` is ``y.ravel() == C @ x.ravel()`` for the
banded (1-D) or doubly block-Toeplitz (2-D) matrix C that ``conv_matrix`` builds.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_real_array, as_tuple, check_groups, prepare
from .shapes import conv_output_size


def _window_slices(tap, out_size, stride, dilation):
    """The strided slice of the padded input that kernel tap ``tap`` meets, per spatial axis."""
    return tuple(
        slice(t * d, t * d + s * (o - 1) + 1, s) for t, o, s, d in zip(tap, out_size, stride, dilation)
    )


def conv(x, w, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation exactly like ``torch.nn.functional.conv1d/2d/3d`` (no bias).

    ``y[n, co, j] = sum_{ci, t} w[co, ci, t] * x_pad[n, g*C_in/groups + ci, s*j + d*t]``
    where ``g = co // (C_out/groups)`` and ``x_pad`` has ``padding`` zeros on both sides
    of every spatial axis (chapter 01).

    Parameters
    ----------
    x : array_like, shape ``(N, C_in, *spatial)`` or unbatched ``(C_in, *spatial)``
    w : array_like, shape ``(C_out, C_in/groups, *kernel)``
    stride, padding, dilation : int or tuple of ints, one per spatial dimension
    groups : int

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C_out, *out)``, or ``(C_out, *out)`` for an unbatched ``x``, with
        ``out = floor((i + 2p - d(k-1) - 1)/s) + 1``.

    Examples
    --------
    >>> conv([[[1., 2., 3., 4.]]], [[[1., 0., -1.]]])
    array([[[-2., -2.]]])
    """
    x, w, unbatched = prepare(x, w, groups, transposed=False)
    n = w.ndim - 2
    s = as_tuple(stride, n, "stride", minimum=1)
    p = as_tuple(padding, n, "padding", minimum=0)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    k = w.shape[2:]
    out_size = conv_output_size(tuple(x.shape[2:]), tuple(k), s, p, d)
    x_pad = np.pad(x, [(0, 0), (0, 0)] + [(pp, pp) for pp in p])

    # im2col: for every kernel tap, the input values it multiplies, at every output position.
    batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    columns = np.stack(
        [x_pad[(slice(None), slice(None)) + _window_slices(tap, out_size, s, d)] for tap in np.ndindex(*k)],
        axis=2,
    )  # (N, C_in, K, *out)
    columns = columns.reshape(batch, groups, c_in // groups, -1, int(np.prod(out_size)))
    weights = w.reshape(groups, c_out // groups, c_in // groups, -1)
    y = np.einsum("ngckp,gock->ngop", columns, weights, optimize=True)
    y = y.reshape((batch, c_out) + tuple(out_size))
    return y[0] if unbatched else y


def conv_matrix(w, in_shape, stride=1, padding=0, dilation=1, groups=1, sparse=False):
    """The matrix C of ``conv(., w, stride, padding, dilation, groups)`` on inputs of spatial shape ``in_shape``.

    For one sample ``x`` of shape ``(C_in, *in_shape)``: ``conv(x, w, ...).ravel() == C @ x.ravel()``.
    Row ``co * P_out + j`` holds output channel ``co`` at flat output position ``j``; column
    ``ci * P_in + i`` holds input channel ``ci`` at flat input position ``i`` (C order). Entry
    ``C[(co, j), (ci, i)] = w[co, ci_local, t]`` where ``i = s*j - p + d*t`` (chapter 01).

    Its transpose is the transposed convolution with the same weights (chapter 02):
    ``conv_transpose(y, w, stride, padding, output_padding, dilation, groups)`` equals
    ``C.T @ y.ravel()`` when C is built for ``in_shape`` = the transposed convolution's output
    size, which is where ``output_padding`` enters. Usually C then has exactly as many rows as
    ``y`` has entries; when ``output_padding >= stride`` (possible only with dilation > stride)
    C has extra rows at the end of each axis, which meet zeros.

    Parameters
    ----------
    w : array_like, shape ``(C_out, C_in/groups, *kernel)``
    in_shape : int or tuple of ints, the spatial shape of the input
    sparse : bool
        Return a ``scipy.sparse.csr_array`` instead of a dense array (chapter 09).

    Returns
    -------
    numpy.ndarray of shape ``(C_out * prod(out), C_in * prod(in_shape))``

    Examples
    --------
    >>> conv_matrix([[[1., 2.]]], 3)
    array([[1., 2., 0.],
           [0., 1., 2.]])
    """
    w = as_real_array(w, "w")
    check_groups(groups)
    n = w.ndim - 2
    # A one-pixel probe input lets prepare() check w and groups exactly as conv() does.
    probe = np.zeros((1, w.shape[1] * groups) + (1,) * n, w.dtype) if w.ndim >= 2 else np.zeros(1, w.dtype)
    _, w, _ = prepare(probe, w, groups, transposed=False)
    in_shape = as_tuple(in_shape, n, "in_shape", minimum=1)
    s = as_tuple(stride, n, "stride", minimum=1)
    p = as_tuple(padding, n, "padding", minimum=0)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    k = w.shape[2:]
    out_size = conv_output_size(in_shape, tuple(k), s, p, d)
    c_out, c_in_group = w.shape[:2]
    c_in = c_in_group * groups

    # For every (output position, tap): the input position it reads, and whether it is inside.
    out_pos = np.indices(out_size).reshape(n, -1).T  # (P_out, n)
    taps = np.indices(k).reshape(n, -1).T  # (K, n)
    in_pos = out_pos[:, None, :] * s - np.array(p) + taps[None, :, :] * d  # (P_out, K, n)
    inside = np.all((in_pos >= 0) & (in_pos < np.array(in_shape)), axis=-1)
    flat_in = np.ravel_multi_index(tuple(np.clip(in_pos, 0, np.array(in_shape) - 1).T), in_shape).T

    co = np.arange(c_out)[:, None, None, None]
    ci = np.arange(c_in_group)[None, :, None, None]
    group = co // (c_out // groups)
    p_out, p_in = int(np.prod(out_size)), int(np.prod(in_shape))
    rows = co * p_out + np.arange(p_out)[None, None, :, None]
    cols = (group * c_in_group + ci) * p_in + flat_in[None, None, :, :]
    values = w.reshape(c_out, c_in_group, 1, -1)
    shape4 = (c_out, c_in_group, p_out, len(taps))
    keep = np.broadcast_to(inside, shape4)
    rows, cols = np.broadcast_to(rows, shape4)[keep], np.broadcast_to(cols, shape4)[keep]
    values = np.broadcast_to(values, shape4)[keep]
    shape = (c_out * p_out, c_in * p_in)
    if sparse:
        from scipy.sparse import csr_array  # scipy only when asked for

        return csr_array((values, (rows, cols)), shape=shape)
    matrix = np.zeros(shape, dtype=w.dtype)
    # Assignment (not +=) is safe: two taps of one output position never read the same input.
    matrix[rows, cols] = values
    return matrix
