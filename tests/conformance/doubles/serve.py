"""Serving a double as a process of its own on a free port of 127.0.0.1, for the tests and the benchmarks.

``python -m tests.conformance.doubles NAME [--port N]`` serves one of :data:`DOUBLES` until it is stopped and
prints ``listening on URL`` once it accepts connections (the backend double first prints its keys as the
``hissuno-conformance`` arguments that use them). :func:`double_process` does that from a test. A process of its
own, not a thread: a server in the test's own process shares the interpreter with the suite it answers, which
made a run several times slower.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from tests.conformance.doubles.backend import Backend
from tests.conformance.doubles.faulty import always_500, never_answering
from tests.conformance.doubles.wrapped import Slowed, WithoutRateLimits, unlimited_settings
from tests.support.servers import REPO, ServerStartError, stop

READY_TIMEOUT_S = 60.0


def _mock(**settings: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Connexion imports Starlette's TestClient, which warns about httpx.
        from tests.support.apps import hermetic_app
    return hermetic_app(**settings)


# Every double that is an ASGI app, by the name the benchmarks and the command line use.
DOUBLES: dict[str, Callable[[], Any]] = {
    "backend": lambda: Backend().app(),
    "always-500": lambda: always_500,
    "slow": lambda: Slowed(_mock()),
    "unlimited": lambda: WithoutRateLimits(_mock(**unlimited_settings())),
}
NAMES = (*DOUBLES, "never-answering")


@dataclass
class RunningDouble:
    url: str
    process: subprocess.Popen[str]
    # What the double printed before it listened (the backend's keys as CLI arguments).
    keys: list[str] = field(default_factory=list)


@contextlib.contextmanager
def double_process(name: str) -> Iterator[RunningDouble]:
    """Serve the double ``name`` in a process of its own until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.conformance.doubles", name],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        start_new_session=True,
    )
    try:
        running = _ready(process)
        yield running
    finally:
        stop(process)


def _ready(process: subprocess.Popen[str]) -> RunningDouble:
    assert process.stdout is not None
    keys: list[str] = []
    timer = threading.Timer(READY_TIMEOUT_S, process.kill)
    timer.start()
    try:
        for line in process.stdout:
            if line.startswith("{"):
                keys = json.loads(line)["keys"]
            elif line.startswith("listening on "):
                return RunningDouble(line.split()[-1], process, keys)
    finally:
        timer.cancel()
    raise ServerStartError(f"the double exited with {process.wait()} before it listened")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.doubles", description=__doc__)
    parser.add_argument("name", choices=NAMES)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.name == "never-answering":
        with never_answering(port=args.port) as silent:
            print(f"listening on {silent.url}", flush=True)
            threading.Event().wait()
    sock = socket.create_server(("127.0.0.1", args.port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    if args.name == "backend":
        backend = Backend()
        app = backend.app()
        print(json.dumps({"keys": backend.cli_keys()}), flush=True)
    else:
        app = DOUBLES[args.name]()
    print(f"listening on {url}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="auto")).run(sockets=[sock])
    sys.exit(0)
