"""The one load generator of every run: wrk, driven by ``lua/request.lua``, read back as numbers.

wrk is a C event loop that saturates a Python server from a single thread, so on a small machine one wrk
thread pinned to its own core leaves the other core to the server under test. Every server in a run is
measured with the same wrk, the same script and the same durations, which is what makes the ratios fair.
The script prints a ``BENCH_RESULT {json}`` line with microsecond integers, so parsing never depends on
wrk's human-readable units.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).parent / "lua" / "request.lua"
RESULT_MARKER = "BENCH_RESULT "
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


class LoadGeneratorError(RuntimeError):
    """wrk is missing, failed, or printed nothing we can read."""


@dataclass(frozen=True)
class Request:
    """One request shape, repeated by every connection for the whole run."""

    method: str
    path: str
    authorization: str | None = None
    body: str | None = None
    # Authorization values taken in turn, one per request (many keys, each kept within its plan's limit)
    authorizations: tuple[str, ...] = ()

    def environment(self) -> dict[str, str]:
        """The variables ``lua/request.lua`` reads."""
        env = {"BENCH_METHOD": self.method}
        if self.body is not None:
            env["BENCH_BODY"] = self.body
        if self.authorization is not None:
            env["BENCH_AUTHORIZATION"] = self.authorization
        if self.authorizations:
            env["BENCH_AUTHORIZATIONS"] = ",".join(self.authorizations)
        return env


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured; latencies in milliseconds."""

    requests: int
    duration_s: float
    errors: Mapping[str, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def bad_status(self) -> int:
        """Responses with a status of 400 or more (wrk's ``errors.status``)."""
        return int(self.errors.get("status", 0))

    @property
    def socket_errors(self) -> int:
        return sum(int(self.errors.get(name, 0)) for name in SOCKET_ERRORS)

    @property
    def clean(self) -> bool:
        """True when every request got a response below 400 and no socket failed."""
        return self.requests > 0 and self.bad_status == 0 and self.socket_errors == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "rps": round(self.rps, 1),
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
            "mean_ms": self.mean_ms,
            "errors": dict(self.errors),
        }


def parse_wrk_output(text: str) -> LoadResult:
    """Read the ``BENCH_RESULT`` line that ``lua/request.lua`` prints at the end of a run."""
    for line in reversed(text.splitlines()):
        if line.startswith(RESULT_MARKER):
            return _result_from_json(json.loads(line[len(RESULT_MARKER) :]))
    raise LoadGeneratorError(f"wrk printed no {RESULT_MARKER.strip()} line:\n{text[-2000:]}")


def _result_from_json(data: Mapping[str, object]) -> LoadResult:
    latency = data["latency_us"]
    assert isinstance(latency, Mapping)
    errors = data["errors"]
    assert isinstance(errors, Mapping)

    def ms(name: str) -> float:
        return round(float(latency[name]) / 1000.0, 3)

    return LoadResult(
        requests=int(data["requests"]),  # type: ignore[arg-type]
        duration_s=int(data["duration_us"]) / 1_000_000,  # type: ignore[arg-type]
        errors={str(name): int(count) for name, count in errors.items()},
        p50_ms=ms("p50"),
        p90_ms=ms("p90"),
        p99_ms=ms("p99"),
        max_ms=ms("max"),
        mean_ms=ms("mean"),
    )


def find_wrk() -> str:
    """The wrk binary; installed with apt-get when missing and we are root, else a clear error."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    raise LoadGeneratorError(
        "wrk is not installed: install it with your package manager (Debian/Ubuntu: `apt-get install -y wrk`, "
        "macOS: `brew install wrk`) and run the benchmark again"
    )


def wrk_command(
    wrk: str, url: str, connections: int, duration_s: float, threads: int = 1, timeout_s: float = 5.0
) -> list[str]:
    """The wrk argv for one run (threads never exceed connections, as wrk requires)."""
    return [
        wrk,
        f"--threads={max(1, min(threads, connections))}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration_s))}s",
        f"--timeout={max(1, round(timeout_s))}s",
        f"--script={LUA_SCRIPT}",
        url,
    ]


def run_wrk(
    base_url: str,
    request: Request,
    connections: int,
    duration_s: float,
    *,
    cpus: Sequence[int] | None = None,
    threads: int = 1,
) -> LoadResult:
    """Run wrk once against ``base_url + request.path`` and return what it measured."""
    argv = wrk_command(find_wrk(), base_url.rstrip("/") + request.path, connections, duration_s, threads)
    env = {**os.environ, **request.environment()}
    preexec = (lambda: os.sched_setaffinity(0, set(cpus))) if cpus else None
    completed = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=duration_s + 60, preexec_fn=preexec, check=False
    )
    if completed.returncode != 0:
        raise LoadGeneratorError(f"wrk exited with {completed.returncode}: {completed.stderr.strip()}")
    return parse_wrk_output(completed.stdout)
