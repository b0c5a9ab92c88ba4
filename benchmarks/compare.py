"""What every ``compare_*`` script shares: the machine line, interleaved CPU timing and a Markdown table.

Each ``benchmarks/compare_*.py`` weighs one hand-written piece of the mock against the well-kept library
that could replace it, in one run: the options are timed in turn, round after round, and each result is
the median round, so a burst of other work on the machine lands on every option alike. Ratios are against
the first option of the run (the baseline named in the table).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import typer
import yaml

from benchmarks import machine
from benchmarks.loadgen import Request, run_wrk
from benchmarks.servers import ServerCommand, descendants, free_port, start
from mockserver.settings import default_fixtures


def describe_run(module: str) -> str:
    """The machine and the command, as the first lines of a result (numbers without them mean little)."""
    facts = machine.describe()
    busy = machine.background_cpu_percent(0.5)
    command = shlex.join([".venv/bin/python", "-m", module, *sys.argv[1:]])
    lines = [f"- machine: {facts['cpus']} x {facts['cpu_model']}, {facts['memory']}, {facts['os']}, {facts['python']}",
             f"- command: `{command}`"]
    if busy is not None:
        lines.append(f"- the machine was {busy:.0f}% busy with other work just before the run")
    return "\n".join(lines)


def cpu_seconds_per_call(calls: Sequence[Callable[[], object]]) -> float:
    """CPU time (every thread of this process) of one pass over ``calls``, divided by their number."""
    started = time.process_time()
    for call in calls:
        call()
    return (time.process_time() - started) / len(calls)


def interleaved(options: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run each option's measurement once per round, options in turn; the median round of each."""
    samples: dict[str, list[float]] = {name: [] for name in options}
    for _ in range(rounds):
        for name, measure in options.items():
            samples[name].append(measure())
    return {name: statistics.median(values) for name, values in samples.items()}


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline > 0 else "—"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# -- the mock over HTTP at the plans' real limits --------------------------------------------------------

# The options every HTTP comparison takes.
Rounds = Annotated[int, typer.Option(help="Interleaved rounds; the median counts.")]
Keys = Annotated[int, typer.Option(help="Keys the HTTP load goes round (each stays within 1000/minute).")]
Duration = Annotated[float, typer.Option(help="Seconds of HTTP load per option and round.")]
Connections = Annotated[int, typer.Option(help="HTTP connections.")]


def keyed_load(work_dir: Path, keys: int) -> tuple[Path, list[str], Request]:
    """The fixture with ``keys`` extra enterprise keys, and the list request that takes them in turn."""
    fixture, bench_keys = fixture_with_keys(work_dir, keys)
    return fixture, bench_keys, Request("GET", "/v1/sessions?limit=1",
                                        authorizations=tuple(f"Bearer {key}" for key in bench_keys))


def fixture_with_keys(work_dir: Path, count: int, plan: str = "enterprise") -> tuple[Path, list[str]]:
    """The packaged fixture with ``count`` more ``full`` keys in the project on ``plan``, limits untouched.

    Each request of a run takes the next key, so no key passes its plan's limit (the real one, 1000 a minute
    for enterprise) and every window holds what a busy key of that plan holds, not a benchmark's millions.
    """
    data = yaml.safe_load(default_fixtures().read_text())
    project = next(p for p in data["projects"] if p["plan"] == plan)
    keys = [f"hss_bench{index:06d}" for index in range(count)]
    project["keys"] += [{"key": key, "permission": "full", "label": f"bench-{index}"} for index, key in enumerate(keys)]
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"fixtures-{count}-{plan}-keys.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path, keys


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of these processes and all their descendants so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in {p for root in pids for p in descendants(root, include_root=True)}:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@dataclass
class HttpPoint:
    """One option's median round: throughput, CPU per request (server, and a helper such as redis-server)."""

    rps: float
    server_cpu_us: float
    helper_cpu_us: float | None
    p99_ms: float
    clean: bool
    served_total: int = 0  # every request the server answered in the comparison, warm-up included


def http_comparison(
    servers: Mapping[str, ServerCommand],
    request: Request,
    *,
    connections: int,
    duration_s: float,
    rounds: int,
    wrk_cpus: Sequence[int] | None,
    log_dir: Path,
    helper_pid: int | None = None,
) -> dict[str, HttpPoint]:
    """Start every server, then load them in turn, round after round; each option's median round (by req/s)."""
    started = {name: start(command, log_dir) for name, command in servers.items()}
    samples: dict[str, list[HttpPoint]] = {name: [] for name in servers}
    served = dict.fromkeys(servers, 0)
    try:
        for name, server in started.items():  # warm-up, also fills every window a little
            served[name] += run_wrk(server.base_url, request, connections, 1, cpus=wrk_cpus).requests
        for _ in range(rounds):
            for name, server in started.items():
                before = cpu_seconds([server.process.pid])
                helper_before = cpu_seconds([helper_pid]) if helper_pid else 0.0
                result = run_wrk(server.base_url, request, connections, duration_s, cpus=wrk_cpus)
                served[name] += result.requests
                count = max(1, result.requests)
                helper = (cpu_seconds([helper_pid]) - helper_before) / count * 1e6 if helper_pid else None
                samples[name].append(HttpPoint(result.rps, (cpu_seconds([server.process.pid]) - before) / count * 1e6,
                                               helper, result.p99_ms, result.clean))
    finally:
        for server in started.values():
            server.stop()
    medians = {name: sorted(points, key=lambda p: p.rps)[(len(points) - 1) // 2] for name, points in samples.items()}
    return {name: replace(point, served_total=served[name]) for name, point in medians.items()}


def http_table(points: Mapping[str, HttpPoint], helper: str | None = None) -> str:
    """Req/s and CPU per request of each option, with ratios to the first (the baseline)."""
    baseline = next(iter(points.values()))
    headers = ["option", "req/s", "req/s vs baseline", "server CPU µs / request", "CPU vs baseline", "p99 ms"]
    if helper:
        headers.append(f"{helper} CPU µs / request")
    rows = []
    for name, point in points.items():
        rps = f"{point.rps:,.0f}" + ("" if point.clean else " (answers >= 400 or socket errors)")
        row = [name, rps, ratio(point.rps, baseline.rps), f"{point.server_cpu_us:,.1f}",
               ratio(point.server_cpu_us, baseline.server_cpu_us), f"{point.p99_ms:.1f}"]
        if helper:
            row.append("—" if point.helper_cpu_us is None else f"{point.helper_cpu_us:,.1f}")
        rows.append(row)
    return table(headers, rows)


@contextlib.contextmanager
def redis_server(cpus: Sequence[int] | None) -> Iterator[tuple[str, int]]:
    """A throw-away redis-server on a free port, without persistence: ``(redis://127.0.0.1:PORT, pid)``."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian/Ubuntu: apt-get install -y redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, preexec_fn=(lambda: os.sched_setaffinity(0, set(cpus))) if cpus else None)
    try:
        deadline = time.monotonic() + 20
        while probe_redis(port) is False:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"redis-server did not start on port {port}")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def probe_redis(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False
