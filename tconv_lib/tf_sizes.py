"""TensorFlow's and Keras's size rules for a transposed convolution (chapter 06).

``tf.nn.conv_transpose`` is the input gradient of a forward convolution, so its padding is
that of the forward convolution on an input of the *output's* size (:func:`tf_padding`), and
the legal output sizes are those this forward convolution maps back to the input size
(:func:`tf_output_size_range`). Keras computes the output size it asks for with its own rule
(:func:`keras_conv_transpose_output_size`).
"""

from __future__ import annotations

import numpy as np

from .arguments import (
    SEQUENCES,
    is_integer,
    per_dimension,
    same_form,
    spatial_rank,
)
from .geometry import canvas_length


def tf_per_dimension(value, n: int, name: str) -> tuple[int, ...]:
    """TF's ``strides``/``dilations``: an int, ``n`` ints, or ``n + 2`` with 1 at both ends."""
    if (
        isinstance(value, SEQUENCES)
        and np.ndim(value) == 1
        and len(value) == n + 2
    ):
        if value[0] != 1 or value[-1] != 1:
            raise ValueError(
                f"{name}={value!r}: the batch and channel entries must be 1"
            )
        value = tuple(value[1:-1])
    return per_dimension(value, n, name, minimum=1)


def _is_mode(padding, mode: str) -> bool:
    """Whether ``padding`` is the mode ``"SAME"`` or ``"VALID"``; any other string is refused."""
    if isinstance(padding, str) and padding not in ("SAME", "VALID"):
        raise ValueError(
            f"padding={padding!r}: TensorFlow requires 'SAME' or 'VALID' (upper case) "
            f"or explicit [before, after] pairs"
        )
    return padding == mode


def padding_pairs(padding, n: int) -> list[tuple[int, int]]:
    """TF padding as ``n`` ``(before, after)`` pairs: "VALID", or explicit pairs as given.

    Explicit padding is ``[[0, 0], [top, bottom], [left, right], [0, 0]]`` or ``n`` pairs of
    non-negative ints. "SAME" depends on the output size: see :func:`tf_padding`.
    """
    if _is_mode(padding, "VALID"):
        return [(0, 0)] * n
    expected = f"'SAME', 'VALID' or {n} (or {n + 2}) [before, after] pairs of ints >= 0"
    if not isinstance(padding, SEQUENCES) or not np.ndim(padding):
        raise TypeError(f"padding={padding!r} must be {expected}")
    pairs = [
        tuple(pair) if isinstance(pair, SEQUENCES) else (pair,)
        for pair in padding
    ]
    if len(pairs) == n + 2:
        if pairs[0] != (0, 0) or pairs[-1] != (0, 0):
            raise ValueError(
                f"padding={padding!r}: the batch and channel pairs must be [0, 0]"
            )
        pairs = pairs[1:-1]
    if len(pairs) != n or any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"padding={padding!r} must be {expected}")
    if not all(is_integer(v) for pair in pairs for v in pair):
        raise TypeError(
            f"padding={padding!r} must hold ints >= 0 (not bools or floats)"
        )
    if any(v < 0 for pair in pairs for v in pair):
        raise ValueError(f"padding={padding!r} must hold ints >= 0")
    return [(int(b), int(a)) for b, a in pairs]


