"""Start a server for a test and stop it afterwards: the mock in a thread of this process, the mock's CLI in a
process of its own, each on a free port of 127.0.0.1, returned only once it answers.

Other test runs share the machine, so never a fixed port. A subprocess's output is read on a thread as it is
written (a pipe nobody reads would block a chatty server), each line stamped with the moment it arrived, so
tests can count requests from the server's side.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import uvicorn

from tests.support.keys import Keys

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
RAISED_LIMIT = "100000000/minute"
PLANS = ("free", "pro", "enterprise")
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[\d.]+" (?P<status>\d{3})')
FLUSH_MARKER = "/__mock/keys?flush="


class ServerStartError(RuntimeError):
    """A server exited or never answered; the message carries the end of its output."""


def free_port() -> int:
    """A port nobody listened on a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(ready: Callable[[], bool], process: subprocess.Popen[Any], describe: Callable[[], str],
               timeout_s: float = START_TIMEOUT_S) -> None:
    """Poll ``ready`` (connection errors count as not yet) until it is true, the process exits, or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"exited with {process.returncode}: {describe()}")
        with contextlib.suppress(OSError, httpx.HTTPError):
            if ready():
                return
        time.sleep(0.05)
    raise ServerStartError(f"not ready after {timeout_s:.0f} s: {describe()}")


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM (uvicorn's supervisor stops its workers), then SIGKILL the process group it leads."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # the session it leads: the server and its workers, nothing else
    process.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def served(app: Any, *, keep_alive: float = 5.0) -> Iterator[str]:
    """``app`` under a real uvicorn server in a thread of this process; yields its base URL.

    ``keep_alive``: seconds an idle connection stays open (uvicorn's default is 5).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="error", access_log=False, lifespan="on", loop="asyncio",
                            timeout_keep_alive=keep_alive)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise ServerStartError("uvicorn did not start in its thread")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_TIMEOUT_S)
        sock.close()


@dataclass(frozen=True)
class LoggedRequest:
    """One line of a server's access log: when it arrived (``time.monotonic()``), the request, the status."""

    at: float
    method: str
    target: str
    status: int


class ServerLog:
    """A process's output, read on a thread of its own: every line, and every access-log request in it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: list[str] = []
        self.logged: list[LoggedRequest] = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self.read, args=(stream,), daemon=True)
        self.reader.start()

    def read(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            arrived = time.monotonic()
            line = raw.decode("utf-8", "replace").rstrip()
            match = ACCESS_LINE.search(line)
            with self.lock:
                self.lines.append(line)
                if match:
                    self.logged.append(LoggedRequest(arrived, match["method"], match["target"], int(match["status"])))

    def requests(self, containing: str = "") -> list[LoggedRequest]:
        """The requests logged so far whose method and target contain ``containing``, oldest first."""
        with self.lock:
            return [r for r in self.logged if containing in f"{r.method} {r.target}"]

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.lines)

    def tail(self, count: int = 30) -> str:
        with self.lock:
            return "\n".join(self.lines[-count:])

    def finish(self) -> None:
        """Wait for the last lines (call once the process has exited)."""
        self.reader.join(timeout=STOP_TIMEOUT_S)


@dataclass
class LiveMock:
    """A running ``hissuno-mock serve`` (or a stand-in taking its flags)."""

    base_url: str
    port: int
    process: subprocess.Popen[bytes]
    log: ServerLog
    keys: Keys

    def alive(self) -> bool:
        return self.process.poll() is None

    def logged(self, containing: str, timeout_s: float = 5.0) -> list[LoggedRequest]:
        """Every logged request matching ``containing`` up to now (needs ``log_level="info"``): a marker request is
        sent, and once its line is read, so are the lines of every request answered before it (markers are left
        out)."""
        marker = f"{FLUSH_MARKER}{uuid.uuid4().hex}"
        httpx.get(f"{self.base_url}{marker}", timeout=5)
        deadline = time.monotonic() + timeout_s
        while not self.log.requests(marker):
            if time.monotonic() > deadline:
                raise AssertionError(f"the mock's log never showed {marker}: {self.log.tail()}")
            time.sleep(0.01)
        return [r for r in self.log.requests(containing) if not r.target.startswith(FLUSH_MARKER)]


def _answers(url: str, headers: Mapping[str, str]) -> bool:
    return httpx.get(url, headers=headers, timeout=2).status_code == 200


def mock_command() -> list[str]:
    """``hissuno-mock serve`` from the running interpreter's environment (the project's venv)."""
    script = Path(sys.executable).with_name("hissuno-mock")
    return [str(script), "serve"] if script.exists() else [sys.executable, "-m", "mockserver.cli", "serve"]


def raised_rate_limits() -> list[str]:
    """``--rate-limit`` flags that keep the limiter running on every request but never reject one."""
    return [flag for plan in PLANS for flag in ("--rate-limit", f"{plan}={RAISED_LIMIT}")]


def mock_environment(base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """``base`` (the current environment by default) without ``HISSUNO_MOCK_*`` settings, plus ``extra``."""
    source = os.environ if base is None else base
    return {**{k: v for k, v in source.items() if not k.startswith("HISSUNO_MOCK_")}, **extra}


@contextlib.contextmanager
def live_mock(*args: str, command: Sequence[str] | None = None, port: int | None = None,
              log_level: str | None = "warning", env: Mapping[str, str] | None = None, cwd: Path | None = None,
              attempts: int = 3, control_token: str | None = None) -> Iterator[LiveMock]:
    """``hissuno-mock serve --host 127.0.0.1 --port <free> [--log-level L] ARGS`` until the block ends.

    ``command`` replaces ``hissuno-mock serve`` (an installed copy, a mutant taking the same flags: see
    :func:`tests.support.serve_mutant.mutant_command`), run in ``cwd`` (the repository root by default); ``env``
    replaces the environment (by default this one without ``HISSUNO_MOCK_*`` settings, see
    :func:`mock_environment`); ``log_level=None`` passes no ``--log-level``. Ready once ``GET /__mock/keys``
    answers 200. A free port can be taken before the mock binds it (other runs share the machine): the mock
    then exits saying so and another port is tried, unless ``port`` was given. ``control_token`` starts the mock
    with ``--control-token`` and sends it to the controls while starting.
    """
    argv = [*(command or mock_command()), "--host", "127.0.0.1"]
    tail = [*(["--log-level", log_level] if log_level else []), *args]
    controls: dict[str, str] = {}
    if control_token is not None:
        tail += ["--control-token", control_token]
        controls["Authorization"] = f"Bearer {control_token}"
    environment = mock_environment() if env is None else dict(env)
    for attempt in range(1 if port else attempts):
        bound = port or free_port()
        process = subprocess.Popen([*argv, "--port", str(bound), *tail], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=environment,
                                   cwd=cwd or REPO,
                                   start_new_session=True)
        assert process.stdout is not None
        log = ServerLog(process.stdout)
        base_url = f"http://127.0.0.1:{bound}"
        try:
            wait_until(functools.partial(_answers, f"{base_url}/__mock/keys", controls), process, log.tail)
        except ServerStartError:
            stop(process)
            log.finish()
            if port or attempt == attempts - 1 or "in use" not in log.text():
                raise
            continue
        try:
            listing = httpx.get(f"{base_url}/__mock/keys", headers=controls, timeout=10).json()
            yield LiveMock(base_url, bound, process, log, Keys(listing))
        finally:
            stop(process)
            log.finish()
        return
