"""Measure several servers side by side: all started first, then loaded in turn, point by point, in rounds.

Every server is started (and timed to its first 200) before any load, then each data point (endpoint x
connections) is measured on every server back to back, and the whole sweep is repeated ``rounds`` times; a
point's result is the round with the median req/s. A burst of other work on the machine therefore lands on
all servers alike instead of on whichever happened to run then, which is what keeps the ratios honest. An
idle server costs nothing, so the waiting ones do not disturb the one under load.

Each endpoint is requested once before the load and must answer as expected; an endpoint whose check fails
is reported with the reason and not loaded: a fast wrong answer (a 401 or a 422 at full speed) must never
count as throughput. Reads are measured before creates, so lists see the seeded data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.loadgen import LoadGeneratorError, LoadResult, run_wrk
from benchmarks.results import EndpointResult, TargetResult
from benchmarks.servers import RunningServer, ServerStartError, start
from benchmarks.targets import Endpoint, Target


@dataclass(frozen=True)
class LoadPlan:
    connections: tuple[int, ...]
    duration_s: float
    warmup_s: float
    wrk_cpus: Sequence[int] | None
    rounds: int = 1


@dataclass
class Contender:
    """A started server with its checked endpoints and the result being filled in."""

    server: RunningServer
    endpoints: dict[str, Endpoint]
    result: TargetResult


def first_session_id(server: RunningServer, authorization: str) -> str:
    response = httpx.get(f"{server.base_url}/v1/sessions", params={"limit": 1},
                         headers={"Authorization": authorization}, timeout=30)  # fmt: skip
    response.raise_for_status()
    return str(response.json()["data"][0]["id"])


def check_endpoint(server: RunningServer, endpoint: Endpoint) -> int:
    """Send the request once; return the response size, or raise ValueError saying what is wrong."""
    request = endpoint.request
    headers = {"Authorization": request.authorization or ""}
    if request.body is not None:
        headers["Content-Type"] = "application/json"
    response = httpx.request(request.method, server.base_url + request.path, headers=headers,
                             content=request.body, timeout=30)  # fmt: skip
    if response.status_code != endpoint.status:
        raise ValueError(f"expected {endpoint.status}, got {response.status_code}: {response.text[:200]}")
    if endpoint.items is not None and len(response.json()["data"]) != endpoint.items:
        raise ValueError(f"expected {endpoint.items} items, got {len(response.json()['data'])}")
    return len(response.content)


def prepare(target: Target, authorization: str, log_dir: Path) -> Contender | TargetResult:
    """Start one server and check its endpoints; a server that cannot be used comes back as a result."""
    result = TargetResult(target.name, target.note)
    try:
        server = start(target.command, log_dir)
    except ServerStartError as error:
        result.error = str(error)
        return result
    result.startup_s = server.startup_s
    try:
        endpoints = target.endpoints(authorization, first_session_id(server, authorization))
    except (httpx.HTTPError, ValueError, KeyError, IndexError) as error:
        server.stop()
        result.error = f"{type(error).__name__}: {error}"
        return result
    usable: dict[str, Endpoint] = {}
    for endpoint in endpoints:
        checked = result.endpoints[endpoint.name] = EndpointResult(endpoint.name)
        try:
            checked.response_bytes = check_endpoint(server, endpoint)
            usable[endpoint.name] = endpoint
        except (ValueError, httpx.HTTPError) as error:
            checked.error = str(error)
    return Contender(server, usable, result)


def median_result(results: Sequence[LoadResult]) -> LoadResult:
    """The run with the median req/s (a real run, so its latencies belong to its throughput)."""
    ordered = sorted(results, key=lambda r: r.rps)
    return ordered[(len(ordered) - 1) // 2]


def sweep(contenders: Sequence[Contender], endpoint_names: Sequence[str], plan: LoadPlan,
          progress: Callable[[str], None]) -> None:  # fmt: skip
    """Load every contender on every endpoint and connection count, interleaved, ``plan.rounds`` times."""
    for name in endpoint_names:
        loaded = [c for c in contenders if name in c.endpoints]
        if plan.warmup_s > 0:
            for contender in loaded:
                _run(contender, name, max(plan.connections), plan.warmup_s, plan)
        for connections in plan.connections:
            progress(f"  {name} @{connections}: {', '.join(c.result.name for c in loaded)}")
            samples: dict[str, list[LoadResult]] = {c.result.name: [] for c in loaded}
            for _ in range(plan.rounds):
                for contender in loaded:
                    measured = _run(contender, name, connections, plan.duration_s, plan)
                    if measured is not None:
                        samples[contender.result.name].append(measured)
            for contender in loaded:
                _record(contender, name, connections, samples[contender.result.name])


def _run(contender: Contender, name: str, connections: int, duration_s: float, plan: LoadPlan) -> LoadResult | None:
    try:
        return run_wrk(contender.server.base_url, contender.endpoints[name].request, connections, duration_s,
                       cpus=plan.wrk_cpus)  # fmt: skip
    except LoadGeneratorError as error:
        contender.result.endpoints[name].error = str(error)
        return None


def _record(contender: Contender, name: str, connections: int, samples: list[LoadResult]) -> None:
    endpoint = contender.result.endpoints[name]
    if not samples:
        return
    endpoint.by_connections[connections] = median_result(samples)
    endpoint.rounds_rps[connections] = [round(r.rps, 1) for r in samples]
    dirty = [r for r in samples if not r.clean]
    if dirty:
        worst = max(dirty, key=lambda r: r.bad_status + r.socket_errors)
        endpoint.error = (f"{worst.bad_status} responses >= 400 and {worst.socket_errors} socket errors "
                          f"at {connections} connections")  # fmt: skip


def measure_targets(
    targets: Sequence[Target],
    plan: LoadPlan,
    authorization: str,
    log_dir: Path,
    progress: Callable[[str], None] = lambda _: None,
) -> list[TargetResult]:
    """Start all, check all, sweep reads then creates, read memory after each phase, stop all."""
    prepared = [prepare(target, authorization, log_dir) for target in targets]
    contenders = [p for p in prepared if isinstance(p, Contender)]
    try:
        methods = {name: e.request.method for c in contenders for name, e in c.endpoints.items()}
        reads = [name for name, method in methods.items() if method == "GET"]
        writes = [name for name, method in methods.items() if method != "GET"]
        sweep(contenders, reads, plan, progress)
        for contender in contenders:
            contender.result.rss_after_reads = contender.server.rss_bytes()
        sweep(contenders, writes, plan, progress)
        for contender in contenders:
            contender.result.rss_after_writes = contender.server.rss_bytes()
    finally:
        for contender in contenders:
            contender.server.stop()
    return [p.result if isinstance(p, Contender) else p for p in prepared]

