"""Measure one target: start it, check each endpoint answers as it must, load it with wrk, read its memory.

Each endpoint gets a short unrecorded warm-up (Node's JIT and Python's caches settle) and then one wrk run per
connection count. An endpoint whose check fails is reported with the reason and not loaded: a fast wrong
answer (a 401 or a 422 at full speed) must never count as throughput.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.loadgen import LoadGeneratorError, run_wrk
from benchmarks.results import EndpointResult, TargetResult
from benchmarks.servers import RunningServer, ServerStartError, start
from benchmarks.targets import Endpoint, Target


@dataclass(frozen=True)
class LoadPlan:
    connections: tuple[int, ...]
    duration_s: float
    warmup_s: float
    wrk_cpus: Sequence[int] | None


def measure_target(target: Target, plan: LoadPlan, authorization: str, log_dir: Path) -> TargetResult:
    result = TargetResult(target.name, target.note)
    try:
        server = start(target.command, log_dir)
    except ServerStartError as error:
        result.error = str(error)
        return result
    try:
        result.startup_s = server.startup_s
        endpoints = target.endpoints(authorization, first_session_id(server, authorization))
        for endpoint in endpoints:
            if endpoint.request.method == "POST" and result.rss_after_reads is None:
                result.rss_after_reads = server.rss_bytes()
            result.endpoints[endpoint.name] = measure_endpoint(server, endpoint, plan)
        result.rss_after_writes = server.rss_bytes()
    except (httpx.HTTPError, LoadGeneratorError, ValueError, KeyError) as error:
        result.error = f"{type(error).__name__}: {error}"
    finally:
        server.stop()
    return result


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


def measure_endpoint(server: RunningServer, endpoint: Endpoint, plan: LoadPlan) -> EndpointResult:
    result = EndpointResult(endpoint.name)
    try:
        result.response_bytes = check_endpoint(server, endpoint)
    except (ValueError, httpx.HTTPError) as error:
        result.error = str(error)
        return result
    if plan.warmup_s > 0:
        run_wrk(server.base_url, endpoint.request, max(plan.connections), plan.warmup_s, cpus=plan.wrk_cpus)
    for connections in plan.connections:
        loaded = run_wrk(server.base_url, endpoint.request, connections, plan.duration_s, cpus=plan.wrk_cpus)
        result.by_connections[connections] = loaded
        if not loaded.clean:
            result.error = (
                f"{loaded.bad_status} responses >= 400 and {loaded.socket_errors} socket errors "
                f"at {connections} connections"
            )
    return result
