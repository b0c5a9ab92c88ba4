"""Fixture scale: the mock started on a generated fixture with many sessions in one project.

The fixture is the packaged default with the first project's session count raised (everything else as it
is), written to the work folder. Measured: start-up to the first 200 (the seeding is part of it) and the
latency of one list page at offset 0, in the middle and at the end. A list page should cost the same
wherever it starts and however large the project is; if deep offsets or the dataset size show up in the
latency, the store walks the whole collection per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx
import yaml

from benchmarks.loadgen import LoadGeneratorError, Request, run_wrk
from benchmarks.results import ScaleResult
from benchmarks.servers import ServerStartError, free_port, start
from benchmarks.targets import MOCK, benchmark_key, mock_target
from mockserver.fixtures import load_fixture
from mockserver.settings import default_fixtures

PAGE = 20


def write_scaled_fixture(work_dir: Path, sessions: int) -> Path:
    """The default fixture with the first project's ``counts.sessions`` set to ``sessions``."""
    data = yaml.safe_load(default_fixtures().read_text())
    project = data["projects"][0]
    project["counts"] = {**(project.get("counts") or {}), "sessions": sessions}
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
    fixture = load_fixture(write_scaled_fixture(work_dir, sessions))
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
        result.rss = server.rss_bytes()
    except (LoadGeneratorError, httpx.HTTPError, ValueError, KeyError, OSError) as error:
        result.error = f"{type(error).__name__}: {error}"
    finally:
        server.stop()
    return result
