"""The webhook family's receiver: an HTTP server on this machine that records every delivery the server under test
makes, so the checks can read what arrived, when, and with which headers.

Each webhook the family registers gets a box of its own (a path under ``/hooks/``), so deliveries are told apart
by URL; a box answers 204, or 500 to its first ``fail_first`` deliveries (to make the sender retry). It listens on
127.0.0.1 (``port`` 0: a free port). A server that cannot reach this machine delivers through a public tunnel
(``ngrok http 8765``, ``cloudflared``): ``public_url`` is the tunnel's address, under which the boxes are
registered, and the tunnel forwards to ``port`` here, where they are read.

Bounded whatever the sender does: bodies up to :data:`MAX_BODY` bytes (413 beyond, nothing kept), at most
:data:`MAX_ARRIVALS` deliveries kept per box (the first ones), and unknown paths answered 404 and not kept.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_WAIT = 30.0
MAX_BODY = 1 << 20
MAX_ARRIVALS = 500
ALWAYS = 1 << 30  # fail_first for a box that never acknowledges
PREFIX = "/hooks/"
LISTEN_HOST = "127.0.0.1"


@dataclass(frozen=True)
class InboxSettings:
    """Where the inbox listens (``port``, 0: a free one), the public URL in front of it (a tunnel), and how long
    the checks wait for what they expect to arrive."""

    public_url: str | None = None
    port: int = 0
    wait: float = DEFAULT_WAIT

    def open(self) -> Inbox:
        return Inbox(port=self.port, public_url=self.public_url)

    def check_port(self) -> None:
        """``ValueError`` when a fixed ``port`` cannot be listened on now (another program holds it)."""
        if not self.port:
            return
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the inbox's server does
            try:
                probe.bind((LISTEN_HOST, self.port))
            except OSError as error:
                raise ValueError(f"cannot listen on 127.0.0.1:{self.port}: {error.strerror or error}") from None


@dataclass(frozen=True)
class Arrival:
    """One delivery as it arrived: headers (names in lower case), the raw body, when (``time.time()`` and
    ``time.monotonic()``) and what the box answered."""

    headers: dict[str, str]
    body: bytes
    received_at: float
    monotonic: float
    status: int

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(eq=False)
class Box:
    """Where one webhook's deliveries go: its URL and what arrived there."""

    path: str
    url: str
    fail_first: int = 0
    arrivals: list[Arrival] = field(default_factory=list)

    def answer_for(self, number: int) -> int:
        """The status for the ``number``-th delivery (1-based)."""
        return 500 if number <= self.fail_first else 204


class Inbox:
    """Use as a context manager (or :meth:`start`/:meth:`close`); :meth:`box` gives each webhook its URL."""

    def __init__(self, *, port: int = 0, public_url: str | None = None, host: str = LISTEN_HOST,
                 max_arrivals: int = MAX_ARRIVALS) -> None:
        self.max_arrivals = max_arrivals
        self.boxes: dict[str, Box] = {}
        self.changed = threading.Condition()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.base_url = (public_url or f"http://127.0.0.1:{self.port}").rstrip("/")
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-inbox", daemon=True)

    def start(self) -> Inbox:
        self.thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Inbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def box(self, fail_first: int = 0) -> Box:
        """A new box answering 500 to its first ``fail_first`` deliveries (:data:`ALWAYS`: to every one)."""
        path = PREFIX + "hsc" + secrets.token_hex(6)
        box = Box(path, self.base_url + path, fail_first)
        with self.changed:
            self.boxes[path] = box
        return box

    def wait(self, done: Callable[[], bool], seconds: float) -> bool:
        """Wait until ``done()`` (asked after each arrival) or ``seconds`` pass; returns ``done()``."""
        deadline = time.monotonic() + max(0.0, seconds)
        with self.changed:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.25))
            return True

    def _record(self, path: str, headers: dict[str, str], body: bytes | None) -> int:
        with self.changed:
            box = self.boxes.get(path)
            if box is None:
                return 404
            if body is None:
                return 413
            status = box.answer_for(len(box.arrivals) + 1)
            if len(box.arrivals) < self.max_arrivals:
                box.arrivals.append(Arrival(headers, body, time.time(), time.monotonic(), status))
            self.changed.notify_all()
            return status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                body = self.rfile.read(length) if 0 <= length <= MAX_BODY else None
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = inbox._record(self.path.split("?", 1)[0], headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                if body is None:
                    self.send_header("Connection", "close")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
