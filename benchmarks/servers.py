"""Start a server under test, time it to its first 200, read its memory, stop it.

Every server (the mock, Prism, the Starlette floor) is a child process started the same way, so start-up
time means the same thing for all of them: from ``Popen`` to the first ``200`` on a real request with a
valid key, polled every few milliseconds. Memory is the resident set (``VmRSS``) of the process and all its
descendants, read from ``/proc``: forked workers share some pages, so the sum is an upper bound.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

POLL_INTERVAL_S = 0.005


class ServerStartError(RuntimeError):
    """The server exited or never answered 200 in time; the message carries the end of its log."""


def free_port() -> int:
    """A port nobody listens on right now (bind to port 0 and let the kernel choose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServerCommand:
    """How to start one server and how to know it is ready."""

    name: str
    argv: Sequence[str]
    port: int
    ready_path: str
    ready_headers: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    cpus: Sequence[int] | None = None
    host: str = "127.0.0.1"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass
class RunningServer:
    """A started server; use :func:`running` to get one that is always stopped."""

    command: ServerCommand
    process: subprocess.Popen[bytes]
    log_path: Path
    startup_s: float

    @property
    def base_url(self) -> str:
        return self.command.base_url

    def rss_bytes(self) -> int:
        return tree_rss_bytes(self.process.pid)

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL what is left."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout_s)


def start(command: ServerCommand, log_dir: Path, timeout_s: float = 120.0) -> RunningServer:
    """Start ``command`` in its own process group and wait for the first 200 on its ready path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / (re.sub(r"[^A-Za-z0-9_.-]+", "-", command.name) + ".log")
    cpus = set(command.cpus) if command.cpus else None
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command.argv),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **command.env},
            cwd=command.cwd,
            start_new_session=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
    server = RunningServer(command, process, log_path, startup_s=0.0)
    try:
        server.startup_s = _wait_for_200(command, process, started, timeout_s) - started
    except ServerStartError as error:
        server.stop()
        raise ServerStartError(f"{error}; it printed: {log_tail(log_path)}") from None
    except BaseException:
        server.stop()
        raise
    return server


def log_tail(path: Path, lines: int = 3) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:]) or "nothing"
    except OSError:
        return "nothing"


@contextlib.contextmanager
def running(command: ServerCommand, log_dir: Path, timeout_s: float = 120.0) -> Iterator[RunningServer]:
    server = start(command, log_dir, timeout_s)
    try:
        yield server
    finally:
        server.stop()


def _wait_for_200(command: ServerCommand, process: subprocess.Popen[bytes], started: float, timeout_s: float) -> float:
    deadline = started + timeout_s
    last_status: int | None = None
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"{command.name} exited with {process.returncode} before answering")
        last_status = probe(command.host, command.port, command.ready_path, command.ready_headers)
        if last_status == 200:
            return time.perf_counter()
        time.sleep(POLL_INTERVAL_S)
    raise ServerStartError(
        f"{command.name} gave no 200 on {command.ready_path} in {timeout_s:.0f} s (last status: {last_status})"
    )


def probe(host: str, port: int, path: str, headers: Mapping[str, str], timeout_s: float = 2.0) -> int | None:
    """The status of one GET, or None when nothing listens yet."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout_s)
    try:
        connection.request("GET", path, headers=dict(headers))
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def tree_rss_bytes(root_pid: int) -> int:
    """Sum of ``VmRSS`` over ``root_pid`` and all its descendants (0 for processes already gone)."""
    return sum(_rss_bytes(pid) for pid in descendants(root_pid, include_root=True))


def descendants(root_pid: int, include_root: bool = False) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        ppid = _parent_pid(entry)
        if ppid is not None:
            children.setdefault(ppid, []).append(int(entry.name))
    found = [root_pid] if include_root else []
    pending = [root_pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _parent_pid(proc_entry: Path) -> int | None:
    try:
        stat = (proc_entry / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after its closing one.
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def _rss_bytes(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
