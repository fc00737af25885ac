"""Argument checks shared by every public function.

Each check raises ``ValueError`` or ``TypeError`` with a message that names the
argument, the value it got and what is allowed, so a learner who passes a wrong
argument is told exactly which one and why.
"""
from __future__ import annotations

import numbers

import numpy as np


def as_tuple(value, n, name, minimum=0):
    """Return ``value`` as a tuple of ``n`` ints, each at least ``minimum``.

    ``value`` is an int (used for every spatial dimension) or a sequence of ``n`` ints.
    """
    if isinstance(value, (numbers.Integral,)) and not isinstance(value, bool):
        values = (int(value),) * n
    elif isinstance(value, (tuple, list, np.ndarray)):
        values = tuple(value)
        if len(values) != n:
            raise ValueError(
                f"{name}={value!r} has {len(values)} values; expected one int or {n} values "
                f"(one per spatial dimension)"
            )
        for v in values:
            if not isinstance(v, numbers.Integral) or isinstance(v, bool):
                raise TypeError(f"{name}={value!r} must contain ints, got {type(v).__name__}")
        values = tuple(int(v) for v in values)
    else:
        raise TypeError(f"{name}={value!r} must be an int or a sequence of {n} ints")
    for v in values:
        if v < minimum:
            raise ValueError(f"{name}={value!r} must be >= {minimum} in every dimension")
    return values


def spatial_rank(*values):
    """The number of spatial dimensions implied by the tuple-valued arguments (1 if all are ints)."""
    lengths = {len(v) for v in values if isinstance(v, (tuple, list, np.ndarray))}
    if len(lengths) > 1:
        raise ValueError(f"per-dimension arguments disagree on the number of dimensions: {values!r}")
    return lengths.pop() if lengths else 1


def as_real_array(x, name):
    """``x`` as a numpy float array: integers become float64, float32 stays float32."""
    try:
        array = np.asarray(x)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array, could not convert it: {error}") from None
    if array.dtype.kind in "iub":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array


def result_dtype(*arrays):
    """The float dtype of a result: float32 only if every operand is float32."""
    return np.result_type(*arrays)


def check_output_padding(output_padding, stride, dilation):
    """PyTorch's rule: output_padding must be smaller than either the stride or the dilation."""
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= max(s, d):
            raise ValueError(
                f"output_padding={output_padding!r} must be smaller than either stride={stride!r} "
                f"or dilation={dilation!r} in every dimension (0 <= output_padding < max(stride, dilation))"
            )


def check_groups(groups):
    """``groups`` must be an int >= 1."""
    if not isinstance(groups, numbers.Integral) or isinstance(groups, bool):
        raise TypeError(f"groups={groups!r} must be an int")
    if groups < 1:
        raise ValueError(f"groups={groups!r} must be >= 1")


def prepare(x, w, groups, transposed):
    """Check and normalise the ``(x, w, groups)`` of a channels-first (PyTorch) call.

    Returns ``(x, w, unbatched)`` with ``x`` batched ``(N, C_in, *spatial)`` and both arrays
    cast to one float dtype. ``w`` is ``(C_out, C_in/groups, *k)`` for a convolution and
    ``(C_in, C_out/groups, *k)`` for a transposed convolution.
    """
    x = as_real_array(x, "x")
    w = as_real_array(w, "w")
    layout = "(C_in, C_out/groups, *kernel)" if transposed else "(C_out, C_in/groups, *kernel)"
    if not 3 <= w.ndim <= 5:
        raise ValueError(f"w has shape {w.shape}; expected {layout} with 1, 2 or 3 spatial dimensions")
    n = w.ndim - 2
    if x.ndim not in (n + 1, n + 2):
        raise ValueError(
            f"x has shape {x.shape}; for a {n}-D kernel expected (N, C_in, *spatial) with {n + 2} axes "
            f"or unbatched (C_in, *spatial) with {n + 1} axes"
        )
    check_groups(groups)
    unbatched = x.ndim == n + 1
    if unbatched:
        x = x[None]
    if min(x.shape) == 0 or min(w.shape) == 0:
        raise ValueError(f"x shape {x.shape} and w shape {w.shape} must not have empty axes")
    c_in = x.shape[1]
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide the input channels C_in={c_in}")
    if transposed:
        if w.shape[0] != c_in:
            raise ValueError(
                f"w.shape[0]={w.shape[0]} must equal the input channels C_in={c_in} "
                f"(transposed-convolution weights are {layout})"
            )
    else:
        if w.shape[1] * groups != c_in:
            raise ValueError(
                f"w.shape[1]={w.shape[1]} times groups={groups} must equal the input channels "
                f"C_in={c_in} (convolution weights are {layout})"
            )
        if w.shape[0] % groups:
            raise ValueError(f"groups={groups} must divide the output channels C_out=w.shape[0]={w.shape[0]}")
    dtype = result_dtype(x, w)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), unbatched


def pad_or_crop(x, amounts):
    """Pad the trailing axes of ``x`` with zeros, or crop them where an amount is negative.

    ``amounts`` is one ``(before, after)`` pair per trailing (spatial) axis.
    """
    lead = x.ndim - len(amounts)
    pads = [(0, 0)] * lead + [(max(b, 0), max(a, 0)) for b, a in amounts]
    x = np.pad(x, pads)
    crops = tuple(slice(-min(b, 0), x.shape[lead + i] + min(a, 0)) for i, (b, a) in enumerate(amounts))
    return x[(Ellipsis,) + crops]