def tf_padding(out_size, kernel_size, stride, padding, dilation=1):
    r"""The ``(before, after)`` zeros TF's forward convolution puts around ``out_size`` inputs.

    Parameters
    ----------
    out_size : int or tuple of int
        The transposed convolution's output size per spatial dimension (an int: one).
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int
        Stride s: an int, n ints, or n + 2 ints with 1 for batch and channels.
    padding : {"SAME", "VALID"} or list of pairs
        TF's padding; explicit ``[before, after]`` pairs are returned as given.
    dilation : int or tuple of int, optional
        Dilation d, in the same forms as ``stride``.

    Returns
    -------
    list of tuple of int
        One ``(before, after)`` pair per spatial dimension.

    Raises
    ------
    ValueError
        If ``padding`` is not a TF padding or an argument is out of range.
    TypeError
        If a size is not an int or a sequence of ints.

    See Also
    --------
    tf_output_size_range : The output sizes TF accepts.
    tf_conv_transpose : Crops the stamp canvas by these amounts.

    Notes
    -----
    ``"VALID"`` pads nothing. ``"SAME"`` pads, in total,

    .. math::

        P = \max\bigl((\lceil o/s \rceil - 1)s + d(k-1) + 1 - o,\; 0\bigr),

    with :math:`\lfloor P/2 \rfloor` before: the odd pixel goes to the bottom/right
    (chapter 06).

    Examples
    --------
    SAME with k=3, s=2 on 8 outputs pads one zero, at the end:

    >>> tf_padding(8, 3, 2, "SAME")
    [(0, 1)]

    A 4-tap kernel pads one on each side:

    >>> tf_padding((8, 8), 4, 2, "SAME")
    [(1, 1), (1, 1)]
    """
    n = spatial_rank(out_size=out_size, kernel_size=kernel_size)
    o = per_dimension(out_size, n, "out_size", minimum=1)
    k = per_dimension(kernel_size, n, "kernel_size", minimum=1)
    s = tf_per_dimension(stride, n, "stride")
    d = tf_per_dimension(dilation, n, "dilation")
    if not _is_mode(padding, "SAME"):
        return padding_pairs(padding, n)
    pairs = []
    for oo, kk, ss, dd in zip(o, k, s, d):
        total = max(
            (-(-oo // ss) - 1) * ss + canvas_length(1, kk, dilation=dd) - oo, 0
        )
        pairs.append((total // 2, total - total // 2))
    return pairs


def tf_output_size_range(
    in_size, kernel_size, stride, padding="SAME", dilation=1
):
    r"""The ``output_shape`` sizes TF accepts for a transposed convolution, per dimension.

    Parameters
    ----------
    in_size : int or tuple of int
        Input size i per spatial dimension (an int: one).
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int
        Stride s: an int, n ints, or n + 2 ints with 1 for batch and channels.
    padding : {"SAME", "VALID"} or list of pairs, optional
        TF's padding.
    dilation : int or tuple of int, optional
        Dilation d, in the same forms as ``stride``.

    Returns
    -------
    list of range
        The legal sizes of every spatial dimension; a range is empty where an explicit
        padding crops more than the canvas holds.

    Raises
    ------
    ValueError
        If ``padding`` is not a TF padding or an argument is out of range.
    TypeError
        If a size is not an int or a sequence of ints.

    See Also
    --------
    tf_padding : The padding each of these sizes gets.
    keras_conv_transpose_output_size : The size Keras asks for.
    conv_transpose_output_size : PyTorch's rule.

    Notes
    -----
    The legal sizes o are those whose forward convolution gives back i (chapter 06):
    SAME :math:`(i-1)s + 1 \dots i s`; VALID :math:`L \dots L + s - 1` with the canvas
    :math:`L = s(i-1) + d(k-1) + 1`; explicit pads (b, a) shift that range down:

    .. math::

        L - b - a \;\le\; o \;\le\; L - b - a + s - 1 .

    Examples
    --------
    Two inputs, k=3, s=2, VALID: outputs of 5 or 6.

    >>> tf_output_size_range((2, 2), 3, 2, "VALID")
    [range(5, 7), range(5, 7)]
    """
    n = spatial_rank(in_size=in_size, kernel_size=kernel_size)
    i = per_dimension(in_size, n, "in_size", minimum=1)
    k = per_dimension(kernel_size, n, "kernel_size", minimum=1)
    s = tf_per_dimension(stride, n, "stride")
    d = tf_per_dimension(dilation, n, "dilation")
    same = _is_mode(padding, "SAME")
    pairs = [(0, 0)] * n if same else padding_pairs(padding, n)
    ranges = []
    for ii, kk, ss, dd, (before, after) in zip(i, k, s, d, pairs):
        low = (
            (ii - 1) * ss + 1
            if same
            else canvas_length(ii, kk, ss, dd) - before - after
        )
        ranges.append(range(max(low, 1), low + ss))
    return ranges


def keras_conv_transpose_output_size(
    in_size, kernel_size, stride, padding, output_padding=None, dilation=1
):
    r"""Output size of a Keras 3 ``Conv1D/2D/3DTranspose`` layer, per spatial dimension.

    Parameters
    ----------
    in_size : int or tuple of int
        Input size i per spatial dimension (an int: one).
    kernel_size : int or tuple of int
        Kernel size k.
    stride : int or tuple of int
        Stride s.
    padding : {"valid", "same"}
        Keras's padding (any case; Keras accepts no explicit padding).
    output_padding : None or int or tuple of int, optional
        Keras's output padding, each smaller than the stride (Keras checks this).
    dilation : int or tuple of int, optional
        Dilation d.

    Returns
    -------
    int or tuple of int
        An int if every size argument was an int, else a tuple.

    Raises
    ------
    ValueError
        If ``padding`` is not "valid" or "same" or an argument is out of range.
    TypeError
        If an argument is not an int or a sequence of ints.

    See Also
    --------
    tf_output_size_range : The sizes TensorFlow then accepts.
    conv_transpose_output_size : PyTorch's rule.

    Notes
    -----
    Keras's rule (``keras.src.backend.common.backend_utils``
    ``._get_output_shape_given_tf_padding``), with the dilated kernel size
    :math:`K = d(k-1) + 1` and output padding a:

    .. math::

        o_\text{valid} = (i-1)s + K + a, \qquad o_\text{same} = (i-1)s + (K \bmod 2) + a;

    ``output_padding=None`` means :math:`a = \max(K, s) - K` for "valid" and
    :math:`o = i s` for "same". The size is returned as Keras computes it, even when
    TensorFlow then refuses it: "same", an even K and a = 0 give :math:`(i-1)s`, below the
    smallest legal SAME size (chapter 06).

    Examples
    --------
    A stride larger than the kernel, "valid": i*s.

    >>> keras_conv_transpose_output_size(4, 2, 3, "valid")
    12

    "same", an even kernel and output_padding 0: one below TF's SAME range.

    >>> keras_conv_transpose_output_size(4, 4, 2, "same", output_padding=0)
    6
    """
    sized = {
        "in_size": in_size,
        "kernel_size": kernel_size,
        "stride": stride,
        "dilation": dilation,
        "output_padding": output_padding,
    }
    n = spatial_rank(**sized)
    i = per_dimension(in_size, n, "in_size", minimum=1)
    k = per_dimension(kernel_size, n, "kernel_size", minimum=1)
    s = per_dimension(stride, n, "stride", minimum=1)
    d = per_dimension(dilation, n, "dilation", minimum=1)
    if output_padding is None:
        op = (None,) * n
    else:
        op = per_dimension(output_padding, n, "output_padding", minimum=0)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(
            f"padding={padding!r} must be 'valid' or 'same' (Keras accepts no explicit padding)"
        )
    sizes = []
    for ii, kk, ss, dd, oo in zip(i, k, s, d, op):
        if oo is not None and oo >= ss:
            raise ValueError(
                f"output_padding={output_padding!r} must be smaller than the stride "
                f"{stride!r}, as in Keras"
            )
        big_k = canvas_length(1, kk, dilation=dd)
        if padding.lower() == "valid":
            extra = max(big_k, ss) - big_k if oo is None else oo
            sizes.append((ii - 1) * ss + big_k + extra)
        else:
            sizes.append(
                ii * ss if oo is None else (ii - 1) * ss + big_k % 2 + oo
            )
    return same_form(sizes, *(v for v in sized.values() if v is not None))


def check_legal_sizes(legal, out_size, what: str, context: str) -> None:
    """Refuse an output size outside TF's legal ranges, or any size where none is legal."""
    for dim, r in enumerate(legal):
        if not r:
            raise ValueError(
                f"{context}: the explicit padding crops more than the stamp canvas holds in "
                f"spatial dimension {dim}, so no output size is legal; use smaller padding"
            )
    if any(o not in r for o, r in zip(out_size, legal)):
        allowed = ", ".join(f"{r.start}..{r.stop - 1}" for r in legal)
        raise ValueError(
            f"{what} is not legal for {context}: each spatial size must be in {allowed}"
        )
