"""The HTTP/1.1 connection: uvicorn's httptools protocol with everything a client can hold bounded, every refusal
in JSON.

- The head must arrive within :data:`HEAD_TIMEOUT_S` (else 408, or a silent close if nothing was sent) and stay
  under :data:`MAX_HEAD_BYTES` (else 414 or 431); a request the parser rejects gets 400.
- A body must arrive within :data:`BODY_TIMEOUT_S` of its head (else 408, or a close once answered).
- At most :data:`MAX_PIPELINED` requests wait behind the one being answered; the connection closes after the
  last of them is answered and the rest are never read (a client retries unanswered pipelined requests).
- An answer the client does not read for :data:`WRITE_TIMEOUT_S` ends the connection.
- A request answered before its body arrived (401, 413) has the rest of its body read and discarded, up to
  :data:`MAX_DRAINED_BYTES`, before the connection closes, so that clients that send the whole body before
  reading (``urllib``, ``requests``) read the answer instead of a reset.
- Connections stay below the process's descriptor limit (:func:`connection_budget`): past it, the connection
  that has waited longest for a request makes room (503 if it had started one).

Each refusal is ``{"error": "..."}`` with ``Connection: close``, written before any of the app runs.
"""

from __future__ import annotations

import asyncio
import functools
import resource
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mockserver.pipeline.errors import ApiError, encode

HEAD_TIMEOUT_S = 10.0
BODY_TIMEOUT_S = 10.0
WRITE_TIMEOUT_S = 30.0
MAX_HEAD_BYTES = 64 * 1024
MAX_PIPELINED = 32
MAX_DRAINED_BYTES = 64 * 1024 * 1024
RESERVED_DESCRIPTORS = 64
"""Descriptors kept for everything but client connections: listening sockets, logs, SQLite, Redis, deliveries."""

HEAD_TIMED_OUT = "Request headers were not received in time."
BODY_TIMED_OUT = "Request body was not received in time."
MESSAGES = {
    400: "Malformed HTTP request.",
    408: HEAD_TIMED_OUT,
    414: f"Request line is longer than {MAX_HEAD_BYTES // 1024} KiB.",
    431: f"Request headers are larger than {MAX_HEAD_BYTES // 1024} KiB.",
    503: "Too many connections: the server closed this one to serve others.",
}


