"""Where the stamps of a transposed convolution land (chapters 02, 04 and 08).

Two facts every method and every figure uses, written once:

* the full canvas that holds every stamp before ``padding`` crops it has length
  ``s(i - 1) + d(k - 1) + 1``;
* tap ``t`` of a kernel with dilation ``d`` lands at offset ``d t`` from its stamp's origin,
  which sits on a multiple of ``s``, so it always falls on the same output phase
  ``(d t) mod s``.
"""

from __future__ import annotations

import numpy as np

from .arguments import one_int


def canvas_length(
    in_size: int, kernel_size: int, stride: int = 1, dilation: int = 1
) -> int:
    r"""Length of the uncropped canvas of a 1-D transposed convolution.

    Parameters
    ----------
    in_size : int
        Input length i.
    kernel_size : int
        Kernel length k.
    stride : int, optional
        Spacing s of the stamps.
    dilation : int, optional
        Spacing d of the taps inside a stamp.

    Returns
    -------
    int
        The number of positions the stamps cover.

    See Also
    --------
    tconv_lib.conv_transpose_output_size : This length, cropped and padded.
    tap_phase : Where inside a stride each tap lands.

    Notes
    -----
    The last stamp starts at :math:`s(i-1)` and spans :math:`d(k-1)+1` positions:

    .. math::

        L = s(i-1) + d(k-1) + 1 .

    Examples
    --------
    Two inputs, a 3-tap kernel, stride 2: the stamps cover 2*(2-1) + (3-1) + 1 = 5 positions.

    >>> canvas_length(2, 3, stride=2)
    5
    """
    return stride * (in_size - 1) + dilation * (kernel_size - 1) + 1


def tap_phase(tap: int, stride: int, dilation: int = 1) -> int:
    r"""The output phase on which kernel tap ``t`` always lands.

    Parameters
    ----------
    tap : int
        Tap index t, from 0 to k - 1.
    stride : int
        Stride s.
    dilation : int, optional
        Dilation d.

    Returns
    -------
    int
        The phase r, with :math:`0 \le r < s`.

    See Also
    --------
    canvas_length : The length those phases tile.
    tconv_lib.subpixel_weight : The sub-kernel of every phase.

    Notes
    -----
    Tap t lands at offset :math:`d t` from its stamp's origin, a multiple of s, so at

    .. math::

        r = (d t) \bmod s .

    Examples
    --------
    With stride 2 the even taps of a 4-tap kernel fill phase 0 and the odd taps phase 1.

    >>> [tap_phase(t, 2) for t in range(4)]
    [0, 1, 0, 1]
    """
    return (dilation * tap) % stride


def output_phase(position: int, stride: int, padding: int = 0) -> int:
    """The phase of output ``position`` (after ``padding`` cropped the canvas's first entries).

    Output j sits at canvas position j + p, so on phase (j + p) mod s; the first output of
    phase r is therefore :func:`first_output_of_phase`.

    Examples
    --------
    With stride 2 and padding 1 output 0 is canvas position 1, phase 1:

    >>> [output_phase(j, 2, padding=1) for j in range(4)]
    [1, 0, 1, 0]
    """
    return (position + padding) % stride


def first_output_of_phase(phase: int, stride: int, padding: int = 0) -> int:
    """The first output position on ``phase``: the inverse of :func:`output_phase` on 0..s-1.

    Examples
    --------
    >>> first_output_of_phase(1, 2, padding=1)
    0
    """
    return (phase - padding) % stride


def full_canvas_shape(in_size, kernel_size, arguments) -> tuple[int, ...]:
    """Per axis, the canvas that holds every stamp plus ``output_padding``, before cropping.

    ``arguments`` is a :class:`tconv_lib.arguments.LayerArguments`: ``canvas_length + op``.

    Examples
    --------
    >>> from tconv_lib.arguments import layer_arguments
    >>> full_canvas_shape((2,), (3,), layer_arguments(1, stride=2, output_padding=1))
    (6,)
    """
    a = arguments
    return tuple(
        canvas_length(i, k, s, d) + op
        for i, k, s, d, op in zip(
            in_size, kernel_size, a.stride, a.dilation, a.output_padding
        )
    )


