"""One way in for the arguments of every public function.

Every function of the library passes its arguments through these checks, so that an argument
means the same thing everywhere:

* **the number of spatial dimensions** follows one rule (:func:`spatial_rank`): an array that
  has them (a weight) fixes it; otherwise the per-dimension tuples do, and they must agree; a
  call with ints only has the caller's default (1 for sizes);
* **an int or a tuple**: an int means "the same in every spatial dimension", a tuple gives one
  value per dimension; any integer type is accepted (Python's ``int``, ``numpy.int64``, ...),
  floats and bools never are, so a size is never truncated; an answer is an int when every
  size argument was an int (:func:`same_form`);
* **every value is checked once**, and a refusal names the argument, the value it got and what
  is allowed (the sentences of :mod:`tconv_lib.messages`).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .messages import BELOW_MINIMUM, OUTPUT_PADDING_TOO_LARGE

#: Array types whose length is a number of spatial dimensions.
SEQUENCES = (tuple, list, np.ndarray)


def is_integer(value) -> bool:
    """Whether ``value`` is one integer (``int``, ``numpy.int64``, ...), not a bool."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # a 0-d array is its one entry
    return isinstance(value, numbers.Integral) and not isinstance(
        value, (bool, np.bool_)
    )


def spatial_rank(default: int = 1, **values) -> int:
    """The number of spatial dimensions that per-dimension arguments imply.

    The length shared by every tuple (list, array) among the named ``values``; ``default``
    if all are ints. Tuples of different lengths are refused, naming each length.
    """
    lengths = {
        name: len(v)
        for name, v in values.items()
        if isinstance(v, SEQUENCES) and np.ndim(v)
    }
    if len(set(lengths.values())) > 1:
        counts = ", ".join(
            f"{name} has {length} value{'s' * (length != 1)}"
            for name, length in lengths.items()
        )
        raise ValueError(
            f"{counts}; all per-dimension arguments must have the same length"
        )
    return next(iter(lengths.values()), default)


def per_dimension(
    value, n: int, name: str, minimum: int = 0
) -> tuple[int, ...]:
    """``value`` as a tuple of ``n`` Python ints, each at least ``minimum``.

    ``value`` is one integer (used for every spatial dimension) or ``n`` integers.
    """
    if is_integer(value):
        values = (int(value),) * n
    elif isinstance(value, SEQUENCES) and np.ndim(value):
        values = tuple(
            value.tolist() if isinstance(value, np.ndarray) else value
        )
        if len(values) != n:
            raise ValueError(
                f"{name}={value!r} has {len(values)} values; expected one int or {n} "
                f"values (one per spatial dimension)"
            )
        for v in values:
            if not is_integer(v):
                raise TypeError(
                    f"{name}={value!r} must contain ints, got {type(v).__name__} {v!r}"
                )
        values = tuple(int(v) for v in values)
    else:
        raise TypeError(
            f"{name}={value!r} must be an int or a sequence of {n} ints, "
            f"got {type(value).__name__}"
        )
    if min(values, default=minimum) < minimum:
        raise ValueError(
            BELOW_MINIMUM.format(name=name, value=value, minimum=minimum)
        )
    return values


def one_int(value, name: str, minimum: int) -> int:
    """``value`` as one Python int of at least ``minimum`` (``groups``, ``factor``, ...)."""
    if not is_integer(value):
        raise TypeError(
            f"{name}={value!r} must be an int, got {type(value).__name__}"
        )
    if value < minimum:
        raise ValueError(f"{name}={value!r} must be >= {minimum}")
    return int(value)


def same_form(values, *arguments):
    """``values[0]`` if every argument was one integer, else ``tuple(values)``."""
    if all(is_integer(a) for a in arguments):
        return values[0]
    return tuple(values)


@dataclass(frozen=True)
class LayerArguments:
    """The checked per-dimension arguments of one (transposed) convolution."""

    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    output_padding: tuple[int, ...]


def layer_arguments(
    n, stride=1, padding=0, dilation=1, output_padding=0
) -> LayerArguments:
    """Check ``stride``, ``padding``, ``dilation`` and ``output_padding`` for ``n`` dimensions.

    ``output_padding`` must be smaller than either the stride or the dilation (PyTorch's rule).
    """
    arguments = LayerArguments(
        stride=per_dimension(stride, n, "stride", minimum=1),
        padding=per_dimension(padding, n, "padding", minimum=0),
        dilation=per_dimension(dilation, n, "dilation", minimum=1),
        output_padding=per_dimension(
            output_padding, n, "output_padding", minimum=0
        ),
    )
    triples = zip(
        arguments.output_padding, arguments.stride, arguments.dilation
    )
    if any(op >= max(s, d) for op, s, d in triples):
        raise ValueError(
            OUTPUT_PADDING_TOO_LARGE.format(
                output_padding=output_padding, stride=stride, dilation=dilation
            )
        )
    return arguments


def numeric_array(x, name: str) -> np.ndarray:
    """``x`` as a numpy array of real numbers (ints or floats), its dtype kept.

    Booleans, complex numbers and anything else are refused with the reason.
    """
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:  # ragged lists and the like
        raise TypeError(
            f"{name} must be a numeric array, could not convert it: {error}"
        ) from None
    if array.dtype.kind == "b":
        raise TypeError(
            f"{name} has dtype bool: a convolution of booleans is not defined (PyTorch "
            f"refuses it too); pass {name}.astype(float) to count with 0 and 1"
        )
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers, got dtype {array.dtype}"
        )
    return array


