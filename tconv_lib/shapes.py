"""Shape arithmetic of convolution and transposed convolution (chapters 03-04).

Every function takes ints (one spatial dimension, or the same value for all) or tuples
with one value per spatial dimension, and answers in the same form: an int if every size
argument was an int, else a tuple.
"""

from __future__ import annotations

from .arguments import (
    LayerArguments,
    layer_arguments,
    per_dimension,
    same_form,
    spatial_rank,
)
from .geometry import canvas_length
from .messages import EMPTY_TRANSPOSE_OUTPUT


def _conv_lengths(in_size, kernel, a: LayerArguments) -> tuple[int, ...]:
    return tuple(
        (i + 2 * p - d * (k - 1) - 1) // s + 1
        for i, k, s, p, d in zip(
            in_size, kernel, a.stride, a.padding, a.dilation
        )
    )


def _too_small(in_size, kernel_size, dilation, padding) -> ValueError:
    """The refusal of an empty convolution output, with the values as the caller gave them."""
    return ValueError(
        f"in_size={in_size!r} is too small for kernel_size={kernel_size!r}, "
        f"dilation={dilation!r}, padding={padding!r}: the output would be empty "
        f"(need i + 2p >= d(k-1) + 1)"
    )


def conv_sizes(in_size, kernel, arguments: LayerArguments) -> tuple[int, ...]:
    """The output sizes of a convolution, from checked per-dimension tuples."""
    sizes = _conv_lengths(in_size, kernel, arguments)
    if min(sizes) < 1:
        a = arguments
        raise _too_small(tuple(in_size), tuple(kernel), a.dilation, a.padding)
    return sizes


def _transpose_lengths(in_size, kernel, a: LayerArguments) -> tuple[int, ...]:
    return tuple(
        canvas_length(i, k, s, d) - 2 * p + op
        for i, k, s, p, op, d in zip(
            in_size, kernel, a.stride, a.padding, a.output_padding, a.dilation
        )
    )


def _cropped_away(
    padding, in_size, kernel_size, stride, dilation, output_padding
) -> ValueError:
    """The refusal of an empty transposed output, with the values as the caller gave them."""
    return ValueError(
        EMPTY_TRANSPOSE_OUTPUT.format(
            padding=padding,
            in_size=in_size,
            kernel_size=kernel_size,
            stride=stride,
            dilation=dilation,
            output_padding=output_padding,
        )
    )


def transpose_sizes(
    in_size, kernel, arguments: LayerArguments
) -> tuple[int, ...]:
    """The output sizes of a transposed convolution, from checked per-dimension tuples."""
    sizes = _transpose_lengths(in_size, kernel, arguments)
    if min(sizes) < 1:
        a = arguments
        raise _cropped_away(
            a.padding,
            tuple(in_size),
            tuple(kernel),
            a.stride,
            a.dilation,
            a.output_padding,
        )
    return sizes


def _sizes_and_arguments(
    in_size, kernel_size, stride, padding, dilation, output_padding, **extra
):
    """The one normalisation of the size functions: rank, sizes, checked arguments."""
    n = spatial_rank(
        in_size=in_size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        output_padding=output_padding,
        **extra,
    )
    i = per_dimension(in_size, n, "in_size", minimum=1)
    k = per_dimension(kernel_size, n, "kernel_size", minimum=1)
    return (
        n,
        i,
        k,
        layer_arguments(n, stride, padding, dilation, output_padding),
    )


def conv_output_size(in_size, kernel_size, stride=1, padding=0, dilation=1):
    r"""Output size of a convolution along every spatial dimension.

    Parameters
    ----------
    in_size : int or tuple of int
        Input size i per spatial dimension (an int: one dimension).
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int, optional
        Stride s, at least 1.
    padding : int or tuple of int, optional
        Zeros p added at both ends of every axis.
    dilation : int or tuple of int, optional
        Spacing d between kernel taps, at least 1.

    Returns
    -------
    int or tuple of int
        An int if every argument was an int, else a tuple.

    Raises
    ------
    ValueError
        If an argument is out of range or the output would be empty.
    TypeError
        If an argument is not an int or a sequence of ints.

    See Also
    --------
    conv_transpose_output_size : The inverse direction.
    conv : The convolution whose output this is.

    Notes
    -----
    Derived in chapter 01 (stride removes rows of C) and chapter 04:

    .. math::

        o = \left\lfloor \frac{i + 2p - d(k-1) - 1}{s} \right\rfloor + 1 .

    Examples
    --------
    A 3-tap kernel slides to two positions on four inputs:

    >>> conv_output_size(4, 3)
    2

    Tuples give one size per dimension:

    >>> conv_output_size((16, 17), 5, stride=3, padding=2)
    (6, 6)
    """
    _, i, k, a = _sizes_and_arguments(
        in_size, kernel_size, stride, padding, dilation, 0
    )
    sizes = _conv_lengths(i, k, a)
    if min(sizes) < 1:
        raise _too_small(in_size, kernel_size, dilation, padding)
    return same_form(sizes, in_size, kernel_size, stride, padding, dilation)


