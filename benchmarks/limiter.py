"""The rate limiter's cost per request (issue 5 asks for "rate limiting on vs off").

The mock offers no switch to turn its limiter off (a limit that never rejects still runs it on every request),
so the cost is measured two ways:

* in-process: the mock's own :class:`mockserver.ratelimit.RateLimiter` (moving window, memory storage), the
  average time of one ``hit`` with an almost empty window and with a window already holding many entries;
* over HTTP, in the same run: the mock with a raised per-second limit (a window holding about one second of
  traffic) against the same mock with a raised per-minute limit (a window holding a minute of traffic), both
  at the same connection count. The floor (no limiter at all, but also no Connexion) is in the main table.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.loadgen import LoadGeneratorError, Request, run_wrk
from benchmarks.results import LimiterCost
from benchmarks.servers import ServerStartError, free_port, start
from benchmarks.targets import MOCK, benchmark_key, mock_target
from mockserver.data.fixture import Fixture
from mockserver.pipeline.authenticate import Identity
from mockserver.ratelimit import RateLimiter, build_policies

SAMPLE = 2000
ROUNDS = 3
LIMITS = ("1000000/second", "1000000/minute")


async def _average_hit_us(limiter: RateLimiter, identity: Identity, prefill: int) -> float:
    for _ in range(prefill):
        await limiter.hit(identity)
    started = time.perf_counter()
    for _ in range(SAMPLE):
        await limiter.hit(identity)
    return (time.perf_counter() - started) / SAMPLE * 1e6


def in_process_cost(fixture: Fixture, full_window: int) -> tuple[float, float]:
    """Average µs per ``hit`` with an empty window and with ``full_window`` entries already in it."""
    key = benchmark_key(fixture)
    identity = Identity(key.key, key.project_id, key.plan, key.permission, key.label)
    raised = {plan: "100000000/hour" for plan in fixture.plans}

    def fresh() -> RateLimiter:
        return RateLimiter(build_policies(fixture.plans, raised))

    small = asyncio.run(_average_hit_us(fresh(), identity, 0))
    full = asyncio.run(_average_hit_us(fresh(), identity, full_window))
    return small, full


def measure_limiter(
    fixture: Fixture,
    work_dir: Path,
    *,
    full_window: int,
    connections: int,
    duration_s: float,
    cpus: Sequence[int] | None,
    wrk_cpus: Sequence[int] | None,
) -> LimiterCost:
    cost = LimiterCost(full_window_entries=full_window)
    cost.hit_us_small_window, cost.hit_us_full_window = in_process_cost(fixture, full_window)
    authorization = f"Bearer {benchmark_key(fixture).key}"
    samples: dict[str, list[float]] = {label: [] for label in LIMITS}
    for _ in range(ROUNDS):  # alternate the two, so that a burst of other work on the machine hits both alike
        for label in LIMITS:
            target = mock_target(f"{MOCK} limit {label}", free_port(), fixture, cpus=cpus, limit=label)
            try:
                server = start(target.command, work_dir / "logs")
            except ServerStartError as error:
                cost.error = str(error)
                return cost
            try:
                request = Request("GET", "/v1/sessions?limit=1", authorization)
                run_wrk(server.base_url, request, connections, 1, cpus=wrk_cpus)
                # Long enough for a per-minute window to fill with what a per-second one forgets.
                samples[label].append(run_wrk(server.base_url, request, connections, duration_s, cpus=wrk_cpus).rps)
            except LoadGeneratorError as error:
                cost.error = str(error)
            finally:
                server.stop()
    cost.http = {f"{label} (median of {ROUNDS})": round(statistics.median(rps), 1)
                 for label, rps in samples.items() if rps}  # fmt: skip
    cost.note = "the mock has no switch to turn the limiter off; see benchmarks/limiter.py"
    return cost
