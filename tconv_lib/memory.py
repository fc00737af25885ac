"""The memory guard: estimate the bytes first, refuse above the budget.

Some arrays grow with the product of every size: the dense matrix C (chapter 02:
``(C_out P_out) x (C_in P_in)`` entries), the column buffers of ``conv`` and of the ``gemm``
method, the counts of ``overlap_counts``. Every function that builds one takes the keyword
``memory_budget`` (bytes, default :data:`MEMORY_BUDGET`) and calls :func:`check_memory`
before it allocates, so an oversized call fails in microseconds with the shape, the size in
GiB and the way to allow it, instead of a ``MemoryError`` about an internal array or minutes
of swapping. The ``gemm`` method splits its work into chunks that fit the budget.
"""

from __future__ import annotations

from math import prod

from .arguments import one_int

#: Default ``memory_budget``: 256 MiB, well within a laptop's memory.
MEMORY_BUDGET = 256 * 2**20

#: Bytes of the gemm method's buffers per chunk when the budget allows more. Why it pays:
#: the overlap-add reads the columns back while they are still in the cache, and the same two
#: buffers serve every chunk, so a call page-faults on them once instead of on a fresh
#: output-sized temporary (measured on the DCGAN, U-Net and 3-D layers of chapter 09).
CACHE_CHUNK = 16 * 2**20


def check_budget(memory_budget) -> int:
    """``memory_budget`` as a positive int number of bytes."""
    return one_int(memory_budget, "memory_budget", minimum=1)


def check_memory(
    what: str, shape, bytes_per_entry: int, memory_budget=MEMORY_BUDGET
) -> int:
    r"""Refuse to build an array of ``shape`` if it needs more than ``memory_budget`` bytes.

    Parameters
    ----------
    what : str
        What the array is, for the message (``"the dense matrix C"``).
    shape : tuple of int
        The shape it would have.
    bytes_per_entry : int
        Bytes per entry, including any index arrays built alongside it.
    memory_budget : int
        The most bytes the call may use.

    Returns
    -------
    int
        The bytes the array needs.

    Raises
    ------
    ValueError
        If it needs more than ``memory_budget`` bytes; the message gives the shape, the size
        in GiB and the ``memory_budget`` that would allow it.

    See Also
    --------
    tconv_lib.conv_matrix, tconv_lib.conv_transpose, tconv_lib.overlap_counts

    Notes
    -----
    The estimate is the product of the sizes, computed in Python ints (no overflow):

    .. math::

        \text{bytes} = b \prod_a \text{shape}_a .

    Examples
    --------
    A 1000 x 1000 float64 array needs 8 MB, which a 1 MB budget refuses:

    >>> check_memory("a matrix", (1000, 1000), 8, memory_budget=2**20)
    Traceback (most recent call last):
    ...
    ValueError: a matrix of shape (1000, 1000) needs 0.00745 GiB, more than ...
    """
    budget = check_budget(memory_budget)
    needed = prod(int(v) for v in shape) * bytes_per_entry
    if needed > budget:
        raise ValueError(
            f"{what} of shape {tuple(int(v) for v in shape)} needs {needed / 2**30:.3g} GiB, "
            f"more than memory_budget={budget} bytes ({budget / 2**30:.3g} GiB); pass "
            f"memory_budget={needed} (or more) if the machine has the memory"
        )
    return needed


def check_output(what: str, shape, bytes_per_entry: int, memory_budget) -> int:
    """Refuse an output (or its uncropped canvas) above ``max(memory_budget, MEMORY_BUDGET)``.

    ``memory_budget`` bounds the working memory, which the methods split into chunks; the
    output is needed whole, so it may always take the default budget, and more only when
    the caller raised ``memory_budget``: a 3 GiB output never appears unasked.
    """
    return check_memory(
        what,
        shape,
        bytes_per_entry,
        max(check_budget(memory_budget), MEMORY_BUDGET),
    )