def conv_transpose_output_size(
    in_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
):
    r"""Output size of a transposed convolution along every spatial dimension.

    Parameters
    ----------
    in_size : int or tuple of int
        Input size i per spatial dimension (an int: one dimension).
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int, optional
        Stride s, at least 1.
    padding : int or tuple of int, optional
        Entries p cropped from both ends of every axis.
    output_padding : int or tuple of int, optional
        Entries added at the end, smaller than either the stride or the dilation.
    dilation : int or tuple of int, optional
        Spacing d between kernel taps, at least 1.

    Returns
    -------
    int or tuple of int
        An int if every argument was an int, else a tuple.

    Raises
    ------
    ValueError
        If an argument is out of range or ``padding`` crops the whole output.
    TypeError
        If an argument is not an int or a sequence of ints.

    See Also
    --------
    conv_output_size : The forward direction.
    output_padding_for : The ``output_padding`` that reaches a chosen size.
    conv_transpose : The transposed convolution whose output this is.

    Notes
    -----
    Chapter 04 (Dumoulin & Visin's relationship 14): the canvas of all stamps,
    :math:`s(i-1) + d(k-1) + 1`, cropped by p at both ends and extended by the output
    padding :math:`a`:

    .. math::

        o = s(i-1) + d(k-1) - 2p + a + 1 .

    Examples
    --------
    Padding 1 crops the 3-long canvas of two inputs and a 2-tap kernel to one entry:

    >>> conv_transpose_output_size(2, 2, padding=1)
    1

    Stride 4 spreads the two stamps apart:

    >>> conv_transpose_output_size(2, 2, stride=4)
    6
    """
    _, i, k, a = _sizes_and_arguments(
        in_size, kernel_size, stride, padding, dilation, output_padding
    )
    sizes = _transpose_lengths(i, k, a)
    if min(sizes) < 1:
        raise _cropped_away(
            padding, in_size, kernel_size, stride, dilation, output_padding
        )
    arguments = (
        in_size,
        kernel_size,
        stride,
        padding,
        output_padding,
        dilation,
    )
    return same_form(sizes, *arguments)


def output_padding_for(
    in_size, out_size, kernel_size, stride=1, padding=0, dilation=1
):
    r"""The ``output_padding`` that makes a transposed convolution produce ``out_size``.

    Parameters
    ----------
    in_size : int or tuple of int
        Input size i of the transposed convolution.
    out_size : int or tuple of int
        The output size wanted.
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int, optional
        Stride s, at least 1.
    padding : int or tuple of int, optional
        Entries p cropped from both ends.
    dilation : int or tuple of int, optional
        Spacing d between kernel taps, at least 1.

    Returns
    -------
    int or tuple of int
        An int if every argument was an int, else a tuple.

    Raises
    ------
    ValueError
        If no legal ``output_padding`` reaches ``out_size``; the message gives the legal sizes.

    See Also
    --------
    conv_transpose_output_size : The size a given ``output_padding`` produces.

    Notes
    -----
    Legal when :math:`0 \le a < \max(s, d)` (chapter 04; PyTorch's ``output_size=``
    argument does the same):

    .. math::

        a = o - \bigl(s(i-1) + d(k-1) - 2p + 1\bigr) .

    Examples
    --------
    A 5x5, stride-3, padding-2 layer maps 6 to 16, 17 or 18:

    >>> output_padding_for(6, 16, kernel_size=5, stride=3, padding=2)
    0
    >>> output_padding_for(6, 17, kernel_size=5, stride=3, padding=2)
    1
    """
    n, i, k, a = _sizes_and_arguments(
        in_size, kernel_size, stride, padding, dilation, 0, out_size=out_size
    )
    o = per_dimension(out_size, n, "out_size", minimum=1)
    result = []
    for ii, oo, kk, ss, pp, dd in zip(i, o, k, a.stride, a.padding, a.dilation):
        smallest = canvas_length(ii, kk, ss, dd) - 2 * pp
        largest = smallest + max(ss, dd) - 1
        if not smallest <= oo <= largest:
            raise ValueError(
                f"out_size={out_size!r} cannot be reached from in_size={in_size!r} with "
                f"kernel_size={kernel_size!r}, stride={stride!r}, padding={padding!r}, "
                f"dilation={dilation!r}: legal sizes are {smallest}..{largest}"
            )
        result.append(oo - smallest)
    return same_form(
        result, in_size, out_size, kernel_size, stride, padding, dilation
    )
