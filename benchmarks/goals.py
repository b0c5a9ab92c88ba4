"""The issue's performance goals, each judged from a run as pass, miss (by how much) or not measured.

Throughput compares peak req/s (the best connection count of each server, so neither side is judged at a
concurrency that does not suit it) on list (1 item, Prism's page size), get and create. p99 is judged at
16 connections on the same three endpoints (the worst of them). Start-up and memory are the one-process mock's.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.results import MIB, Run, TargetResult
from benchmarks.targets import MOCK, MOCK_WORKERS, PRISM_STATIC

COMPARED = ("list 1", "get", "create")


@dataclass(frozen=True)
class Verdict:
    goal: str
    measured: str
    state: str  # "pass" | "miss" | "n/a"
    detail: str = ""


def ratio(numerator: TargetResult | None, denominator: TargetResult | None, endpoint: str) -> float | None:
    if numerator is None or denominator is None:
        return None
    top, bottom = numerator.peak_rps(endpoint), denominator.peak_rps(endpoint)
    return top / bottom if top and bottom else None


def _throughput(run: Run, name: str, wanted: float) -> Verdict:
    goal = f"{name} ≥ {wanted:g}x Prism static (list 1, get, create)"
    ratios = {e: ratio(run.target(name), run.target(PRISM_STATIC), e) for e in COMPARED}
    if any(value is None for value in ratios.values()):
        missing = ", ".join(e for e, v in ratios.items() if v is None)
        return Verdict(goal, "not measured", "n/a", f"no clean result for: {missing}")
    worst_endpoint = min(ratios, key=lambda e: ratios[e] or 0.0)
    worst = ratios[worst_endpoint] or 0.0
    measured = ", ".join(f"{e} {v:.2f}x" for e, v in ratios.items())
    detail = "" if worst >= wanted else f"{worst_endpoint} is {100 * (1 - worst / wanted):.0f}% short"
    return Verdict(goal, measured, "pass" if worst >= wanted else "miss", detail)


def _p99(run: Run, connections: int = 16, wanted_ms: float = 10.0) -> Verdict:
    goal = f"mock p99 ≤ {wanted_ms:g} ms at {connections} connections"
    mock = run.target(MOCK)
    values = {e: mock.result(e, connections) for e in COMPARED} if mock else {}
    if not values or any(v is None for v in values.values()):
        return Verdict(goal, "not measured", "n/a")
    measured = ", ".join(f"{e} {v.p99_ms:.1f} ms" for e, v in values.items() if v)
    worst = max(v.p99_ms for v in values.values() if v)
    detail = "" if worst <= wanted_ms else f"worst is {worst / wanted_ms:.1f}x the goal"
    return Verdict(goal, measured, "pass" if worst <= wanted_ms else "miss", detail)


def _startup(run: Run, wanted_s: float = 1.0) -> Verdict:
    """Judged on a usual start (the spec's verdict kept from an earlier one); the first start is shown too."""
    goal = f"mock start-up to first 200 ≤ {wanted_s:g} s"
    mock = run.target(MOCK)
    started = run.startup.later_median_s if run.startup else None
    if started is None:
        started = mock.startup_s if mock else None
    if started is None:
        return Verdict(goal, "not measured", "n/a")
    first = run.startup.first_s if run.startup else None
    measured = f"{started:.2f} s" + (f" (first start, validating the spec: {first:.2f} s)" if first else "")
    ok = started <= wanted_s
    return Verdict(goal, measured, "pass" if ok else "miss", "" if ok else f"{started - wanted_s:.2f} s over")


def _memory(run: Run, wanted_mib: float = 80.0) -> Verdict:
    goal = f"mock RSS ≤ {wanted_mib:g} MB after load (one process)"
    mock = run.target(MOCK)
    if mock is None or mock.rss_after_reads is None:
        return Verdict(goal, "not measured", "n/a")
    reads = mock.rss_after_reads / MIB
    writes = (mock.rss_after_writes or 0) / MIB
    ok = reads <= wanted_mib
    measured = f"{reads:.1f} MiB after reads, {writes:.1f} MiB after the create runs"
    return Verdict(goal, measured, "pass" if ok else "miss", "" if ok else f"{reads - wanted_mib:.1f} MiB over")


def judge(run: Run) -> list[Verdict]:
    return [
        _throughput(run, MOCK, 2.0),
        _throughput(run, MOCK_WORKERS, 3.5),
        _p99(run),
        _startup(run),
        _memory(run),
    ]
