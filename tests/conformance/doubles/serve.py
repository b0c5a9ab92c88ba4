"""Serving a double as a process of its own on a free port of 127.0.0.1 (the benchmarks do; tests serve the
apps in a thread with ``tests.support.servers.served``).

``python -m tests.conformance.doubles NAME [--port N]`` serves one of :data:`DOUBLES` until it is stopped and
prints ``listening on URL`` once it accepts connections (the backend double first prints its keys as the
``hissuno-conformance`` arguments that use them).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

import uvicorn

from tests.conformance.doubles.backend import Backend
from tests.conformance.doubles.faulty import always_500, never_answering
from tests.conformance.doubles.wrapped import Slowed, WithoutRateLimits, unlimited_settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Connexion imports Starlette's TestClient, which warns about httpx.
    from tests.support.apps import hermetic_app

# Every double that is an ASGI app, by the name the benchmarks and the command line use.
DOUBLES: dict[str, Callable[[], Any]] = {
    "backend": lambda: Backend().app(),
    "always-500": lambda: always_500,
    "slow": lambda: Slowed(hermetic_app()),
    "unlimited": lambda: WithoutRateLimits(hermetic_app(**unlimited_settings())),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.doubles", description=__doc__)
    parser.add_argument("name", choices=[*DOUBLES, "never-answering"])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.name == "never-answering":
        with never_answering(port=args.port) as url:
            print(f"listening on {url}", flush=True)
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
