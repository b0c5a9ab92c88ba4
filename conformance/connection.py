"""Keep-alive connections that survive a server's idle timeout, so a slow client is never judged as a broken server.

A server closes a keep-alive connection that stays idle for a while (uvicorn and Node after 5 s, gunicorn after
2 s). When our request leaves just as it does, the server never reads it and the request fails with "remote end
closed connection without response" although the server is fine. A loaded machine makes the gaps between our
requests long enough to hit that window. Two rules avoid it, as RFC 9112 section 9.3.1 allows:

- after :data:`IDLE_REUSE_LIMIT` without a request, the next one goes on a fresh connection (which no idle timer
  can close), whatever its method;
- an idempotent request whose *reused* connection is dropped before any answer is sent once more on a fresh
  connection (Schemathesis, curl and browsers do the same).

A request that fails on a fresh connection is the server's doing and raises :class:`NoAnswer`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from http.client import RemoteDisconnected
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError

# Below every common server's keep-alive timeout, and measured from when the previous request was *sent* (the
# server's idle timer starts later, after it answered), so our idle time never exceeds the server's view of it.
IDLE_REUSE_LIMIT = 1.0
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_DROPPED = (RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class NoAnswer(Exception):
    """A request that got no HTTP answer (refused, dropped, timed out): nothing about the server can be judged."""

    def __init__(self, method: str, url: str, reason: str, curl: str = "") -> None:
        self.method = method
        self.url = url
        self.reason = reason
        self.curl = curl
        super().__init__(f"{method} {url} got no answer: {reason}")


def describe(error: requests.RequestException) -> str:
    """A short reason for a transport failure (not the nested repr urllib3 produces)."""
    if isinstance(error, requests.Timeout):
        return "timed out"
    text = str(error)
    for marker, reason in (
        ("Connection refused", "connection refused"),
        ("Remote end closed connection without response", "the server closed the connection without answering"),
        ("Connection reset by peer", "connection reset by the server"),
        ("Broken pipe", "the server closed the connection while the request was sent"),
    ):
        if marker in text:
            return reason
    return type(error).__name__


def dropped_before_answer(error: requests.RequestException) -> bool:
    """Whether the connection broke after the request was sent and before any byte of an answer came back."""
    reason = error.args[0] if error.args else None
    return (
        isinstance(error, requests.ConnectionError)
        and isinstance(reason, ProtocolError)
        and len(reason.args) == 2
        and isinstance(reason.args[1], _DROPPED)
    )


def opened_connections(session: requests.Session) -> int:
    """How many connections the session's pools have opened so far (a request that opened none reused one)."""
    total = 0
    for adapter in getattr(session, "adapters", {}).values():
        if isinstance(adapter, HTTPAdapter):
            pools = adapter.poolmanager.pools
            # The container refuses iteration; its key snapshot is thread-safe.
            for key in pools.keys():  # noqa: SIM118
                pool = pools.get(key)
                total += pool.num_connections if pool is not None else 0
    return total


def drop_idle(session: requests.Session) -> None:
    """Close the session's pooled connections; the next request opens a fresh one."""
    for adapter in getattr(session, "adapters", {}).values():
        if isinstance(adapter, HTTPAdapter):
            adapter.poolmanager.clear()


class Connections:
    """Sends requests over a ``requests`` session following the two rules of this module."""

    def __init__(self, session: requests.Session, clock: Callable[[], float] = time.monotonic) -> None:
        self.session = session
        self.clock = clock
        self.resent = 0
        self._last_sent: float | None = None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        now = self.clock()
        if self._last_sent is not None and now - self._last_sent > IDLE_REUSE_LIMIT:
            drop_idle(self.session)
        self._last_sent = now
        # Per request: requests lets REQUESTS_CA_BUNDLE override a session's own `verify` (a --cacert) otherwise.
        kwargs.setdefault("verify", getattr(self.session, "verify", True))
        opened = opened_connections(self.session)
        try:
            return self.session.request(method, url, **kwargs)
        except requests.RequestException as error:
            reused = opened_connections(self.session) == opened
            if not (method.upper() in IDEMPOTENT and reused and dropped_before_answer(error)):
                raise NoAnswer(method, url, describe(error)) from error
            first = error
        self.resent += 1
        try:
            return self.session.request(method, url, **kwargs)
        except requests.RequestException as error:
            raise NoAnswer(method, url, f"{describe(first)}, and again on a fresh connection") from error
