"""Servers that fail every request the same way: a 500 to everything, or no answer at all."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


async def always_500(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app that answers every request 500 with a JSON error."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b'{"error": "Internal server error."}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@dataclass
class Silent:
    """A running never-answering server: its URL and the connections it has accepted so far."""

    url: str
    held: list[socket.socket] = field(default_factory=list)

    @property
    def connections(self) -> int:
        return len(self.held)


@contextmanager
def never_answering(host: str = "127.0.0.1", port: int = 0) -> Iterator[Silent]:
    """A TCP server that accepts every connection and never answers, until the block ends.

    Connections are held open (then closed when the block ends), so a client sees a read timeout, not a reset.
    """
    listener = socket.create_server((host, port))
    listener.settimeout(0.2)
    silent = Silent(f"http://{host}:{listener.getsockname()[1]}")
    held = silent.held
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.setblocking(False)
            held.append(connection)

    thread = threading.Thread(target=accept, name="never-answering", daemon=True)
    thread.start()
    try:
        yield silent
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()
        for connection in held:
            connection.close()
