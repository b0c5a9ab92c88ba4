"""Fixture scale: the mock started on a generated fixture with many sessions in one project.

The fixture is the packaged default with the first project's session count raised (everything else as it
is), written to the work folder; the whole dataset is in that one project. Measured: start-up to the first
200 (the seeding is part of it) and the latency of one list page at offset 0, in the middle and at the end.
A list page should cost the same wherever it starts and however large the project is; if deep offsets or
the dataset size show up in the latency, the store walks the whole collection per request. The list is
also timed right after a create (a frontend that creates and then shows the list): the mock keeps its
sorted views in step with each write, so that list should cost what any other list costs.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import yaml

from benchmarks.loadgen import LoadGeneratorError, Request, run_wrk
from benchmarks.results import ScaleResult
from benchmarks.servers import ServerStartError, free_port, start
from benchmarks.targets import MOCK, benchmark_key, create_body, mock_target
from mockserver.data.fixture import FixtureError, load_fixture
from mockserver.settings import default_fixtures

PAGE = 20
WRITE_THEN_LIST_ROUNDS = 20


def write_scaled_fixture(work_dir: Path, sessions: int) -> Path:
    """The default fixture with all ``sessions`` sessions in its first project (the one that is listed)."""
    data = yaml.safe_load(default_fixtures().read_text())
    first = data["projects"][0]
    first["counts"] = {**(first.get("counts") or {}), "sessions": sessions}
    path = work_dir / f"fixtures-{sessions}-sessions.yaml"
    work_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def offsets_for(total: int) -> list[int]:
    """First page, middle page, last page."""
    return sorted({0, max(0, total // 2), max(0, total - PAGE)})


def measure_scale(
    work_dir: Path, sessions: int, duration_s: float, *, cpus: Sequence[int] | None, wrk_cpus: Sequence[int] | None
) -> ScaleResult:
    result = ScaleResult(sessions)
    try:
        fixture = load_fixture(write_scaled_fixture(work_dir, sessions))
    except FixtureError as error:
        result.error = str(error)
        return result
    result.per_project = sessions
    target = mock_target(f"{MOCK} {sessions} sessions", free_port(), fixture, cpus=cpus)
    authorization = f"Bearer {benchmark_key(fixture).key}"
    try:
        server = start(target.command, work_dir / "logs", timeout_s=900)
    except ServerStartError as error:
        result.error = str(error)
        return result
    try:
        result.startup_s = server.startup_s
        total = httpx.get(f"{server.base_url}/v1/sessions", params={"limit": 1},
                          headers={"Authorization": authorization}, timeout=60).json()["total"]  # fmt: skip
        for offset in offsets_for(int(total)):
            request = Request("GET", f"/v1/sessions?limit={PAGE}&offset={offset}", authorization)
            result.by_offset[offset] = run_wrk(server.base_url, request, 1, duration_s, cpus=wrk_cpus)
        result.list_after_write_ms = list_after_write_ms(server.command.host, server.command.port, authorization)
        result.rss = server.rss_bytes()
    except (LoadGeneratorError, httpx.HTTPError, ValueError, KeyError, OSError) as error:
        result.error = f"{type(error).__name__}: {error}"
    finally:
        server.stop()
    return result


def list_after_write_ms(host: str, port: int, authorization: str, rounds: int = WRITE_THEN_LIST_ROUNDS) -> list[float]:
    """Milliseconds of ``GET /v1/sessions?limit=20`` each right after a ``POST /v1/sessions``."""
    connection = http.client.HTTPConnection(host, port, timeout=120)
    headers = {"Authorization": authorization}
    body = json.dumps(create_body())
    timings = []
    try:
        for _ in range(rounds):
            connection.request("POST", "/v1/sessions", body, {**headers, "Content-Type": "application/json"})
            created = connection.getresponse()
            created.read()
            if created.status != 201:
                raise ValueError(f"create answered {created.status}")
            started = time.perf_counter()
            connection.request("GET", f"/v1/sessions?limit={PAGE}", headers=headers)
            listed = connection.getresponse()
            listed.read()
            timings.append((time.perf_counter() - started) * 1000)
            if listed.status != 200:
                raise ValueError(f"list answered {listed.status}")
    finally:
        connection.close()
    return timings
