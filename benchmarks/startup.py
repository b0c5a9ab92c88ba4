"""The mock's start-up, first and later: from ``Popen`` to the first 200, and the idle RSS right after.

A first start on a machine validates the spec documents (Connexion, about a third of a second); later starts
of the same documents load them on the verdict kept in the cache folder (see ``mockserver/host/documents.py``).
Both are measured, each with its own fresh cache folder in the work folder, so neither depends on what this
machine ran before: ``first`` with an empty folder, then ``repeats`` starts on the verdict it left.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from benchmarks.results import StartupResult
from benchmarks.servers import free_port, running
from benchmarks.targets import mock_target
from mockserver.data.fixture import Fixture


def measure_startup(fixture: Fixture, work_dir: Path, log_dir: Path, *, cpus: Sequence[int] | None,
                    repeats: int = 3) -> StartupResult:
    cache = work_dir / "startup-cache"
    shutil.rmtree(cache, ignore_errors=True)
    result = StartupResult()
    for attempt in range(1 + repeats):
        target = mock_target("mock start-up", free_port(), fixture, cpus=cpus, extra=["--cache-dir", str(cache)])
        with running(target.command, log_dir) as server:
            if attempt == 0:
                result.first_s = server.startup_s
            else:
                result.later_s.append(server.startup_s)
                result.idle_rss = server.rss_bytes()
    return result
