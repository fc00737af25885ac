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


def canvas_length(
    in_size: int, kernel_size: int, stride: int = 1, dilation: int = 1
) -> int:
    """Length of the uncropped canvas of a 1-D transposed convolution: ``s(i-1) + d(k-1) + 1``.

    Examples
    --------
    Two inputs, a 3-tap kernel, stride 2: the stamps cover 2*(2-1) + (3-1) + 1 = 5 positions.

    >>> canvas_length(2, 3, stride=2)
    5
    """
    return stride * (in_size - 1) + dilation * (kernel_size - 1) + 1


def tap_phase(tap: int, stride: int, dilation: int = 1) -> int:
    """The output phase, ``(d t) mod s``, on which kernel tap ``t`` always lands.

    Examples
    --------
    With stride 2 the even taps of a 4-tap kernel fill phase 0 and the odd taps phase 1.

    >>> [tap_phase(t, 2) for t in range(4)]
    [0, 1, 0, 1]
    """
    return (dilation * tap) % stride


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
