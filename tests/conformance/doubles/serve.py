"""Serving a double on a free port of 127.0.0.1: in a thread for tests, or as a process for the benchmarks.

``python -m tests.conformance.doubles NAME [--port N]`` serves one of :data:`DOUBLES` until it is stopped and
prints ``listening on URL`` once it accepts connections (the backend double also prints its keys as the
``hissuno-conformance`` arguments that use them).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from .backend import Backend
from .faulty import always_500, never_answering
from .wrapped import Slowed, WithoutRateLimits, unlimited_settings


def mock_app(**settings: Any) -> Any:
    """A fresh mock whose webhook deliveries are answered in-process (nothing leaves 127.0.0.1)."""
    import httpx

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Connexion imports Starlette's TestClient, which warns about httpx.
        from mockserver.app import create_app
        from mockserver.settings import Settings

    app = create_app(Settings.from_env({}, **settings))
    answer = httpx.MockTransport(lambda request: httpx.Response(204))
    app.mock.webhooks._client_factory = lambda: httpx.AsyncClient(transport=answer)
    return app


# Every double that is an ASGI app, by the name the benchmarks and the command line use.
DOUBLES: dict[str, Callable[[], Any]] = {
    "backend": lambda: Backend().app(),
    "always-500": lambda: always_500,
    "slow": lambda: Slowed(mock_app()),
    "unlimited": lambda: WithoutRateLimits(mock_app(**unlimited_settings())),
}


@contextmanager
def served(app: Any, keep_alive: float = 5.0) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free port of 127.0.0.1 (in a thread); yields its base URL.

    ``keep_alive``: seconds an idle connection stays open (uvicorn's default is 5).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="error", lifespan="auto", timeout_keep_alive=keep_alive)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.doubles", description=__doc__)
    parser.add_argument("name", choices=[*DOUBLES, "never-answering"])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.name == "never-answering":
        with never_answering(port=args.port) as url:
            print(f"listening on {url}", flush=True)
            threading.Event().wait()
    app = DOUBLES[args.name]()
    sock = socket.create_server(("127.0.0.1", args.port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    if args.name == "backend":
        print(json.dumps({"keys": Backend().cli_keys()}), flush=True)
    print(f"listening on {url}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="auto")).run(sockets=[sock])
    sys.exit(0)
