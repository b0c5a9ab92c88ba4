"""The mock the SDK proofs run against: ``hissuno-mock serve`` in its own process on a free port, with its access
log read line by line as it is written, each line stamped with the moment it arrived.

That log is the mock's own account of what the SDKs sent: every request, its status and when it came, so the
proofs count retries and 429s from the server's side rather than trusting the client. The only module here
that starts a process, so that the shared ``tests/support`` harness can replace it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

START_TIMEOUT_S = 30.0
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[\d.]+" (?P<status>\d{3})')


@dataclass(frozen=True)
class LoggedRequest:
    """One line of the mock's access log: when it arrived (``time.monotonic()``), the request, the status."""

    at: float
    method: str
    target: str
    status: int


class MockLog:
    """Reads a process's output on a thread of its own, keeping every line and every access-log request."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: list[str] = []
        self._requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            arrived = time.monotonic()
            line = raw.decode("utf-8", "replace").rstrip()
            match = ACCESS_LINE.search(line)
            with self._lock:
                self.lines.append(line)
                if match:
                    self._requests.append(LoggedRequest(arrived, match["method"], match["target"],
                                                        int(match["status"])))

    def requests(self, containing: str = "") -> list[LoggedRequest]:
        """The requests logged so far whose method and target contain ``containing``, oldest first."""
        with self._lock:
            return [r for r in self._requests if containing in f"{r.method} {r.target}"]

    def tail(self, count: int = 20) -> str:
        with self._lock:
            return "\n".join(self.lines[-count:])


@dataclass
class LiveMock:
    base_url: str
    process: subprocess.Popen[bytes]
    log: MockLog
    keys: dict[str, str]
    """Fixture keys by label (labels are unique in the SDK fixture)."""

    def key(self, label: str) -> str:
        return self.keys[label]

    def logged(self, containing: str, timeout_s: float = 5.0) -> list[LoggedRequest]:
        """Every logged request matching ``containing`` up to now: a marker request is sent, and once its line is
        read, so are the lines of every request answered before it."""
        marker = f"/__mock/keys?flush={uuid.uuid4().hex}"
        httpx.get(f"{self.base_url}{marker}", timeout=5)
        deadline = time.monotonic() + timeout_s
        while not self.log.requests(marker):
            if time.monotonic() > deadline:
                raise AssertionError(f"the mock's log never showed {marker}: {self.log.tail()}")
            time.sleep(0.01)
        return self.log.requests(containing)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def live_mock(fixture: Path, *serve_args: str, attempts: int = 3) -> Iterator[LiveMock]:
    """``hissuno-mock serve --fixtures FIXTURE --log-level info SERVE_ARGS`` on a free port until the block ends."""
    command = Path(sys.executable).with_name("hissuno-mock")
    for attempt in range(attempts):
        port = free_port()
        argv = [str(command), "serve", "--host", "127.0.0.1", "--port", str(port), "--fixtures", str(fixture),
                "--log-level", "info", *serve_args]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        assert process.stdout is not None
        log = MockLog(process.stdout)
        base_url = f"http://127.0.0.1:{port}"
        try:
            keys = _wait_for_keys(base_url, process, log)
        except RuntimeError:
            _stop(process)
            if attempt == attempts - 1 or "in use" not in log.tail():
                raise
            continue
        try:
            yield LiveMock(base_url, process, log, keys)
        finally:
            _stop(process)
        return


def _wait_for_keys(base_url: str, process: subprocess.Popen[bytes], log: MockLog) -> dict[str, str]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the mock exited with {process.returncode}: {log.tail()}")
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{base_url}/__mock/keys", timeout=2)
            if response.status_code == 200:
                return {item["label"]: item["key"] for item in response.json()}
        time.sleep(0.05)
    raise RuntimeError(f"the mock did not answer within {START_TIMEOUT_S:.0f} s: {log.tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # the session it leads: the server, nothing else
    process.wait(timeout=10)
