"""How long the conformance suite takes, per profile, against each kind of server it must survive.

The targets of issue 14: our mock (default limits), Stoplight Prism 5.16 mocking our internal document (it
stores nothing), a server answering 500 to everything, one that never answers, one with no rate limits, one
that takes 200 ms per request; plus the double of today's Hissuno backend, without and with the shipped
register of known divergences. Each is started fresh for each profile (a created row or a spent rate-limit
window must not slow the next run), and the suite runs as a user runs it: ``hissuno-conformance run`` with its
default budget (quick 55 s, full 285 s). Wall time is from starting the command to its exit.

``python -m benchmarks.conformance_timing [--profiles quick,full] [--targets mock,slow]`` runs this part alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.prism import PrismUnavailable, ensure_prism, prism_argv, write_spec
from benchmarks.results import CommandTiming
from benchmarks.servers import ServerCommand, ServerStartError, free_port, start
from benchmarks.targets import BIN, benchmark_key
from mockserver.data.fixture import Fixture, load_fixture
from mockserver.settings import default_fixtures

TIMEOUT_S = 900
SEED = "7"
WORK_DIR = Path(__file__).resolve().parent / ".work"
REGISTER = Path(__file__).resolve().parents[1] / "conformance" / "divergences" / "hissuno-backend.yaml"
# Keys for servers that check none (Prism only wants a Bearer header; the faulty doubles answer nothing).
ANY_KEYS = ["--api-key", "hss_main", "--project-id", "proj_a", "--other-api-key", "hss_other",
            "--other-project-id", "proj_b", "--revoked-key", "hss_revoked", "--rate-limit-key", "hss_limit",
            "--read-only-key", "hss_read", "--standard-key", "hss_standard"]  # fmt: skip
TARGETS = ("mock", "prism", "always-500", "never-answering", "unlimited", "slow", "backend", "backend + register")


@dataclass(frozen=True)
class Served:
    url: str
    args: list[str]


def conformance_argv(base_url: str, profile: str, args: Sequence[str], report: Path) -> list[str]:
    return [str(BIN / "hissuno-conformance"), "run", "--base-url", base_url, *args, "--profile", profile,
            "--seed", SEED, "--json", str(report)]  # fmt: skip


@contextlib.contextmanager
def _mock(fixture: Fixture, log_dir: Path) -> Iterator[Served]:
    port = free_port()
    argv = [str(BIN / "hissuno-mock"), "serve", "--port", str(port)]
    headers = {"Authorization": f"Bearer {benchmark_key(fixture).key}"}
    command = ServerCommand("mock for conformance", argv, port, "/v1/sessions?limit=1", headers)
    server = start(command, log_dir)
    try:
        yield Served(command.base_url, ["--mock-keys"])
    finally:
        server.stop()


@contextlib.contextmanager
def _prism(work_dir: Path, log_dir: Path) -> Iterator[Served]:
    binary, spec = ensure_prism(work_dir), write_spec(work_dir, "internal")
    port = free_port()
    argv = prism_argv(binary, spec, port, dynamic=False)
    command = ServerCommand("prism for conformance", argv, port, "/api/projects/proj_a/sessions?limit=1",
                            {"Authorization": "Bearer hss_main"})  # fmt: skip
    server = start(command, log_dir)
    try:
        yield Served(command.base_url, [*ANY_KEYS, "--api", "internal"])
    finally:
        server.stop()


@contextlib.contextmanager
def _double(name: str, args: Sequence[str]) -> Iterator[Served]:
    from tests.conformance.doubles.serve import double_process

    with double_process(name) as running:
        yield Served(running.url, [*running.keys, *args] if running.keys else list(args))


Serve = Callable[[], contextlib.AbstractContextManager[Served]]


def servers(fixture: Fixture, work_dir: Path, log_dir: Path) -> dict[str, Serve]:
    return {
        "mock": lambda: _mock(fixture, log_dir),
        "prism": lambda: _prism(work_dir, log_dir),
        "always-500": lambda: _double("always-500", ANY_KEYS),
        "never-answering": lambda: _double("never-answering", ANY_KEYS),
        "unlimited": lambda: _double("unlimited", ["--mock-keys"]),
        "slow": lambda: _double("slow", ["--mock-keys"]),
        "backend": lambda: _double("backend", []),
        "backend + register": lambda: _double("backend", ["--known-divergences", str(REGISTER)]),
    }


def time_conformance(
    fixture: Fixture, profiles: Sequence[str], log_dir: Path, work_dir: Path = WORK_DIR,
    targets: Sequence[str] = TARGETS, progress: Callable[[str], None] = print,
) -> list[CommandTiming]:  # fmt: skip
    """One timing per target and profile: wall seconds, exit code, the failing families (or why it failed)."""
    if not (BIN / "hissuno-conformance").exists():
        missing = "hissuno-conformance is not installed in this environment"
        return [CommandTiming(f"{t} {p}", [], error=missing) for t in targets for p in profiles]
    makers = servers(fixture, work_dir, log_dir)
    timings = []
    for target in targets:
        for profile in profiles:
            progress(f"conformance {profile} against {target}")
            timings.append(_time_one(target, profile, makers[target], log_dir))
    return timings


def _time_one(target: str, profile: str, serve: Serve, log_dir: Path) -> CommandTiming:
    name = f"{target} · {profile}"
    slug = "".join(c if c.isalnum() else "-" for c in f"{target}-{profile}")
    report = log_dir / f"conformance-{slug}.json"
    timing = CommandTiming(name, [])
    try:
        with serve() as served:
            timing.argv = conformance_argv(served.url, profile, served.args, report)
            started = time.perf_counter()
            completed = subprocess.run(timing.argv, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
            timing.seconds = time.perf_counter() - started
            timing.returncode = completed.returncode
            (log_dir / f"conformance-{slug}.log").write_text(completed.stdout + completed.stderr)
            timing.tail = _summary(report) or "\n".join(completed.stderr.strip().splitlines()[-2:])
    except (ServerStartError, PrismUnavailable) as error:
        timing.error = str(error)
    except subprocess.TimeoutExpired:
        timing.error = f"did not finish within {TIMEOUT_S} s"
    return timing


def _summary(report: Path) -> str:
    """What the run's JSON says: the failing families, known divergences, stages the budget stopped."""
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        return ""
    failing = sorted({r["family"] for r in data["results"] if r["status"] == "failed"})
    parts = [f"failing: {', '.join(failing) or 'none'}", f"score {data['score']:.1%}, coverage {data['coverage']:.1%}"]
    if data.get("known"):
        parts.append(f"{data['known']} known")
    if data.get("register"):
        parts.append(f"register: {'; '.join(f['entry'] + ' ' + f['kind'] for f in data['register'])}")
    if data.get("budget_cut"):
        parts.append(f"budget stopped {len(data['budget_cut'])} stage(s)")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.conformance_timing", description=__doc__)
    parser.add_argument("--profiles", default="quick,full")
    parser.add_argument("--targets", default=",".join(TARGETS))
    args = parser.parse_args(argv)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        parser.error(f"unknown targets {unknown}; choose from {', '.join(TARGETS)}")
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    log_dir = WORK_DIR / "logs"
    timings = time_conformance(load_fixture(default_fixtures()), profiles, log_dir, WORK_DIR, targets)
    print("| target · profile | seconds | exit code | result |\n|---|---|---|---|")
    for timing in timings:
        seconds = "—" if timing.seconds is None else f"{timing.seconds:.1f}"
        print(f"| {timing.name} | {seconds} | {timing.returncode} | {timing.error or timing.tail} |")


if __name__ == "__main__":
    main()
