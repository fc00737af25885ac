"""Rearranging arrays for the direct view of a transposed convolution (chapters 02, 04, 05).

A transposed convolution is a plain convolution of the input spread apart by
:func:`insert_zeros` with the kernel turned by :func:`flip_weight`.
"""

from __future__ import annotations

import numpy as np

from .arguments import one_int, per_dimension, spatial_rank, weight_array
from .geometry import canvas_length
from .memory import MEMORY_BUDGET, check_budget, check_memory


def insert_zeros(x, stride, memory_budget=MEMORY_BUDGET):
    r"""Put ``stride - 1`` zeros between neighbouring elements of every spatial axis.

    Parameters
    ----------
    x : array_like
        The array; its trailing axes are the spatial ones.
    stride : int or tuple of int
        Spacing s per spatial axis (an int: the last two axes, or the only one).
    memory_budget : int, optional
        The most bytes the spread array may take.

    Returns
    -------
    numpy.ndarray
        ``x`` with every spatial length i grown to :math:`s(i-1)+1`, the dtype of ``x``.

    Raises
    ------
    ValueError
        If ``x`` has no axes, ``stride`` has more entries than ``x`` has axes or one
        below 1, or the result exceeds ``memory_budget``.
    TypeError
        If ``stride`` is not an int or a sequence of ints.

    See Also
    --------
    conv_transpose : Its ``"direct"`` method starts with this step.
    flip_weight : The other step of the direct view.

    Notes
    -----
    This is why a transposed convolution is also called a *fractionally strided*
    convolution (chapter 04): entry :math:`x[i]` moves to :math:`z[s i]`,

    .. math::

        z[j] = \begin{cases} x[j/s] & s \mid j \\ 0 & \text{otherwise.} \end{cases}

    A tuple ``stride`` spreads its ``len(stride)`` trailing axes; an int the last two (the
    only one of a 1-D array), like an image.

    Examples
    --------
    Stride 2 puts one zero between neighbours:

    >>> insert_zeros(np.array([1., 2., 3.]), 2)
    array([1., 0., 2., 0., 3.])

    A tuple names the spatial axes; the leading axis here is a channel:

    >>> insert_zeros(np.array([[1., 2., 3.]]), (2,))
    array([[1., 0., 2., 0., 3.]])
    """
    memory_budget = check_budget(memory_budget)
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError(
            f"x={x!r} has no axes: insert_zeros spreads the entries of an array"
        )
    n = spatial_rank(stride=stride, default=min(2, x.ndim))
    if not 1 <= n <= x.ndim:
        raise ValueError(
            f"stride={stride!r} has {n} entries but x has shape {x.shape}: one entry per "
            f"spatial axis, at most {x.ndim}"
        )
    stride = per_dimension(stride, n, "stride", minimum=1)
    lead, spatial = x.shape[: x.ndim - n], x.shape[x.ndim - n :]
    shape = lead + tuple(
        canvas_length(i, 1, s) for i, s in zip(spatial, stride)
    )
    check_memory("the output of insert_zeros", shape, x.itemsize, memory_budget)
    out = np.zeros(shape, x.dtype)
    out[(Ellipsis,) + tuple(slice(None, None, s) for s in stride)] = x
    return out


def flip_weight(w, groups=1):
    r"""Rotate every kernel 180 degrees and swap the in/out channel axes within each group.

    Parameters
    ----------
    w : array_like
        Weight ``(C, C'/groups, *kernel)`` with 1, 2 or 3 spatial dimensions.
    groups : int, optional
        Number of channel groups; it divides C.

    Returns
    -------
    numpy.ndarray
        Shape ``(C' , C/groups, *kernel)`` (C' = ``groups * w.shape[1]``).

    Raises
    ------
    ValueError
        If ``w`` has the wrong number of axes or an empty one, or ``groups`` does not
        divide ``w.shape[0]``.
    TypeError
        If ``w`` is not real (bool, complex) or ``groups`` is not an int.

    See Also
    --------
    conv_transpose : Equals ``conv`` with the flipped weight on the spread, padded input.
    insert_zeros : The other step of the direct view.

    Notes
    -----
    It turns a transposed-convolution weight ``(C_in, C_out/groups, *k)`` into the weight
    ``(C_out, C_in/groups, *k)`` of the equivalent direct convolution (chapters 02, 05, 10),
    and back: the operation is its own inverse. Within group g, with K taps per axis,

    .. math::

        w'[g, c', c, t] = w[g, c, c', K - 1 - t] .

    Examples
    --------
    One channel: the kernel is reversed.

    >>> flip_weight(np.array([[[1., 2., 3.]]]))
    array([[[3., 2., 1.]]])
    """
    w = weight_array(w, "(C, C'/groups, *kernel)", keep_dtype=True)
    groups = one_int(groups, "groups", minimum=1)
    if w.shape[0] % groups:
        raise ValueError(
            f"groups={groups} must divide w.shape[0]={w.shape[0]} (w is "
            f"(C, C'/groups, *kernel))"
        )
    n = w.ndim - 2
    rotated = np.flip(w, axis=tuple(range(2, 2 + n)))
    c_first, c_second = w.shape[:2]
    by_group = rotated.reshape(
        (groups, c_first // groups, c_second) + w.shape[2:]
    )
    swapped = np.swapaxes(by_group, 1, 2)
    flipped = swapped.reshape(
        (groups * c_second, c_first // groups) + w.shape[2:]
    )
    # np.flip leaves negative strides, which torch.from_numpy refuses
    return np.ascontiguousarray(flipped)
