"""The processes the hardening tests talk to: ``hissuno-mock serve`` and ``redis-server``, each on a free port.

Real processes and real sockets, not in-process transports: the server's HTTP layer (uvicorn, httptools,
its timeouts and limits) is part of what is tested. Each process is started with its own log file (a pipe
nobody reads would block a chatty server) and stopped by its pid when the block ends.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

START_TIMEOUT_S = 30.0
RAISED_LIMIT = "100000000/minute"
PLANS = ("free", "pro", "enterprise")


class ServerStartError(RuntimeError):
    """A server exited or never became ready; the message carries the end of its log."""


def free_port() -> int:
    """A port nobody listens on right now (others run tests on this machine too: never a fixed one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mock_command() -> list[str]:
    """``hissuno-mock`` from the running interpreter's environment (the project's venv)."""
    script = Path(sys.executable).with_name("hissuno-mock")
    if script.exists():
        return [str(script)]
    found = shutil.which("hissuno-mock")
    return [found] if found else [sys.executable, "-m", "mockserver.cli"]


def raised_rate_limits() -> list[str]:
    """``--rate-limit`` flags that keep the limiter running on every request but never reject one."""
    flags: list[str] = []
    for plan in PLANS:
        flags += ["--rate-limit", f"{plan}={RAISED_LIMIT}"]
    return flags


@dataclass
class LiveMock:
    """A running ``hissuno-mock serve``."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def key_listing(self) -> list[dict[str, str]]:
        return httpx.get(f"{self.base_url}/__mock/keys", timeout=10).json()

    def key(self, plan: str, label: str) -> tuple[str, str]:
        """``(project_id, key)`` of the first project on ``plan`` with a key labelled ``label``."""
        for item in self.key_listing():
            if item["plan"] == plan and item["label"] == label:
                return item["project_id"], item["key"]
        raise LookupError((plan, label))

    def alive(self) -> bool:
        return self.process.poll() is None


def _stop(process: subprocess.Popen[Any], timeout_s: float = 10.0) -> None:
    """SIGTERM (uvicorn's supervisor stops its workers), then SIGKILL the process group it leads."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout_s)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # our own session: the server and its workers, nothing else
    process.wait(timeout=timeout_s)


def _answers(url: str) -> bool:
    return httpx.get(url, timeout=2).status_code == 200


def _wait_until_ready(process: subprocess.Popen[Any], ready: Any, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError, httpx.HTTPError):
            if ready():
                return
        time.sleep(0.05)
    raise ServerStartError(f"not ready after {START_TIMEOUT_S:.0f} s: {log_path.read_text()[-2000:]}")


@contextlib.contextmanager
def live_mock(*args: str, log_level: str = "warning", attempts: int = 3,
              command: Sequence[str] | None = None) -> Iterator[LiveMock]:
    """``hissuno-mock serve --port <free> ARGS`` (or ``COMMAND --port <free> ARGS``) until the block ends.

    A port can be taken between choosing it and binding it (other test runs share the machine); the mock
    then exits with a clear message and another port is tried.
    """
    with tempfile.TemporaryDirectory(prefix="hissuno-hardening-") as tmp:
        for attempt in range(attempts):
            port = free_port()
            log_path = Path(tmp) / f"mock-{port}.log"
            argv = [*(command or [*mock_command(), "serve"]), "--host", "127.0.0.1", "--port", str(port),
                    "--log-level", log_level, *args]
            with log_path.open("wb") as log:
                process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                           start_new_session=True)
            base_url = f"http://127.0.0.1:{port}"
            try:
                _wait_until_ready(process, functools.partial(_answers, f"{base_url}/__mock/keys"), log_path)
            except ServerStartError:
                _stop(process)
                if attempt == attempts - 1 or "in use" not in log_path.read_text():
                    raise
                continue
            try:
                yield LiveMock(base_url, process, log_path)
            finally:
                _stop(process)
            return


@dataclass
class LiveRedis:
    """A running ``redis-server`` with nothing persisted."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


def redis_binary() -> str | None:
    return shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                            else None)


def _redis_pings(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


@contextlib.contextmanager
def live_redis(extra: Sequence[str] = ()) -> Iterator[LiveRedis]:
    """``redis-server`` on a free port, in memory only (``--save '' --appendonly no``), stopped afterwards."""
    binary = redis_binary()
    if binary is None:
        raise ServerStartError("redis-server is not installed")
    with tempfile.TemporaryDirectory(prefix="hissuno-redis-") as tmp:
        port = free_port()
        log_path = Path(tmp) / "redis.log"
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", tmp, *extra]
        with log_path.open("wb") as log:
            process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        try:
            _wait_until_ready(process, functools.partial(_redis_pings, port), log_path)
            yield LiveRedis(port, process)
        finally:
            _stop(process)
