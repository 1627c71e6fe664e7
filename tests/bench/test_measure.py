"""Timing calls: warm-ups, turns, slow calls and broken ones (no database, no timing claims)."""

from __future__ import annotations

import pytest

from bench import measure
from bench.measure import percentile, time_calls, time_in_turns


def recorder(log: list[str], name: str, fail_on: int | None = None):
    def call() -> None:
        log.append(name)
        if fail_on is not None and log.count(name) == fail_on:
            raise RuntimeError(f"{name} broke")

    return call


def test_calls_are_warmed_up_then_timed_in_turns():
    log: list[str] = []
    calls = {name: recorder(log, name) for name in ("a", "b", "c")}
    timings = time_in_turns(calls, runs=3, warmup=2)
    # One first call each (which decides whether a call is slow), one more warm-up each,
    # then the timed runs in turns.
    assert log == ["a", "b", "c"] * 2 + ["a", "b", "c"] * 3
    assert [timings[name].runs for name in "abc"] == [3, 3, 3]
    assert not any(timing.capped or timing.error for timing in timings.values())


def test_a_broken_call_keeps_its_error_and_the_others_their_samples():
    log: list[str] = []
    calls = {"a": recorder(log, "a"), "b": recorder(log, "b", fail_on=4)}
    timings = time_in_turns(calls, runs=5, warmup=2)
    assert timings["b"].error == "RuntimeError: b broke"
    assert timings["b"].runs == 0
    assert timings["a"].runs == 5 and not timings["a"].error
    assert log.count("b") == 4  # not called again once broken


def test_a_slow_call_is_capped_without_warm_ups(monkeypatch):
    monkeypatch.setattr(measure, "SLOW_RUN_S", -1.0)  # every call counts as slow
    log: list[str] = []
    timing = time_calls(recorder(log, "slow"), runs=30, warmup=3)
    assert timing.capped
    assert timing.runs == measure.CAPPED_RUNS
    assert len(log) == 1 + measure.CAPPED_RUNS


def test_a_call_over_its_budget_stops_after_the_capped_runs(monkeypatch):
    monkeypatch.setattr(measure, "TARGET_BUDGET_S", 0.0)
    log: list[str] = []
    timings = time_in_turns({"a": recorder(log, "a"), "b": recorder(log, "b")}, 30, 1)
    assert [timings[name].runs for name in "ab"] == [measure.CAPPED_RUNS] * 2
    assert all(timing.capped for timing in timings.values())


@pytest.mark.parametrize(
    ("fraction", "expected"), [(0.5, 3.0), (0.95, 5.0), (0.2, 1.0), (1.0, 5.0)]
)
def test_percentiles_are_values_that_were_measured(fraction, expected):
    assert percentile([5.0, 1.0, 4.0, 2.0, 3.0], fraction) == expected
