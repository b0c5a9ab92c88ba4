"""Fixtures for running the suite against the mock: in-process, or served on a real port."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

with warnings.catch_warnings():
    # Connexion imports Starlette's TestClient, which warns about httpx on import.
    warnings.simplefilter("ignore")
    from mockserver.app import create_app
    from mockserver.settings import Settings


@contextmanager
def served(app: Any, keep_alive: float = 5.0) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free port of 127.0.0.1 (in a thread); yields its base URL.

    ``keep_alive``: seconds an idle connection stays open (uvicorn's default is 5).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="error", lifespan="on", timeout_keep_alive=keep_alive)  # type: ignore[arg-type]
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


def hermetic(app: Any) -> Any:
    """The mock with its webhook deliveries answered in-process: the suite registers webhooks (Schemathesis
    with random https URLs), and tests must not send anything beyond 127.0.0.1."""
    answer = httpx.MockTransport(lambda request: httpx.Response(204))
    app.mock.webhooks._client_factory = lambda: httpx.AsyncClient(transport=answer)
    return app


@pytest.fixture
def mock_app() -> Callable[..., Any]:
    """A fresh mock (its own store and rate-limit windows); keyword arguments override settings."""

    def build(**overrides: Any) -> Any:
        return hermetic(create_app(Settings.from_env({}, **overrides)))

    return build


@pytest.fixture
def serve() -> Callable[[Any], Any]:
    return served
