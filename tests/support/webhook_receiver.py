"""Real webhook receivers on 127.0.0.1 (a thread of this process): one that records each delivery and can fail the
first N of them, and one that accepts connections and never answers; :func:`post_handler`, the request handler
every receiver of the test harness is built on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PostAnswer = Callable[[str, dict[str, str], bytes], int]
"""``(path, headers as sent, body)`` -> the status to answer a POST with."""


def post_handler(answer: PostAnswer) -> type[BaseHTTPRequestHandler]:
    """A handler that reads each POST whole and answers the status ``answer`` gives, with no body; it logs nothing."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = answer(self.path, dict(self.headers), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


class Receiver:
    """Use as a context manager; ``url`` takes deliveries, ``requests`` holds their headers and bodies."""

    def __init__(self, fail_first: int = 0, status_on_failure: int = 503) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_first = fail_first
        self.status_on_failure = status_on_failure
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), post_handler(self._record))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _record(self, path: str, headers: dict[str, str], body: bytes) -> int:
        self.requests.append({"headers": headers, "body": body})
        return self.status_on_failure if len(self.requests) <= self.fail_first else 204

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class SilentReceiver:
    """Accepts connections and never answers: a receiver that is dead in the slowest way (every attempt waits for
    the dispatcher's timeout). Use as a context manager; ``url`` takes deliveries."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def __enter__(self) -> SilentReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for connection in self.accepted:
            connection.close()
