"""Shape arithmetic of convolution and transposed convolution (chapters 03-04).

Every function takes ints (one spatial dimension, or the same value for all) or tuples
with one value per spatial dimension, and answers in the same form.
"""
from __future__ import annotations

from ._checks import as_tuple, check_output_padding, spatial_rank


def _per_dimension(in_size, kernel_size, stride, padding, dilation, *extra):
    n = spatial_rank(in_size, kernel_size, stride, padding, dilation, *extra)
    return n, (
        as_tuple(in_size, n, "in_size", minimum=1),
        as_tuple(kernel_size, n, "kernel_size", minimum=1),
        as_tuple(stride, n, "stride", minimum=1),
        as_tuple(padding, n, "padding", minimum=0),
        as_tuple(dilation, n, "dilation", minimum=1),
    )


def _same_form(values, *arguments):
    """An int if every argument was an int, else a tuple."""
    if all(isinstance(a, int) for a in arguments):
        return values[0]
    return tuple(values)


def conv_output_size(in_size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution: ``o = floor((i + 2p - d(k-1) - 1) / s) + 1``.

    Derived in chapter 01 (stride removes rows of C) and chapter 04.

    Examples
    --------
    >>> conv_output_size(4, 3)
    2
    >>> conv_output_size((16, 17), 5, stride=3, padding=2)
    (6, 6)
    """
    _, (i, k, s, p, d) = _per_dimension(in_size, kernel_size, stride, padding, dilation)
    sizes = [(ii + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for ii, kk, ss, pp, dd in zip(i, k, s, p, d)]
    if min(sizes) < 1:
        raise ValueError(
            f"in_size={in_size!r} is too small for kernel_size={kernel_size!r}, dilation={dilation!r}, "
            f"padding={padding!r}: the output would be empty (need i + 2p >= d(k-1) + 1)"
        )
    return _same_form(sizes, in_size, kernel_size, stride, padding, dilation)


def conv_transpose_output_size(in_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Output size of a transposed convolution: ``o = s(i-1) + d(k-1) - 2p + output_padding + 1``.

    Derived in chapter 04 (Dumoulin & Visin's relationship 14). ``output_padding`` must be
    smaller than either the stride or the dilation, as in PyTorch.

    Examples
    --------
    >>> conv_transpose_output_size(2, 2, padding=1)
    1
    >>> conv_transpose_output_size(2, 2, stride=4)
    6
    """
    n, (i, k, s, p, d) = _per_dimension(in_size, kernel_size, stride, padding, dilation, output_padding)
    op = as_tuple(output_padding, n, "output_padding", minimum=0)
    check_output_padding(op, s, d)
    sizes = [
        ss * (ii - 1) + dd * (kk - 1) - 2 * pp + oo + 1
        for ii, kk, ss, pp, oo, dd in zip(i, k, s, p, op, d)
    ]
    if min(sizes) < 1:
        raise ValueError(
            f"padding={padding!r} crops more than the transposed convolution produces "
            f"(in_size={in_size!r}, kernel_size={kernel_size!r}, stride={stride!r}): the output would be "
            f"empty; padding must be at most (s(i-1) + d(k-1) + output_padding) / 2"
        )
    return _same_form(sizes, in_size, kernel_size, stride, padding, output_padding, dilation)


def output_padding_for(in_size, out_size, kernel_size, stride=1, padding=0, dilation=1):
    """The ``output_padding`` that makes a transposed convolution produce ``out_size``.

    ``output_padding = out_size - (s(i-1) + d(k-1) - 2p + 1)``, legal when
    ``0 <= output_padding < max(s, d)`` (chapter 04; PyTorch's ``output_size=`` argument
    does the same).

    Examples
    --------
    >>> output_padding_for(6, 16, kernel_size=5, stride=3, padding=2)
    0
    >>> output_padding_for(6, 17, kernel_size=5, stride=3, padding=2)
    1
    """
    n, (i, k, s, p, d) = _per_dimension(in_size, kernel_size, stride, padding, dilation, out_size)
    o = as_tuple(out_size, n, "out_size", minimum=1)
    result = []
    for ii, oo, kk, ss, pp, dd in zip(i, o, k, s, p, d):
        smallest = ss * (ii - 1) + dd * (kk - 1) - 2 * pp + 1
        largest = smallest + max(ss, dd) - 1
        if not smallest <= oo <= largest:
            raise ValueError(
                f"out_size={out_size!r} cannot be reached from in_size={in_size!r} with kernel_size="
                f"{kernel_size!r}, stride={stride!r}, padding={padding!r}, dilation={dilation!r}: "
                f"legal sizes are {smallest}..{largest}"
            )
        result.append(oo - smallest)
    return _same_form(result, in_size, out_size, kernel_size, stride, padding, dilation)