def direct_padding(kernel_size, arguments) -> list[tuple[int, int]]:
    """Per axis, the ``(before, after)`` padding of the direct view's zero-inserted input.

    A full convolution pads d(k-1) on both sides; ``padding`` takes p back from each and
    ``output_padding`` adds its entries at the end: ``(d(k-1) - p, d(k-1) - p + op)``.
    A negative amount crops (see :func:`pad_or_crop`).

    Examples
    --------
    >>> from tconv_lib.arguments import layer_arguments
    >>> direct_padding((3,), layer_arguments(1, stride=2, padding=1, output_padding=1))
    [(1, 2)]
    """
    a = arguments
    return [
        (d * (k - 1) - p, d * (k - 1) - p + op)
        for k, d, p, op in zip(
            kernel_size, a.dilation, a.padding, a.output_padding
        )
    ]


def pad_or_crop(x, amounts):
    """Pad the trailing axes of ``x`` with zeros, or crop them where an amount is negative.

    ``amounts`` is one ``(before, after)`` pair per trailing (spatial) axis.

    Examples
    --------
    One zero before, and the last entry cropped:

    >>> pad_or_crop(np.array([1, 2, 3]), [(1, -1)])
    array([0, 1, 2])
    """
    lead = x.ndim - len(amounts)
    pads = [(0, 0)] * lead + [(max(b, 0), max(a, 0)) for b, a in amounts]
    x = np.pad(x, pads)
    crops = tuple(
        slice(-min(b, 0), x.shape[lead + i] + min(a, 0))
        for i, (b, a) in enumerate(amounts)
    )
    return x[(Ellipsis,) + crops]


def tap_groups(k, s, d=1):
    r"""The taps of one kernel axis grouped by the whole strides they shift their stamp.

    The ``gemm`` method's overlap-add does one block add per combination of groups
    (chapter 09): 2 per axis for DCGAN's k=4, s=2 instead of 4 strided adds.

    Parameters
    ----------
    k : int
        Kernel length along the axis, at least 1.
    s : int
        Stride, at least 1.
    d : int, optional
        Dilation, at least 1.

    Returns
    -------
    list of (int, slice, slice)
        ``(q, taps, phases)`` per group, in increasing ``q``: the taps with shift ``q`` form
        the contiguous slice ``taps`` of the kernel axis and land on the phases ``phases``
        (a slice with step ``d``).

    Raises
    ------
    ValueError
        If ``k``, ``s`` or ``d`` is below 1.
    TypeError
        If one of them is not an int.

    See Also
    --------
    tconv_lib.conv_transpose : ``method="gemm"`` uses these groups.

    Notes
    -----
    Tap :math:`t` of input position :math:`i` lands at output position :math:`s i + d t`
    (before the padding is cropped). Writing

    .. math::

        d\,t = s\,q_t + r_t, \qquad 0 \le r_t < s,

    it lands at :math:`s (i + q_t) + r_t`: shifted by :math:`q_t` whole strides, on phase
    :math:`r_t`. Consecutive taps with the same :math:`q_t` have phases ``d`` apart.

    Examples
    --------
    k=4, s=2 (DCGAN): taps 0, 1 shift by 0 strides (phases 0, 1), taps 2, 3 by one.

    >>> tap_groups(4, 2)
    [(0, slice(0, 2, None), slice(0, 2, 1)), (1, slice(2, 4, None), slice(0, 2, 1))]
    """
    k = one_int(k, "k", minimum=1)
    s = one_int(s, "s", minimum=1)
    d = one_int(d, "d", minimum=1)
    groups = []
    t = 0
    while t < k:
        q = d * t // s
        first = t
        while t < k and d * t // s == q:
            t += 1
        r0 = tap_phase(first, s, d)
        groups.append(
            (q, slice(first, t), slice(r0, r0 + d * (t - first - 1) + 1, d))
        )
    return groups


def phase_lengths(in_size, kernel, stride, padding, dilation, out_size):
    """Length of the ``q`` axis of the phase canvas, per spatial axis.

    It must hold every stamp (``i + q_max``) and every output position we keep
    (``ceil((p + o) / s)``; with output_padding the last ones can lie beyond every stamp).
    """
    return tuple(
        max(i + d * (k - 1) // s, -(-(p + o) // s))
        for i, k, s, p, d, o in zip(
            in_size, kernel, stride, padding, dilation, out_size
        )
    )
