"""Timing and memory measurements shared by chapter 09 and ``benchmarks/``.

Imports numpy and the standard library only: a process that times numpy never loads
PyTorch or TensorFlow through this module (their worker threads would steal its cores).
"""

from __future__ import annotations

import gc
import math
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Timing:
    r"""The wall times of every timed call, in seconds, with their summaries.

    Parameters
    ----------
    seconds : sequence of float
        The time of every timed call, at least one; stored as a tuple.

    Attributes
    ----------
    median, q1, q3 : float
        numpy's 50 %, 25 % and 75 % percentiles of ``seconds``.
    minimum, maximum : float
        The fastest and the slowest call.

    Raises
    ------
    ValueError
        If ``seconds`` is empty (an empty sample has no median) or holds a NaN,
        an infinite or a negative time.

    See Also
    --------
    time_calls : the function that measures one.

    Notes
    -----
    Medians and quartiles, not means: a call that the operating system interrupts
    moves the mean but hardly the median. The interquartile range
    :math:`q_3 - q_1` is the spread the benchmark reports.

    .. math::

        q_1 = P_{25}(t), \quad \operatorname{median} = P_{50}(t), \quad
        q_3 = P_{75}(t).

    Examples
    --------
    Five times give the middle one as the median, the second and fourth as quartiles:

    >>> timing = Timing((5.0, 1.0, 3.0, 2.0, 4.0))
    >>> timing.q1, timing.median, timing.q3
    (2.0, 3.0, 4.0)
    """

    seconds: tuple[float, ...]

    def __post_init__(self):
        # frozen: a tuple, so that a caller's list cannot change it later
        seconds = tuple(float(t) for t in self.seconds)
        object.__setattr__(self, "seconds", seconds)
        if len(seconds) == 0:
            raise ValueError(
                "seconds must hold at least one time, got an empty sequence"
            )
        bad = [t for t in seconds if not 0 <= t < math.inf]
        if bad:
            raise ValueError(
                f"seconds must be finite times >= 0, got {bad[0]!r}"
            )

    @property
    def median(self) -> float:
        return float(np.percentile(self.seconds, 50))

    @property
    def q1(self) -> float:
        return float(np.percentile(self.seconds, 25))

    @property
    def q3(self) -> float:
        return float(np.percentile(self.seconds, 75))

    @property
    def minimum(self) -> float:
        return float(min(self.seconds))

    @property
    def maximum(self) -> float:
        return float(max(self.seconds))


def _check_callable(fn):
    if not callable(fn):
        raise TypeError(
            f"fn must be callable (a function of no arguments), got "
            f"{type(fn).__name__} {fn!r}"
        )


def _check_count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            f"{name} must be an int >= {minimum}, got "
            f"{type(value).__name__} {value!r}"
        )
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)


def first_calls(fn, calls) -> tuple[float, ...]:
    r"""The wall times of the first ``calls`` calls of ``fn()``, in seconds.

    Parameters
    ----------
    fn : callable
        A function of no arguments.
    calls : int
        How many calls to time, at least 1.

    Returns
    -------
    tuple of float
        The time of each call, in call order (``time.perf_counter``).

    Raises
    ------
    TypeError
        If ``fn`` is not callable or ``calls`` is not an int.
    ValueError
        If ``calls`` is below 1.

    See Also
    --------
    time_calls : warm-up calls, then timed calls.

    Notes
    -----
    In a fresh process the first calls of a library pay one-time costs (loading
    kernels, building thread pools, first-touch page faults). The series shows how many
    calls it takes until call :math:`i` costs about as much as the later calls:

    .. math::

        t_i \approx \operatorname{median}(t_{10}, \dots, t_{15}).

    Examples
    --------
    Three calls give three times, each positive:

    >>> times = first_calls(lambda: sum(range(1000)), 3)
    >>> len(times), all(t > 0 for t in times)
    (3, True)
    """
    _check_callable(fn)
    calls = _check_count(calls, "calls", 1)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return tuple(times)


