"""Upsampling layers and their artifacts (chapters 07 and 08).

=======================  ============================================================  =======
function                 what                                                          chapter
=======================  ============================================================  =======
``checkerboard_energy``  share of an output's variation that repeats with period s     07, 08
``bilinear_kernel``      the FCN / d2l bilinear-interpolation kernel                   07
``pixel_shuffle``        the periodic shuffle of sub-pixel convolution (numpy)         08
``subpixel_weight``      a transposed-conv weight as one conv + pixel-shuffle weight   08
``icnr_weight``          ICNR: sub-pixel init that starts as nearest-neighbour resize  08
=======================  ============================================================  =======

Everything here is numpy only, in PyTorch's channels-first conventions.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_real_array, as_tuple


def checkerboard_energy(y, stride):
    r"""The share of an output's (mean-removed) energy that repeats with the stride's period (chapter 07).

    A checkerboard made by a stride-``s`` layer repeats every ``s`` pixels. This measures how
    much of the signal is such a repeating pattern. With :math:`\bar y` the mean and
    :math:`P` the orthogonal projection of :math:`y - \bar y` onto the signals of period
    :math:`s` along every spatial axis (the mean of each of the :math:`s^n` phases
    :math:`y[\varphi_1::s_1, \varphi_2::s_2, \dots]`, written back to that phase),

    .. math::

        E_s(y) = \frac{\lVert P(y - \bar y)\rVert^2}{\lVert y - \bar y\rVert^2} \in [0, 1].

    When every spatial size :math:`N_a` is a multiple of :math:`s_a`, this is the share of the
    power spectrum at the frequencies that are multiples of :math:`1/s` (DC excluded),
    :math:`E_s = \sum_{m \in S} |Y_m|^2 / \sum_{m \neq 0} |Y_m|^2` with :math:`Y` the DFT of
    :math:`y` and :math:`S` the bins :math:`m` with :math:`m_a` a multiple of :math:`N_a/s_a`
    in every axis, :math:`m \neq 0`. 0 means no periodic pattern at all, 1 means nothing
    else; a constant signal gives 0.

    Parameters
    ----------
    y : array_like
        The output. With an int ``stride`` every axis of ``y`` is spatial (a 1-D or 2-D map).
        With a tuple ``stride`` the trailing ``len(stride)`` axes are spatial and the leading
        axes (batch, channels) are separate maps: their energies are added before dividing.
    stride : int or tuple of ints
        The period. Every spatial size must be at least the stride.

    Returns
    -------
    float

    Examples
    --------
    >>> checkerboard_energy([1., 2., 1., 2., 1., 2.], 2)
    1.0
    >>> checkerboard_energy([1., 2., 3., 4.], 2)
    0.2
    """
    y = as_real_array(y, "y").astype(np.float64)
    n = y.ndim if not isinstance(stride, (tuple, list, np.ndarray)) else len(stride)
    if n < 1 or n > y.ndim:
        raise ValueError(f"stride={stride!r} needs at least {max(n, 1)} spatial axes; y has shape {y.shape}")
    stride = as_tuple(stride, n, "stride", minimum=1)
    axes = tuple(range(y.ndim - n, y.ndim))
    for a, s in zip(axes, stride):
        if y.shape[a] < s:
            raise ValueError(f"y has shape {y.shape}: spatial size {y.shape[a]} is smaller than the stride {s}")
    deviation = y - y.mean(axis=axes, keepdims=True)
    periodic = np.zeros_like(deviation)
    for phase in np.ndindex(*stride):
        index = (Ellipsis,) + tuple(slice(p, None, s) for p, s in zip(phase, stride))
        periodic[index] = deviation[index].mean(axis=axes, keepdims=True)
    total = float(np.sum(deviation**2))
    if total <= 1e-24 * max(1.0, float(np.sum(y**2))):
        return 0.0  # (numerically) constant: no pattern
    return float(np.sum(periodic**2)) / total


def bilinear_kernel(factor, ndim=2):
    r"""The kernel that makes a stride-``factor`` transposed convolution interpolate bilinearly (chapter 07).

    Size :math:`k = 2f - (f \bmod 2)`, centre :math:`c = (k-1)/2`, and along each axis
    :math:`w[t] = 1 - |t - c| / f`; the n-D kernel is the outer product. This is FCN's
    ``upsample_filt`` and d2l's ``bilinear_kernel`` (Long et al. 2015). With stride ``f`` and
    padding ``f/2`` (even ``f``) the transposed convolution equals
    ``F.interpolate(mode="bilinear", align_corners=False)`` except in the ``f/2`` outermost
    rows and columns.

    Examples
    --------
    >>> bilinear_kernel(2, ndim=1)
    array([0.25, 0.75, 0.75, 0.25])
    """
    factor = as_tuple(factor, 1, "factor", minimum=1)[0]
    ndim = as_tuple(ndim, 1, "ndim", minimum=1)[0]
    size = 2 * factor - factor % 2
    centre = (size - 1) / 2
    line = 1 - np.abs(np.arange(size) - centre) / factor
    kernel = line
    for _ in range(ndim - 1):
        kernel = np.multiply.outer(kernel, line)
    return kernel


def pixel_shuffle(x, stride):
    r"""The periodic shuffle of sub-pixel convolution, like ``torch.nn.functional.pixel_shuffle`` (chapter 08).

    ``x`` of shape ``(..., C * prod(s), *spatial)`` becomes ``(..., C, s_1 H_1, s_2 H_2, ...)`` with
    :math:`y[c, s_1 h_1 + \varphi_1, \dots] = x[c \prod s + \text{ravel}(\varphi), h_1, \dots]`
    (channel index ``c*s1*s2 + phi1*s2 + phi2`` in 2-D). An int ``stride`` means 2 spatial axes,
    as in PyTorch; a tuple gives one factor per spatial axis.

    Examples
    --------
    >>> pixel_shuffle(np.arange(4.).reshape(4, 1, 1), 2)
    array([[[0., 1.],
            [2., 3.]]])
    """
    x = np.asarray(x)
    n = len(stride) if isinstance(stride, (tuple, list, np.ndarray)) else 2
    stride = as_tuple(stride, n, "stride", minimum=1)
    if x.ndim < n + 1:
        raise ValueError(f"x has shape {x.shape}; expected (..., C*prod(stride), *{n} spatial sizes)")
    lead, channels, spatial = x.shape[: x.ndim - n - 1], x.shape[x.ndim - n - 1], x.shape[x.ndim - n :]
    r = int(np.prod(stride))
    if channels % r:
        raise ValueError(f"x has {channels} channels, not a multiple of prod(stride)={r}")
    y = x.reshape(lead + (channels // r,) + stride + spatial)
    m = len(lead) + 1  # axes before the factors
    order = list(range(m)) + [a for i in range(n) for a in (m + n + i, m + i)]
    y = y.transpose(order)
    return y.reshape(lead + (channels // r,) + tuple(s * h for s, h in zip(stride, spatial)))


def subpixel_weight(w, stride):
    r"""Rearrange a transposed-convolution weight into one stride-1 convolution + pixel shuffle (chapter 08).

    For a stride-``s`` transposed convolution with weight ``w`` of shape ``(C_in, C_out, *k)``
    (PyTorch layout, groups 1, dilation 1), output position :math:`j = s q + \varphi` only meets
    the taps :math:`t \equiv \varphi \pmod s`:

    .. math::

        y[s q + \varphi] = \sum_m x[q - m]\, w[\varphi + s m],

    a stride-1 convolution of the *small* input with the sub-kernel :math:`w[\varphi::s]`
    (Shi et al. 2016). Padding every sub-kernel with zeros to
    :math:`K = \lceil k/s \rceil` taps, rotating it 180 degrees and stacking the :math:`s^n`
    phases as output channels gives the weight ``W`` of shape ``(C_out * prod(s), C_in, *K)``,
    in :func:`pixel_shuffle`'s channel order, with

    ``pixel_shuffle(conv(x, W, padding=K-1), s)`` = the padding-0 transposed convolution on its
    first :math:`s(i-1)+k` positions per axis (the rest, fewer than ``s``, are zeros). Torch's
    ``padding=p`` then crops ``p`` from the start; ``output_padding`` keeps more at the end.

    Returns
    -------
    numpy.ndarray
        Shape ``(C_out * prod(stride), C_in, *ceil(k / stride))``.

    Examples
    --------
    >>> subpixel_weight(np.array([[[1., 2., 3.]]]), 2)[:, 0]
    array([[3., 1.],
           [0., 2.]])
    """
    w = as_real_array(w, "w")
    if w.ndim < 3:
        raise ValueError(f"w has shape {w.shape}; expected (C_in, C_out, *kernel)")
    n = w.ndim - 2
    stride = as_tuple(stride, n, "stride", minimum=1)
    c_in, c_out, kernel = w.shape[0], w.shape[1], w.shape[2:]
    taps = tuple(-(-k // s) for k, s in zip(kernel, stride))  # ceil(k / s)
    padded = np.zeros((c_in, c_out) + tuple(K * s for K, s in zip(taps, stride)), dtype=w.dtype)
    padded[(slice(None), slice(None)) + tuple(slice(0, k) for k in kernel)] = w
    # tap t = phi + s*m  ->  axes (m, phi) per spatial axis
    split = padded.reshape((c_in, c_out) + tuple(v for K, s in zip(taps, stride) for v in (K, s)))
    split = np.flip(split, axis=tuple(2 + 2 * i for i in range(n)))  # rotate: u = K-1-m
    order = [1] + [3 + 2 * i for i in range(n)] + [0] + [2 + 2 * i for i in range(n)]
    return np.ascontiguousarray(split.transpose(order)).reshape((c_out * int(np.prod(stride)), c_in) + taps)


def icnr_weight(w, stride):
    r"""ICNR initialisation of a sub-pixel convolution (chapter 08) (Aitken et al. 2017).

    Given a convolution weight ``w`` of shape ``(C_out, C_in, *k)``, repeat every output
    channel's kernel ``prod(stride)`` times, :math:`W[c \prod s + \varphi] = w[c]`, so that
    ``pixel_shuffle(conv(x, W), stride)`` is ``conv(x, w)`` upsampled by nearest neighbour:
    every :math:`s \times s` block is constant and the layer starts free of checkerboards.
    The order fits :func:`pixel_shuffle` (PyTorch); for ``tf.nn.depth_to_space`` (channel
    ``phi * C + c``) tile instead of repeat.

    Examples
    --------
    >>> icnr_weight(np.array([[[[1.]]], [[[2.]]]]), 2)[:, 0, 0, 0]
    array([1., 1., 1., 1., 2., 2., 2., 2.])
    """
    w = as_real_array(w, "w")
    if w.ndim < 3:
        raise ValueError(f"w has shape {w.shape}; expected (C_out, C_in, *kernel)")
    stride = as_tuple(stride, w.ndim - 2, "stride", minimum=1)
    return np.repeat(w, int(np.prod(stride)), axis=0)
