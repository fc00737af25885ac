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

from math import prod

import numpy as np

from .arguments import (
    one_int,
    per_dimension,
    real_array,
    spatial_rank,
    weight_array,
)
from .memory import MEMORY_BUDGET, check_budget, check_memory


def checkerboard_energy(y, stride):
    r"""The share of an output's (mean-removed) energy that repeats with the stride's period.

    Parameters
    ----------
    y : array_like
        The output; its trailing axes are spatial, leading axes are separate maps.
    stride : int or tuple of int
        The period s per spatial axis (an int: the last two axes, or the only one).

    Returns
    -------
    float
        :math:`E_s(y)` in [0, 1].

    Raises
    ------
    ValueError
        If ``stride`` has more entries than ``y`` has axes, or a spatial size is below it.
    TypeError
        If ``y`` is not real or ``stride`` is not an int or a sequence of ints.

    See Also
    --------
    overlap_counts : The uneven overlap that makes the pattern (chapter 07).
    icnr_weight : An initialisation whose outputs have :math:`E_s = 0`.

    Notes
    -----
    Chapter 07. A checkerboard made by a stride-``s`` layer repeats every ``s`` pixels;
    this measures how much of the signal is such a repeating pattern. With :math:`\bar y` the mean and
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

    A tuple ``stride`` names its ``len(stride)`` trailing axes as spatial; an int the last
    two (the only one of a 1-D ``y``), so ``2`` and ``(2, 2)`` agree on an ``(N, C, H, W)``
    array. The energies of the maps along the leading axes (batch, channels) are added
    before dividing.

    Examples
    --------
    A pure period-2 signal is all pattern:

    >>> checkerboard_energy([1., 2., 1., 2., 1., 2.], 2)
    1.0

    A ramp has a little energy at the stride's frequency:

    >>> checkerboard_energy([1., 2., 3., 4.], 2)
    0.2
    """
    y = real_array(y, "y").astype(np.float64)
    n = spatial_rank(stride=stride, default=min(2, y.ndim))
    if not 1 <= n <= y.ndim:
        raise ValueError(
            f"stride={stride!r} needs {max(n, 1)} spatial axes; y has shape {y.shape}"
        )
    stride = per_dimension(stride, n, "stride", minimum=1)
    axes = tuple(range(y.ndim - n, y.ndim))
    for a, s in zip(axes, stride):
        if y.shape[a] < s:
            raise ValueError(
                f"y has shape {y.shape}: spatial size {y.shape[a]} is smaller than the stride {s}"
            )
    deviation = y - y.mean(axis=axes, keepdims=True)
    periodic = np.zeros_like(deviation)
    for phase in np.ndindex(*stride):
        index = (Ellipsis,) + tuple(
            slice(p, None, s) for p, s in zip(phase, stride)
        )
        periodic[index] = deviation[index].mean(axis=axes, keepdims=True)
    total = float(np.sum(deviation**2))
    if total <= 1e-24 * max(1.0, float(np.sum(y**2))):
        return 0.0  # (numerically) constant: no pattern
    return float(np.sum(periodic**2)) / total


def bilinear_kernel(factor, ndim=2, memory_budget=MEMORY_BUDGET):
    r"""The kernel that makes a stride-``factor`` transposed convolution interpolate bilinearly.

    Parameters
    ----------
    factor : int
        The upsampling factor f (the stride), at least 1.
    ndim : int, optional
        The number of spatial dimensions of the kernel, at least 1.
    memory_budget : int, optional
        The most bytes the kernel may take.

    Returns
    -------
    numpy.ndarray
        float64 kernel of shape ``(k,) * ndim`` with :math:`k = 2f - (f \bmod 2)`.

    Raises
    ------
    ValueError
        If ``factor`` or ``ndim`` is below 1, or the kernel exceeds ``memory_budget``.
    TypeError
        If ``factor`` or ``ndim`` is not an int.

    See Also
    --------
    conv_transpose : With this kernel, stride f and padding f/2, an interpolation.
    checkerboard_energy : Its interior output has no checkerboard.

    Notes
    -----
    FCN's ``upsample_filt`` and d2l's ``bilinear_kernel`` (Long et al. 2015; chapter 07):
    with centre :math:`c = (k-1)/2`, along each axis

    .. math::

        w[t] = 1 - \frac{|t - c|}{f},

    and the n-D kernel is the outer product. With stride f and padding f/2 (even f) the
    transposed convolution equals ``F.interpolate(mode="bilinear", align_corners=False)``
    except in the f/2 outermost rows and columns.

    Examples
    --------
    Factor 2 in 1-D: the weights of the two nearest inputs, 1/4 and 3/4.

    >>> bilinear_kernel(2, ndim=1)
    array([0.25, 0.75, 0.75, 0.25])
    """
    memory_budget = check_budget(memory_budget)
    factor = one_int(factor, "factor", minimum=1)
    ndim = one_int(ndim, "ndim", minimum=1)
    size = 2 * factor - factor % 2
    check_memory("the bilinear kernel", (size,) * ndim, 8, memory_budget)
    centre = (size - 1) / 2
    line = 1 - np.abs(np.arange(size) - centre) / factor
    kernel = line
    for _ in range(ndim - 1):
        kernel = np.multiply.outer(kernel, line)
    return kernel