def time_calls(fn, warmups=3, repeats=9, min_seconds=0.0) -> Timing:
    r"""Time ``fn()``: ``warmups`` untimed calls, then at least ``repeats`` timed calls.

    Parameters
    ----------
    fn : callable
        A function of no arguments.
    warmups : int, optional
        Untimed calls first, at least 0 (default 3).
    repeats : int, optional
        The fewest timed calls, at least 1 (default 9).
    min_seconds : float, optional
        Keep timing calls until they add up to this many seconds, at least 0 (default 0).

    Returns
    -------
    Timing
        The time of every timed call.

    Raises
    ------
    TypeError
        If ``fn`` is not callable or a count is not an int or ``min_seconds`` not a number.
    ValueError
        If ``warmups`` < 0, ``repeats`` < 1 or ``min_seconds`` < 0 or not finite.

    See Also
    --------
    first_calls : the times of the first calls, warm-ups included.
    traced_peak : the peak memory of one call.

    Notes
    -----
    The number of timed calls is the smallest :math:`n \ge` ``repeats`` with

    .. math::

        \sum_{i=1}^{n} t_i \ge \text{min\_seconds},

    so fast functions get more calls and their median is steadier. The
    garbage collector is off during the timed calls (as in ``timeit``) and
    back on afterwards, also when ``fn`` raises.

    Examples
    --------
    No warm-up and two repeats time exactly two calls:

    >>> timing = time_calls(lambda: None, warmups=0, repeats=2)
    >>> len(timing.seconds), timing.minimum <= timing.median <= timing.maximum
    (2, True)
    """
    _check_callable(fn)
    warmups = _check_count(warmups, "warmups", 0)
    repeats = _check_count(repeats, "repeats", 1)
    if isinstance(min_seconds, bool) or not isinstance(
        min_seconds, int | float | np.floating | np.integer
    ):
        raise TypeError(
            f"min_seconds must be a number >= 0, got "
            f"{type(min_seconds).__name__} {min_seconds!r}"
        )
    if not 0 <= min_seconds < float("inf"):
        raise ValueError(
            f"min_seconds must be a finite number >= 0, got {min_seconds}"
        )
    for _ in range(warmups):
        fn()
    times, total = [], 0.0
    # a collection of the caller's garbage would land in one call's time
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        while len(times) < repeats or total < min_seconds:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
            total += times[-1]
    finally:
        if was_enabled:
            gc.enable()
    return Timing(tuple(times))


def traced_peak(fn) -> int:
    r"""Peak bytes allocated through Python and numpy while ``fn()`` runs.

    Parameters
    ----------
    fn : callable
        A function of no arguments.

    Returns
    -------
    int
        The peak of ``tracemalloc``'s traced memory during the call, in bytes.

    Raises
    ------
    TypeError
        If ``fn`` is not callable.
    RuntimeError
        If ``tracemalloc`` is already tracing: its peak would mix in the caller's memory,
        and stopping it would end the caller's trace.

    See Also
    --------
    time_calls

    Notes
    -----
    numpy reports its array buffers to ``tracemalloc``, so the peak counts every
    temporary array. Allocators that bypass it (PyTorch's, TensorFlow's) are not seen.
    Tracing stops in a ``finally`` clause, also when ``fn`` raises.

    .. math::

        \text{peak} = \max_t \, \text{traced bytes}(t) - \text{traced bytes}(0).

    Examples
    --------
    A million float64 ones take 8 MB, plus a little bookkeeping:

    >>> 8_000_000 <= traced_peak(lambda: np.ones(10**6)) < 9_000_000
    True
    """
    _check_callable(fn)
    if tracemalloc.is_tracing():
        raise RuntimeError(
            "traced_peak needs tracemalloc to be off, but it is already tracing "
            "(call tracemalloc.stop() first)"
        )
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return int(peak)