@functools.cache
def connection_budget() -> int:
    """How many client connections this process keeps open: its descriptor limit less a reserve."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1 << 20
    return max(16, soft - max(RESERVED_DESCRIPTORS, soft // 8))


class LingeringTransport:
    """The connection's transport as uvicorn sees it, except that ``close()`` waits while the client is still
    sending the body of a request that was answered early (``lingers`` says so and takes over)."""

    def __init__(self, transport: asyncio.Transport, lingers: Any) -> None:
        self.transport = transport
        self.lingers = lingers
        self.closing = False
        self.write = transport.write
        self.pause_reading = transport.pause_reading
        self.resume_reading = transport.resume_reading
        self.get_extra_info = transport.get_extra_info
        self.abort = transport.abort

    def is_closing(self) -> bool:
        return self.closing or self.transport.is_closing()

    def close(self) -> None:
        if self.closing:
            return
        self.closing = True
        if not self.lingers():
            self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class MockHttpProtocol(HttpToolsProtocol):
    """Pass as ``uvicorn.Config(http=MockHttpProtocol)``."""

    head_timeout_s: float = HEAD_TIMEOUT_S
    body_timeout_s: float = BODY_TIMEOUT_S
    write_timeout_s: float = WRITE_TIMEOUT_S
    max_head_bytes: int = MAX_HEAD_BYTES
    max_pipelined: int = MAX_PIPELINED
    max_drained_bytes: int = MAX_DRAINED_BYTES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.raw_transport: asyncio.Transport | None = None
        self._done = False  # refused, overflowed or closing: nothing more is read or answered
        self._reading_head = True
        self._head_bytes = 0  # raw bytes of an incomplete head (a guard on what the parser buffers)
        self._url_bytes = 0  # the parsed head, measured exactly
        self._header_bytes = 0
        self._completed_in_chunk = False
        self._in_body = False
        self._lingering = False
        self._drained = 0
        self._waiting_since = time.monotonic()
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._write_timer: asyncio.TimerHandle | None = None

    # --- connection -------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.raw_transport = transport
        super().connection_made(LingeringTransport(transport, self._linger))  # type: ignore[arg-type]
        self._arm_head_timer()
        if len(self.connections) > connection_budget():
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._done = True
        for timer in (self._head_timer, self._body_timer, self._write_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = self._write_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._done and not self._lingering:
            if self.raw_transport is not None and not self.raw_transport.is_closing():
                self.raw_transport.pause_reading()
            return
        self._completed_in_chunk = False
        super().data_received(data)
        if self._done or not self._reading_head:
            if self._in_body and self._body_timer is None and not self._done:
                self._body_timer = self.loop.call_later(self.body_timeout_s, self._body_timed_out)
            return
        # A head still incomplete: count this chunk unless the head began inside it after another request
        # (its offset is unknown); the parser's exact counts cover that case, so the guard is off by a chunk at most.
        if not self._completed_in_chunk:
            self._head_bytes += len(data)
        seen = max(self._head_bytes, self._url_bytes + self._header_bytes)
        if seen > self.max_head_bytes:
            self.refuse(414 if self._url_bytes * 2 > seen else 431)

    def send_400_response(self, msg: str) -> None:
        self.refuse(400)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.write_timeout_s, self._write_timed_out)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    # --- parser callbacks -------------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._head_bytes = self._url_bytes = self._header_bytes = 0
        self._arm_head_timer()

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._done:
            return
        self._reading_head = False
        self._disarm_head_timer()
        if self._url_bytes > self.max_head_bytes:
            self.refuse(414)
        elif self._url_bytes + self._header_bytes > self.max_head_bytes:
            self.refuse(431)
        elif len(self.pipeline) >= self.max_pipelined:
            self._overflow()
        else:
            self._in_body = True
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self._done and not self._lingering:
            return
        if self.cycle.response_complete:  # answered early: the rest is read and discarded, up to a bound
            self._drained += len(body)
            if self._drained > self.max_drained_bytes:
                self._close_now()
            return
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._completed_in_chunk = True
        if self._done and not self._lingering:
            return
        self._in_body = False
        self._drained = 0
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        if self._lingering:
            self._close_now()
            return
        super().on_message_complete()
        self._reading_head = True
        self._head_bytes = self._url_bytes = self._header_bytes = 0

    def on_response_complete(self) -> None:
        self._waiting_since = time.monotonic()
        super().on_response_complete()

    # --- refusing and closing ---------------------------------------------------------------------------

    def refuse(self, status: int, message: str | None = None) -> None:
        """Answer ``status`` with the contract's error body and close the connection."""
        message = message or MESSAGES[status]
        self._done = True
        self._reading_head = False
        self._disarm_head_timer()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app's answer, if any comes, is dropped
            self.cycle.message_event.set()
        transport = self.raw_transport
        if transport is None or transport.is_closing():
            return
        body = encode(ApiError(status, message))
        head = [STATUS_LINE[status]]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body),
                 b"connection: close\r\n", b"\r\n"]
        transport.write(b"".join(head) + body)
        transport.close()
        self.logger.info("Refused a request: %s", message)

    def waiting_for_request(self) -> bool:
        """Idle between requests or still reading a head: the connection holds nothing of the app's."""
        return (self._reading_head and not self._done and not self.pipeline
                and (self.cycle is None or self.cycle.response_complete))

    def shed(self) -> None:
        """Close to make room for another connection: 503 if a head had begun, silently if idle."""
        if self._head_bytes or self._url_bytes:
            self.refuse(503)
        else:
            self._close_now()

    def _make_room(self) -> None:
        waiting = [c for c in self.connections
                   if c is not self and isinstance(c, MockHttpProtocol) and c.waiting_for_request()]
        if waiting:
            min(waiting, key=lambda c: c._waiting_since).shed()
        else:
            self.refuse(503)

    def _overflow(self) -> None:
        """One request too many waiting: read nothing more and close after answering those already queued."""
        self._done = True
        newest, _ = self.pipeline[0]
        newest.keep_alive = False
        if self.raw_transport is not None:
            self.raw_transport.pause_reading()
        self.logger.info("Closing a connection after %d pipelined requests", self.max_pipelined)

    def _linger(self) -> bool:
        """uvicorn closes the connection: go on reading the request's body if one is still arriving."""
        answered = self.cycle is not None and self.cycle.response_complete
        if not self._in_body or not answered or self._done:
            self._done = True
            return False
        self._done = self._lingering = True
        if self.raw_transport is not None:
            self.raw_transport.resume_reading()
        return True

    def _close_now(self) -> None:
        self._done = True
        self._lingering = False
        if self.raw_transport is not None and not self.raw_transport.is_closing():
            self.raw_transport.close()

    # --- timers -----------------------------------------------------------------------------------------

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self._reading_head or self._done:
            return
        if self._head_bytes or self._url_bytes:
            self.refuse(408)
        else:
            self._close_now()

    def _body_timed_out(self) -> None:
        self._body_timer = None
        if not self._in_body:
            return
        if self.cycle is not None and not self.cycle.response_started and not self._lingering:
            self.refuse(408, BODY_TIMED_OUT)
        else:
            self._close_now()

    def _write_timed_out(self) -> None:
        self._write_timer = None
        self._done = True
        if self.raw_transport is not None:
            self.raw_transport.abort()