def pixel_shuffle(x, stride):
    r"""The periodic shuffle of sub-pixel convolution, like ``torch.nn.functional.pixel_shuffle``.

    Parameters
    ----------
    x : array_like
        Array ``(..., C * prod(stride), *spatial)``.
    stride : int or tuple of int
        Factor per spatial axis; an int means 2 spatial axes, as in PyTorch.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., C, s_1 H_1, s_2 H_2, ...)``, the dtype of ``x``.

    Raises
    ------
    ValueError
        If ``x`` has too few axes or its channels are not a multiple of ``prod(stride)``.
    TypeError
        If ``stride`` is not an int or a sequence of ints.

    See Also
    --------
    subpixel_weight : The convolution weight whose output it shuffles.
    icnr_weight : An initialisation for that convolution.

    Notes
    -----
    Chapter 08. With :math:`\varphi` the phase inside each block, raveled in C order
    (channel ``c*s1*s2 + phi1*s2 + phi2`` in 2-D):

    .. math::

        y[c, s_1 h_1 + \varphi_1, \dots] = x[c \textstyle\prod s
        + \operatorname{ravel}(\varphi), h_1, \dots] .

    Examples
    --------
    Four channels of one pixel become one channel of 2 x 2 pixels:

    >>> pixel_shuffle(np.arange(4.).reshape(4, 1, 1), 2)
    array([[[0., 1.],
            [2., 3.]]])
    """
    x = np.asarray(x)
    n = spatial_rank(stride=stride, default=2)
    stride = per_dimension(stride, n, "stride", minimum=1)
    if x.ndim < n + 1:
        raise ValueError(
            f"x has shape {x.shape}; expected (..., C*prod(stride), *{n} spatial sizes)"
        )
    lead, channels = x.shape[: x.ndim - n - 1], x.shape[x.ndim - n - 1]
    spatial = x.shape[x.ndim - n :]
    r = int(np.prod(stride))
    if channels % r:
        raise ValueError(
            f"x has {channels} channels, not a multiple of prod(stride)={r}"
        )
    y = x.reshape(lead + (channels // r,) + stride + spatial)
    m = len(lead) + 1  # axes before the factors
    order = list(range(m)) + [a for i in range(n) for a in (m + n + i, m + i)]
    y = y.transpose(order)
    return y.reshape(
        lead + (channels // r,) + tuple(s * h for s, h in zip(stride, spatial))
    )


def _weight_and_stride(w, stride, layout: str):
    """A real weight with 1-3 spatial dimensions and its per-dimension stride."""
    w = weight_array(w, layout)
    return w, per_dimension(stride, w.ndim - 2, "stride", minimum=1)


def subpixel_weight(w, stride, memory_budget=MEMORY_BUDGET):
    r"""Rearrange a transposed-convolution weight into one stride-1 convolution + pixel shuffle.

    Parameters
    ----------
    w : array_like
        Weight ``(C_in, C_out, *kernel)`` (PyTorch layout, groups 1, dilation 1).
    stride : int or tuple of int
        The transposed convolution's stride s.
    memory_budget : int, optional
        The most bytes the padded kernel and the result may take.

    Returns
    -------
    numpy.ndarray
        Shape ``(C_out * prod(stride), C_in, *ceil(k / stride))``.

    Raises
    ------
    ValueError
        If ``w`` has the wrong number of axes or an empty one, ``stride`` is below 1, or
        the arrays exceed ``memory_budget``.
    TypeError
        If ``w`` is not real or ``stride`` is not an int or a sequence of ints.

    See Also
    --------
    pixel_shuffle : Interleaves the convolution's output channels.
    conv_transpose : Its ``"subpixel"`` method computes the same phases.

    Notes
    -----
    Chapter 08 (Shi et al. 2016). Output position :math:`j = s q + \varphi` only meets
    the taps :math:`t \equiv \varphi \pmod s`:

    .. math::

        y[s q + \varphi] = \sum_m x[q - m]\, w[\varphi + s m],

    a stride-1 convolution of the *small* input with the sub-kernel :math:`w[\varphi::s]`.
    Padding every sub-kernel with zeros to :math:`K = \lceil k/s \rceil` taps, rotating it
    180 degrees and stacking the :math:`s^n` phases as output channels (in
    :func:`pixel_shuffle`'s order) gives W, and ``pixel_shuffle(conv(x, W, padding=K-1), s)``
    is the padding-0 transposed convolution on its first :math:`s(i-1)+k` positions per axis
    (the rest, fewer than s, are zeros).

    Examples
    --------
    A 3-tap kernel, stride 2: phase 0 gets taps 2 and 0 (rotated), phase 1 tap 1.

    >>> subpixel_weight(np.array([[[1., 2., 3.]]]), 2)[:, 0]
    array([[3., 1.],
           [0., 2.]])
    """
    memory_budget = check_budget(memory_budget)
    w, stride = _weight_and_stride(w, stride, "(C_in, C_out, *kernel)")
    n = w.ndim - 2
    c_in, c_out, kernel = w.shape[0], w.shape[1], w.shape[2:]
    taps = tuple(-(-k // s) for k, s in zip(kernel, stride))  # ceil(k / s)
    padded_shape = (c_in, c_out) + tuple(K * s for K, s in zip(taps, stride))
    # The zero-padded kernel and its rearranged copy, the result.
    check_memory(
        "the padded kernel of subpixel_weight (and its rearranged copy)",
        padded_shape,
        2 * w.itemsize,
        memory_budget,
    )
    padded = np.zeros(padded_shape, dtype=w.dtype)
    padded[(slice(None), slice(None)) + tuple(slice(0, k) for k in kernel)] = w
    # tap t = phi + s*m  ->  axes (m, phi) per spatial axis
    split = padded.reshape(
        (c_in, c_out) + tuple(v for K, s in zip(taps, stride) for v in (K, s))
    )
    split = np.flip(
        split, axis=tuple(2 + 2 * i for i in range(n))
    )  # rotate: u = K-1-m
    order = (
        [1]
        + [3 + 2 * i for i in range(n)]
        + [0]
        + [2 + 2 * i for i in range(n)]
    )
    shape = (c_out * int(np.prod(stride)), c_in) + taps
    return np.ascontiguousarray(split.transpose(order)).reshape(shape)


def icnr_weight(w, stride, memory_budget=MEMORY_BUDGET):
    r"""ICNR initialisation of a sub-pixel convolution (Aitken et al. 2017).

    Parameters
    ----------
    w : array_like
        Convolution weight ``(C_out, C_in, *kernel)``.
    stride : int or tuple of int
        The pixel shuffle's factor s per spatial axis.
    memory_budget : int, optional
        The most bytes the result may take.

    Returns
    -------
    numpy.ndarray
        Shape ``(C_out * prod(stride), C_in, *kernel)``.

    Raises
    ------
    ValueError
        If ``w`` has the wrong number of axes or an empty one, ``stride`` is below 1, or
        the result exceeds ``memory_budget``.
    TypeError
        If ``w`` is not real or ``stride`` is not an int or a sequence of ints.

    See Also
    --------
    pixel_shuffle : The shuffle it is made for (PyTorch's channel order).
    checkerboard_energy : Zero for its outputs.

    Notes
    -----
    Chapter 08. Every output channel's kernel is repeated ``prod(stride)`` times,

    .. math::

        W[c \textstyle\prod s + \varphi] = w[c],

    so that ``pixel_shuffle(conv(x, W), stride)`` is ``conv(x, w)`` upsampled by nearest
    neighbour: every block is constant and the layer starts free of checkerboards. For
    ``tf.nn.depth_to_space`` (channel ``phi * C + c``) tile instead of repeat.

    Examples
    --------
    Two 1x1 kernels, stride 2: each is repeated four times.

    >>> icnr_weight(np.array([[[[1.]]], [[[2.]]]]), 2)[:, 0, 0, 0]
    array([1., 1., 1., 1., 2., 2., 2., 2.])
    """
    memory_budget = check_budget(memory_budget)
    w, stride = _weight_and_stride(w, stride, "(C_out, C_in, *kernel)")
    copies = prod(stride)
    shape = (w.shape[0] * copies,) + w.shape[1:]
    check_memory("the result of icnr_weight", shape, w.itemsize, memory_budget)
    return np.repeat(w, copies, axis=0)
