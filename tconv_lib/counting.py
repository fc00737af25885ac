"""Counting the multiplications the methods really do (chapter 09).

Every method of :func:`tconv_lib.conv_transpose`, and :func:`tconv_lib.conv`, does its
multiplications in a few numpy calls: a matrix product or a ``tensordot``. They go through
:func:`matmul` and :func:`tensordot` below, which add the scalar multiply-adds they perform to
every counter that :func:`count_multiply_adds` has open. With no counter open the cost is one
check of an empty list, so the library runs the same code whether it is counted or not.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from math import prod

import numpy as np


@dataclass
class Counts:
    """What the library computed while a :func:`count_multiply_adds` block ran."""

    #: scalar multiply-adds of every matrix product and tensordot, zeros included
    multiply_adds: int = 0


_open: list[Counts] = []


@contextmanager
def count_multiply_adds():
    r"""Count the multiply-adds the library performs inside a ``with`` block.

    Returns
    -------
    contextlib.AbstractContextManager of Counts
        Its ``Counts`` grows while the block runs and keeps its value after it.

    See Also
    --------
    tconv_lib.conv_transpose : The methods whose work chapter 09 counts.

    Notes
    -----
    A product of an :math:`(m, k)` by a :math:`(k, n)` matrix counts

    .. math::

        m \, k \, n

    multiply-adds, a stack of them that times the number of matrices. Multiplications by
    zero count like any other: that is the point (the ``direct`` method's inserted zeros,
    the ``gemm`` method's padding).

    Examples
    --------
    The d2l example (chapter 02): 4 input entries times 4 taps, one channel pair.

    >>> import tconv_lib as tl
    >>> x = [[[[0.0, 1.0], [2.0, 3.0]]]]
    >>> with tl.count_multiply_adds() as counts:
    ...     y = tl.conv_transpose(x, x, method="scatter")
    >>> counts.multiply_adds
    16
    """
    counts = Counts()
    _open.append(counts)
    try:
        yield counts
    finally:
        _open.remove(counts)


def _record(multiply_adds: int) -> None:
    for counts in _open:
        counts.multiply_adds += multiply_adds


def matmul(a: np.ndarray, b: np.ndarray, out=None) -> np.ndarray:
    """``np.matmul(a, b, out=out)`` for arrays of 2 or more axes, counted."""
    if _open:
        batch = prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        _record(batch * a.shape[-2] * a.shape[-1] * b.shape[-1])
    return np.matmul(a, b, out=out)


def tensordot(a: np.ndarray, b: np.ndarray, axes: int) -> np.ndarray:
    """``np.tensordot(a, b, axes)`` over the last ``axes`` of ``a``, counted."""
    if _open:
        _record(prod(a.shape) * prod(b.shape[axes:]))
    return np.tensordot(a, b, axes=axes)
