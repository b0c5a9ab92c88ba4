"""Bytes on a socket: requests no HTTP client library would send (raw CR/LF in a header, a 1 MiB header,
a lying Content-Length, an unknown method), and a minimal reader for the answer."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

CRLF = b"\r\n"


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    raw_head: bytes = b""
    closed: bool = False
    seconds: float = 0.0
    header_list: list[tuple[str, str]] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def json(self) -> Any:
        return json.loads(self.body)

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def as_httpx(self, method: str | None = None, target: str | None = None) -> httpx.Response:
        """This answer as an ``httpx.Response`` for the judge, with the request ``method target`` when given."""
        request = httpx.Request(method, f"http://mock{target}") if method and target else None
        answer = httpx.Response(self.status, headers=self.header_list, content=self.body, request=request)
        answer.elapsed = timedelta(seconds=self.seconds)
        return answer


class NoResponse(AssertionError):
    """The server closed the connection or went silent without a complete answer."""


def address(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def request_bytes(method: str | bytes, target: str | bytes, headers: list[tuple[bytes | str, bytes | str]],
                  body: bytes = b"", *, content_length: bool = True, version: bytes = b"HTTP/1.1",
                  host: str = "127.0.0.1") -> bytes:
    """A request exactly as given: nothing is escaped, validated or added except ``Host`` and
    ``Content-Length``."""

    def raw(value: bytes | str) -> bytes:
        return value if isinstance(value, bytes) else value.encode("latin-1")

    lines = [raw(method) + b" " + raw(target) + b" " + version, b"Host: " + host.encode("latin-1")]
    lines += [raw(name) + b": " + raw(value) for name, value in headers]
    if content_length and body:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return CRLF.join(lines) + CRLF + CRLF + body


def exchange(base_url: str, data: bytes, *, timeout: float = 15.0) -> RawResponse:
    """Send ``data`` on a fresh connection and read one response (head, then ``Content-Length`` bytes)."""
    started = time.monotonic()
    with socket.create_connection(address(base_url), timeout=timeout) as sock:
        # The server may answer (413, 431) and close before reading everything; read what it said.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        return read_response(sock, started)


def read_response(sock: socket.socket, started: float | None = None) -> RawResponse:
    started = time.monotonic() if started is None else started
    buffer = b""
    closed = False
    while CRLF + CRLF not in buffer:
        chunk = _recv(sock)
        if not chunk:
            raise NoResponse(f"connection closed after {len(buffer)} bytes: {buffer[:200]!r}")
        buffer += chunk
    head, _, body = buffer.partition(CRLF + CRLF)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    _, status, *reason = status_line.split(" ", 2)
    header_list = [(name.strip().lower(), value.strip()) for name, _, value in
                   (line.partition(":") for line in header_lines)]
    headers = dict(header_list)
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = _recv(sock)
        if not chunk:
            closed = True
            break
        body += chunk
    return RawResponse(int(status), reason[0] if reason else "", headers, body[:length], head, closed,
                       time.monotonic() - started, header_list)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""
