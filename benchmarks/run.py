"""One benchmark run: every server measured in turn with the same wrk, then scale, limiter and conformance.

CPU placement on a machine with two or more cores: each one-process server is pinned to the first core and
wrk to the last, so the server has a core to itself and the load generator never competes with it. The
two-worker mock is not pinned (it needs both cores) and so shares a core with wrk: its numbers are a lower
bound. On a single core nothing is pinned.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from benchmarks import machine
from benchmarks.conformance_timing import time_conformance
from benchmarks.limiter import measure_limiter
from benchmarks.measure import LoadPlan, measure_targets
from benchmarks.prism import PrismUnavailable, ensure_prism, write_spec
from benchmarks.results import Run
from benchmarks.scale import measure_scale
from benchmarks.servers import free_port
from benchmarks.startup import measure_startup
from benchmarks.targets import (
    FLOOR,
    MOCK,
    MOCK_WORKERS,
    PRISM_DYNAMIC,
    PRISM_STATIC,
    Target,
    benchmark_key,
    floor_target,
    mock_target,
    prism_target,
)
from mockserver.data.fixture import Fixture, load_fixture
from mockserver.settings import default_fixtures

T = TypeVar("T")
WORK_DIR = Path(__file__).resolve().parent / ".work"
ALL_TARGETS = (MOCK, MOCK_WORKERS, PRISM_STATIC, PRISM_DYNAMIC, FLOOR)


@dataclass(frozen=True)
class BenchConfig:
    """How big a run is. ``full()`` is `make bench`; ``quick()`` is a sanity run of a minute or so."""

    mode: str
    connections: tuple[int, ...]
    duration_s: float
    warmup_s: float
    targets: tuple[str, ...]
    scale_sessions: int | None
    conformance_profiles: tuple[str, ...]
    limiter_window: int | None
    rounds: int = 1
    work_dir: Path = WORK_DIR
    command: str = "python -m benchmarks"
    notes: list[str] = field(default_factory=list)

    @classmethod
    def full(cls) -> BenchConfig:
        return cls("full", (1, 16, 32, 64), 3.0, 2.0, ALL_TARGETS, 100_000, ("quick", "full"), 100_000, rounds=3)

    @classmethod
    def quick(cls) -> BenchConfig:
        return cls("quick", (1, 16), 1.0, 1.0, (MOCK, PRISM_STATIC, FLOOR), 2_000, (), 10_000)


def cpu_layout() -> tuple[list[int] | None, list[int] | None]:
    """(server cores, wrk cores): first and last core when there are two or more, else no pinning."""
    cores = sorted(os.sched_getaffinity(0))
    return ([cores[0]], [cores[-1]]) if len(cores) >= 2 else (None, None)


@contextmanager
def redis_server(log_dir: Path) -> Iterator[str | None]:
    """A throwaway redis-server for the two-worker mock's shared rate-limit counters (None when missing)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "redis.log").open("wb") as log:
        process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def workers_args(work_dir: Path, redis_url: str) -> list[str]:
    """A shared store and shared counters, as the mock requires for several workers."""
    database = work_dir / "bench-workers.db"
    for suffix in ("", "-wal", "-shm", "-writer.lock"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return ["--workers", "2", "--state", f"sqlite:///{database}", "--rate-limit-storage", redis_url]


def build_targets(config: BenchConfig, fixture: Fixture, redis_url: str | None, notes: list[str]) -> list[Target]:
    server_cpus, _ = cpu_layout()
    makers: dict[str, Callable[[], Target]] = {
        MOCK: lambda: mock_target(MOCK, free_port(), fixture, cpus=server_cpus,
                                  note="contract, auth, rate limit and request validation on"),
        FLOOR: lambda: floor_target(free_port(), fixture, cpus=server_cpus),
    }  # fmt: skip
    if redis_url is None:
        notes.append("the two-worker mock was not measured: it needs redis-server for its shared counters")
    else:
        makers[MOCK_WORKERS] = lambda: mock_target(MOCK_WORKERS, free_port(), fixture, cpus=None,
                                                   extra=workers_args(config.work_dir, redis_url),
                                                   note="2 workers, SQLite state, Redis counters, shared cores")
    if PRISM_STATIC in config.targets or PRISM_DYNAMIC in config.targets:
        try:
            binary, spec = ensure_prism(config.work_dir), write_spec(config.work_dir)
            makers[PRISM_STATIC] = lambda: prism_target(binary, spec, free_port(), fixture, dynamic=False,
                                                        cpus=server_cpus)  # fmt: skip
            makers[PRISM_DYNAMIC] = lambda: prism_target(binary, spec, free_port(), fixture, dynamic=True,
                                                         cpus=server_cpus)  # fmt: skip
        except PrismUnavailable as error:
            notes.append(f"Prism was not measured: {error}")
    return [makers[name]() for name in config.targets if name in makers]


def run_benchmarks(config: BenchConfig, progress: Callable[[str], None] = print) -> Run:
    fixture = load_fixture(default_fixtures())
    server_cpus, wrk_cpus = cpu_layout()
    run = Run(machine.describe(), config.command, config.mode, config.connections, config.duration_s,
              rounds=config.rounds, notes=list(config.notes))  # fmt: skip
    run.notes.append(f"pinning: servers on cores {server_cpus}, wrk on cores {wrk_cpus} (two-worker mock unpinned)")
    plan = LoadPlan(config.connections, config.duration_s, config.warmup_s, wrk_cpus, config.rounds)
    authorization = f"Bearer {benchmark_key(fixture).key}"
    log_dir = config.work_dir / "logs"
    busy = machine.background_cpu_percent()
    if busy is not None and busy > 10:
        run.notes.append(f"the machine was {busy}% busy with other work just before the run")
    with redis_server(log_dir) as redis_url:
        targets = build_targets(config, fixture, redis_url, run.notes)
        progress(f"starting {', '.join(t.name for t in targets)}; then {config.rounds} interleaved round(s) per point")
        run.targets = measure_targets(targets, plan, authorization, log_dir, progress)
    for target in run.targets:
        spread = target.spread()
        if spread is not None and spread > 0.25:
            run.notes.append(f"{target.name}: req/s varied by up to {100 * spread:.0f}% between rounds of one point "
                             "(other work on the machine); each point is the median round")
    progress("mock start-up: a first start and three later ones")
    run.startup = _section(run, "start-up", lambda: measure_startup(fixture, config.work_dir, log_dir,
                                                                     cpus=server_cpus))
    if config.scale_sessions:
        progress(f"fixture scale: {config.scale_sessions:,} sessions")
        run.scale = _section(run, "scale", lambda: measure_scale(
            config.work_dir, config.scale_sessions or 0, config.duration_s, cpus=server_cpus, wrk_cpus=wrk_cpus))
    if config.limiter_window:
        progress("rate limiter cost")
        run.limiter = _section(run, "limiter", lambda: measure_limiter(
            fixture, config.work_dir, full_window=config.limiter_window or 0, connections=16,
            duration_s=max(config.duration_s, 3.0) * 2, cpus=server_cpus, wrk_cpus=wrk_cpus))
    if config.conformance_profiles:
        progress(f"conformance suite: {', '.join(config.conformance_profiles)}")
        run.conformance = _section(run, "conformance", lambda: time_conformance(
            fixture, config.conformance_profiles, log_dir, config.work_dir, progress=progress)) or []
    return run


def _section(run: Run, name: str, measure: Callable[[], T]) -> T | None:
    """Run one optional part; a failure becomes a note instead of losing the whole run's results."""
    try:
        return measure()
    except Exception as error:  # a benchmark section may fail in any way; the rest of the run still counts
        run.notes.append(f"the {name} section failed: {type(error).__name__}: {error}")
        return None


def select(config: BenchConfig, only: Sequence[str]) -> BenchConfig:
    unknown = sorted(set(only) - set(ALL_TARGETS))
    if unknown:
        raise ValueError(f"unknown target {unknown[0]!r}; choose from: {', '.join(ALL_TARGETS)}")
    return replace(config, targets=tuple(t for t in ALL_TARGETS if t in only))
