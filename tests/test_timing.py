"""tconv_lib.timing: the timing and memory measurements of chapter 09 and benchmarks/."""

import time
import tracemalloc

import numpy as np
import pytest

from tconv_lib import Timing, first_calls, time_calls, traced_peak


def test_a_2_ms_sleep_has_a_median_between_2_ms_and_2_ms_plus_a_margin():
    timing = time_calls(lambda: time.sleep(0.002), warmups=1, repeats=9)
    assert len(timing.seconds) == 9
    assert 0.002 <= timing.median < 0.002 + 0.05


def test_warmup_calls_are_made_but_not_timed():
    calls = []
    timing = time_calls(lambda: calls.append(1), warmups=4, repeats=5)
    assert len(calls) == 4 + 5
    assert len(timing.seconds) == 5


def test_min_seconds_adds_timed_calls_until_it_is_reached():
    timing = time_calls(
        lambda: time.sleep(0.002), warmups=0, repeats=2, min_seconds=0.03
    )
    assert sum(timing.seconds) >= 0.03
    assert len(timing.seconds) >= 3
    # the last call was the one that crossed min_seconds
    assert sum(timing.seconds[:-1]) < 0.03


def test_timing_summaries_are_numpy_percentiles():
    timing = Timing((5.0, 1.0, 3.0, 2.0, 4.0))
    assert (timing.minimum, timing.q1, timing.median, timing.q3) == (
        1.0,
        2.0,
        3.0,
        4.0,
    )
    assert timing.maximum == 5.0
    assert Timing((1.0, 2.0)).median == 1.5


def test_first_calls_times_every_call_in_order():
    delays = iter([0.02, 0.0, 0.0])
    times = first_calls(lambda: time.sleep(next(delays)), 3)
    assert len(times) == 3
    assert times[0] >= 0.02 > times[1] and times[0] > times[2]


def test_traced_peak_of_a_million_float64_ones_is_8_mb():
    peak = traced_peak(lambda: np.ones(10**6))
    assert 8_000_000 <= peak < 9_000_000


def test_traced_peak_stops_tracing_when_fn_raises():
    def fail():
        raise KeyError("inside")

    with pytest.raises(KeyError):
        traced_peak(fail)
    assert not tracemalloc.is_tracing()


def test_traced_peak_refuses_to_run_inside_another_trace():
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match="already tracing"):
            traced_peak(lambda: None)
        assert tracemalloc.is_tracing()  # the caller's trace goes on
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"warmups": -1}, ValueError, "warmups must be an int >= 0, got -1"),
        ({"warmups": 1.5}, TypeError, "warmups must be an int >= 0"),
        ({"repeats": 0}, ValueError, "repeats must be an int >= 1, got 0"),
        ({"repeats": True}, TypeError, "repeats must be an int >= 1"),
        ({"min_seconds": -0.1}, ValueError, "min_seconds must be a finite"),
        ({"min_seconds": float("inf")}, ValueError, "got inf"),
        ({"min_seconds": "1"}, TypeError, "min_seconds must be a number"),
    ],
)
def test_time_calls_refuses_bad_counts(kwargs, error, words):
    with pytest.raises(error, match=words):
        time_calls(lambda: None, **kwargs)


@pytest.mark.parametrize("measure", [time_calls, traced_peak])
def test_a_non_callable_is_refused(measure):
    with pytest.raises(TypeError, match="fn must be callable"):
        measure(42)


def test_first_calls_refuses_zero_calls():
    with pytest.raises(ValueError, match="calls must be an int >= 1, got 0"):
        first_calls(lambda: None, 0)
    with pytest.raises(TypeError, match="fn must be callable"):
        first_calls(None, 3)


def test_an_empty_timing_is_refused():
    with pytest.raises(ValueError, match="seconds must hold at least one"):
        Timing(())


@pytest.mark.parametrize("bad", [float("nan"), -1e-3, float("inf")])
def test_a_nan_negative_or_infinite_time_is_refused(bad):
    with pytest.raises(ValueError, match="finite times >= 0"):
        Timing((1.0, bad))


def test_timing_stores_a_list_as_a_tuple():
    assert Timing([2.0, 1.0]).seconds == (2.0, 1.0)


def test_the_garbage_collector_is_off_during_timed_calls_and_on_after():
    import gc

    states = []
    time_calls(lambda: states.append(gc.isenabled()), warmups=0, repeats=3)
    assert states == [False] * 3 and gc.isenabled()

    def fail():
        raise KeyError("inside")

    with pytest.raises(KeyError):
        time_calls(fail, warmups=0, repeats=1)
    assert gc.isenabled()
