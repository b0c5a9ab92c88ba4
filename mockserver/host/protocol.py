"""The HTTP/1.1 connection: uvicorn's httptools protocol with a bounded request head, every refusal in JSON.

A head must arrive within :data:`HEAD_TIMEOUT_S` (else 408, or a silent close if nothing was sent) and stay
under :data:`MAX_HEAD_BYTES` (else 414 or 431); a request the parser rejects gets 400. Each is answered as
``{"error": "..."}`` with ``Connection: close``, before any of the app runs.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mockserver.pipeline.errors import ApiError, encode

HEAD_TIMEOUT_S = 10.0
MAX_HEAD_BYTES = 64 * 1024
MESSAGES = {
    400: "Malformed HTTP request.",
    408: "Request headers were not received in time.",
    414: f"Request line is longer than {MAX_HEAD_BYTES // 1024} KiB.",
    431: f"Request headers are larger than {MAX_HEAD_BYTES // 1024} KiB.",
}


class MockHttpProtocol(HttpToolsProtocol):
    """Pass as ``uvicorn.Config(http=MockHttpProtocol)``."""

    head_timeout_s: float = HEAD_TIMEOUT_S
    max_head_bytes: int = MAX_HEAD_BYTES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = True
        self._head_bytes = 0  # raw bytes received while the head is incomplete (a guard on buffering)
        self._line_end: int | None = None
        self._url_bytes = 0  # the parsed head, measured exactly
        self._header_bytes = 0
        self._refused = False
        self._head_timer: asyncio.TimerHandle | None = None

    # --- connection -------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        counting = self._reading_head
        if counting:
            if self._line_end is None:
                index = data.find(b"\n")
                if index >= 0:
                    self._line_end = self._head_bytes + index
            self._head_bytes += len(data)
        super().data_received(data)
        # A guard on what the parser buffers while the head is incomplete; a complete head is measured
        # exactly in on_headers_complete (a chunk may finish the head and carry body bytes, which do not count).
        if counting and self._reading_head and not self._refused and self._head_bytes > self.max_head_bytes:
            line_too_long = self._line_end is None or self._line_end > self.max_head_bytes
            self.refuse(414 if line_too_long else 431)

    def send_400_response(self, msg: str) -> None:
        self.refuse(400)

    # --- parser callbacks -------------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._url_bytes = self._header_bytes = 0
        self._arm_head_timer()

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._disarm_head_timer()
        if self._url_bytes > self.max_head_bytes:
            self.refuse(414)
        elif self._url_bytes + self._header_bytes > self.max_head_bytes:
            self.refuse(431)
        else:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        super().on_message_complete()
        self._reading_head, self._head_bytes, self._line_end = True, 0, None

    # --- refusing -----------------------------------------------------------------------------------------

    def refuse(self, status: int) -> None:
        """Answer ``status`` with the contract's error body and close the connection."""
        self._reading_head = False
        self._refused = True
        self._disarm_head_timer()
        if self.transport.is_closing():
            return
        body = encode(ApiError(status, MESSAGES[status]))
        head = [STATUS_LINE[status]]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body),
                 b"connection: close\r\n", b"\r\n"]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
        self.logger.info("Refused a request: %s", MESSAGES[status])

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self._reading_head or self.transport.is_closing():
            return
        if self._head_bytes:
            self.refuse(408)
        else:
            self.transport.close()
