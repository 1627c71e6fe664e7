"""Timing many runs of one call, and the peak memory of a process tree."""

from __future__ import annotations

import contextlib
import math
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

# A target slower than this on its first warm-up run is run CAPPED_RUNS times, not `runs`:
# thirty three-second runs per shape would make the baselines take most of the benchmark.
SLOW_RUN_S = 2.0
CAPPED_RUNS = 5
# Runs stop (after CAPPED_RUNS at least) once one target has taken this long: on a busy machine
# a call can pass the warm-up under SLOW_RUN_S and still take seconds each time after.
TARGET_BUDGET_S = 60.0
POLL_S = 0.1


# The machine probe's fixed work: about 75 ms on this kind of machine when it is quiet, short
# enough to run twice a shape.
PROBE_ADDITIONS = 2_000_000


def machine_probe_ms() -> float:
    """How long a fixed piece of pure-Python work takes now, in ms.

    On a shared virtual machine the same search can take up to three times as long from one
    minute to the next; timed just before and after a shape's runs, this says how fast the
    machine was while they were taken, so that figures from different runs can be read side
    by side.
    """
    start = time.perf_counter()
    total = 0
    for number in range(PROBE_ADDITIONS):
        total += number
    return (time.perf_counter() - start) * 1000


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, never an interpolation."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Timing:
    samples_ms: list[float]
    capped: bool = False
    error: str = ""

    @property
    def runs(self) -> int:
        return len(self.samples_ms)

    def p(self, fraction: float) -> float | None:
        return round(percentile(self.samples_ms, fraction), 1) if self.samples_ms else None

    @property
    def max(self) -> float | None:
        return round(max(self.samples_ms), 1) if self.samples_ms else None


def time_calls(call: Callable[[], object], runs: int, warmup: int) -> Timing:
    """``warmup`` untimed calls, then ``runs`` timed ones (fewer when a call is very slow)."""
    return time_in_turns({"call": call}, runs, warmup)["call"]


def time_in_turns(
    calls: dict[str, Callable[[], object]], runs: int, warmup: int
) -> dict[str, Timing]:
    """``time_calls`` for several calls, timed in turns (a, b, c, a, b, c …).

    This machine's speed drifts by up to 2x between half-hours, so timing one call's runs
    after another's can make the later look slower for no fault of its own; in turns, a
    slow stretch falls on all of them alike. A call that raises stops there, with its error.
    """
    timings = {name: Timing([]) for name in calls}
    wanted: dict[str, int] = {}  # timed runs still to make, for the calls still going
    spent: dict[str, float] = {}

    def run(name: str) -> float | None:
        started = time.perf_counter()
        try:
            calls[name]()
        except Exception as error:  # one broken call must not lose the others' results
            timings[name] = Timing([], error=f"{type(error).__name__}: {error}"[:300])
            wanted.pop(name, None)
            return None
        return time.perf_counter() - started

    for name in calls:
        wanted[name] = runs
        first = run(name)
        if first is not None and first > SLOW_RUN_S:
            timings[name].capped = True
            wanted[name] = min(runs, CAPPED_RUNS)
    for _ in range(warmup - 1):
        for name in [name for name in wanted if not timings[name].capped]:
            run(name)
    while wanted:
        for name in list(wanted):
            if (took := run(name)) is None:
                continue
            samples = timings[name].samples_ms
            samples.append(took * 1000)
            spent[name] = spent.get(name, 0.0) + took
            over_budget = spent[name] > TARGET_BUDGET_S and len(samples) >= CAPPED_RUNS
            if over_budget:
                timings[name].capped = True
            if over_budget or len(samples) >= wanted[name]:
                del wanted[name]
    return timings


@dataclass
class ProcessRun:
    returncode: int
    wall_s: float
    peak_rss_mb: float


def _tree_peak_bytes(process: psutil.Process) -> int:
    """The summed high-water RSS (VmHWM) of a process and its descendants, right now.

    The high-water mark, not the current RSS, so a spike between two polls still counts.
    """
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            with open(f"/proc/{member.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, psutil.Error):
            continue
    return total


def run_measured(
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    stdout: Path,
    stderr: Path,
    on_poll: Callable[[float, float], None] | None = None,
) -> ProcessRun:
    """Run a command to completion, polling its tree's peak memory every POLL_S seconds."""
    peak = 0
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        process = psutil.Process(child.pid)
        last_report = started
        while True:
            with contextlib.suppress(psutil.NoSuchProcess):
                peak = max(peak, _tree_peak_bytes(process))
            try:
                returncode = child.wait(timeout=POLL_S)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.perf_counter()
            if on_poll and now - last_report >= 30:
                on_poll(now - started, peak / 2**20)
                last_report = now
        wall = time.perf_counter() - started
    return ProcessRun(returncode, wall, peak / 2**20)