def real_array(x, name: str) -> np.ndarray:
    """``x`` as a numpy float array: integers become float64, float arrays keep their dtype.

    Booleans, complex numbers and anything else are refused with the reason.
    """
    array = numeric_array(x, name)
    if array.dtype.kind in "iu":
        return array.astype(np.float64)
    return array


@dataclass(frozen=True)
class Operands:
    """The checked ``x`` and ``w`` of a channels-first call, batched, in the working dtype."""

    x: np.ndarray  #: ``(N, C_in, *spatial)``
    w: np.ndarray  #: ``(C_out, C_in/groups, *k)``, or ``(C_in, C_out/groups, *k)`` transposed
    groups: int  #: the checked number of channel groups
    unbatched: bool  #: ``x`` came without its batch axis
    dtype: np.dtype  #: the dtype of the result

    @property
    def rank(self) -> int:
        """The number of spatial dimensions."""
        return self.w.ndim - 2

    def result(self, y: np.ndarray) -> np.ndarray:
        """``y`` in the result's dtype, without the batch axis if ``x`` had none."""
        y = y.astype(self.dtype, copy=False)
        return y[0] if self.unbatched else y


def weight_array(w, layout: str, name: str = "w", keep_dtype=False):
    """A real weight with 1, 2 or 3 spatial dimensions (3 to 5 axes), none of them empty.

    ``layout`` names its axes for the message (``"(C_in, C_out/groups, *kernel)"``). Integers
    become float64, unless ``keep_dtype`` (the functions that only move entries around).
    """
    w = numeric_array(w, name) if keep_dtype else real_array(w, name)
    if not 3 <= w.ndim <= 5:
        raise ValueError(
            f"{name} has shape {w.shape}; expected {layout} with 1, 2 or 3 spatial "
            f"dimensions (3 to 5 axes)"
        )
    if min(w.shape) == 0:
        raise ValueError(f"{name} shape {w.shape} must not have empty axes")
    return w


#: The weight layouts, as the messages name them.
CONV_LAYOUT = "(C_out, C_in/groups, *kernel)"
TRANSPOSE_LAYOUT = "(C_in, C_out/groups, *kernel)"


def prepare(x, w, groups, transposed: bool) -> Operands:
    """Check the ``(x, w, groups)`` of a channels-first (PyTorch) call.

    float16 is computed in float32 and returned as float16, as PyTorch's CPU kernels do.
    """
    x = real_array(x, "x")
    w = weight_array(w, TRANSPOSE_LAYOUT if transposed else CONV_LAYOUT)
    n = w.ndim - 2
    if x.ndim not in (n + 1, n + 2):
        raise ValueError(
            f"x has shape {x.shape}; for a {n}-D kernel expected (N, C_in, *spatial) with "
            f"{n + 2} axes or unbatched (C_in, *spatial) with {n + 1} axes"
        )
    groups = one_int(groups, "groups", minimum=1)
    unbatched = x.ndim == n + 1
    if unbatched:
        x = x[None]
    if min(x.shape) == 0:
        raise ValueError(
            f"x shape {x.shape} and w shape {w.shape} must not have empty axes"
        )
    check_channels(x.shape[1], w.shape, groups, transposed)
    dtype = np.result_type(x, w)
    working = np.float32 if dtype == np.float16 else dtype
    return Operands(
        x.astype(working, copy=False),
        w.astype(working, copy=False),
        groups,
        unbatched,
        dtype,
    )


def check_channels(c_in: int, w_shape, groups: int, transposed: bool) -> None:
    """The channel counts of ``x`` (``c_in``), ``w`` and ``groups`` must fit together."""
    if c_in % groups:
        raise ValueError(
            f"groups={groups} must divide the input channels C_in={c_in}"
        )
    if transposed:
        if w_shape[0] != c_in:
            raise ValueError(
                f"w.shape[0]={w_shape[0]} must equal the input channels C_in={c_in} "
                f"(transposed-convolution weights are (C_in, C_out/groups, *kernel))"
            )
        return
    if w_shape[1] * groups != c_in:
        raise ValueError(
            f"w.shape[1]={w_shape[1]} times groups={groups} must equal the input channels "
            f"C_in={c_in} (convolution weights are (C_out, C_in/groups, *kernel))"
        )
    if w_shape[0] % groups:
        raise ValueError(
            f"groups={groups} must divide the output channels C_out=w.shape[0]={w_shape[0]}"
        )


def check_method(method, methods) -> str:
    """``method`` must be one of ``methods``."""
    if not isinstance(method, str) or method not in methods:
        raise ValueError(
            f"method={method!r} is not known; choose one of {tuple(methods)}"
        )
    return method


def check_finite(
    array: np.ndarray, name: str, method: str, reason: str
) -> None:
    """Refuse inf or nan in ``array`` for a method that cannot give PyTorch's pattern."""
    if not np.isfinite(array).all():
        raise ValueError(
            f"{name} holds inf or nan, which method={method!r} cannot propagate like "
            f"PyTorch: {reason}; use another method (they give PyTorch's non-finite outputs)"
        )
