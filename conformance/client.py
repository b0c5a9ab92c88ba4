"""The HTTP client our own checks use, recording every exchange so a failure can be replayed as curl.

It wraps a ``requests`` session: a plain one for a server on a port, or Schemathesis' in-process ASGI
client for an app in the same process, so Schemathesis and our checks reach the app the same way. Keys are
shown in curl as shell variables (``$HISSUNO_API_KEY``), never in clear. Each exchange keeps when it was sent
and answered (on the client's monotonic clock), so a check that reasons about time can tell what the server
could have seen from what a slow client made it look like.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import requests
from requests.structures import CaseInsensitiveDict

from conformance.breaker import Breaker, ServerSilent
from conformance.budget import Budget, OutOfTime
from conformance.connection import Connections, NoAnswer
from conformance.retry import RetryPolicy

REQUEST_TIMEOUT = 10.0
_NO_JSON = object()


class Recorder(Protocol):
    """Where every exchange goes as it happens (a HAR recording)."""

    def add(self, exchange: Exchange) -> None: ...


@dataclass(frozen=True)
class Credential:
    """An API key, or a dashboard session's cookie (``name=value``), with the shell variable that stands for it
    in reproductions."""

    variable: str
    value: str
    cookie: bool = False

    @property
    def header_name(self) -> str:
        return "Cookie" if self.cookie else "Authorization"

    @property
    def header(self) -> str:
        return self.value if self.cookie else f"Bearer {self.value}"

    @property
    def masked(self) -> str:
        """The key as logs may show it: its prefix and last two characters (``hss_…qz``)."""
        if self.cookie:
            name, _, value = self.value.partition("=")
            return f"{name}=…{value[-2:]}" if len(value) > 2 else f"{name}=…"
        return mask(self.value)


def mask(key: str) -> str:
    prefix, underscore, _ = key.partition("_")
    shown = f"{prefix}_" if underscore and len(prefix) <= 6 else key[:3]
    return f"{shown}…{key[-2:]}" if len(key) > len(shown) + 2 else "…"


@dataclass(frozen=True)
class Exchange:
    """One request and its answer."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    body: bytes | None
    status: int
    headers: Mapping[str, str]
    content: bytes
    credential: Credential | None = None
    # ``time.monotonic()`` just before the request left and just after its answer was read.
    sent_at: float = 0.0
    received_at: float = 0.0
    _parsed: Any = field(default=_NO_JSON, repr=False, compare=False)

    @property
    def json(self) -> Any:
        """The parsed JSON body, or None when the body is not JSON."""
        if self._parsed is _NO_JSON:
            try:
                value = json.loads(self.content) if self.content else None
            except ValueError:
                value = None
            object.__setattr__(self, "_parsed", value)
        return self._parsed

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def describe(self) -> str:
        return f"{self.method} {self.url} answered {self.status}"

    def curl(self) -> str:
        return render_curl(self.method, self.url, self.request_headers, self.body, self.credential)


def render_curl(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    credential: Credential | None = None,
) -> str:
    """A curl command that sends the same request; the key is a shell variable the reader exports."""
    parts = ["curl", "-i", "-X", method]
    for name, value in headers.items():
        if credential is not None and name.lower() == credential.header_name.lower() and value == credential.header:
            shown = f"${credential.variable}" if credential.cookie else f"Bearer ${credential.variable}"
            parts.append(f'-H "{credential.header_name}: {shown}"')
        else:
            parts.append("-H " + shlex.quote(f"{name}: {value}"))
    if body is not None:
        parts.append("--data-raw " + shlex.quote(body.decode("utf-8", "replace")))
    parts.append(shlex.quote(url))
    return " ".join(parts)


class Client:
    """Sends requests to the target and returns :class:`Exchange` values; waits out 429s when asked.

    Every request honours the time budget (a timeout that ends by the deadline, :class:`OutOfTime` past it)
    and the breaker (no request to a server that stopped answering), and goes to the recorder if there is one.
    """

    def __init__(
        self,
        session: requests.Session,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        display_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = REQUEST_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        budget: Budget | None = None,
        breaker: Breaker | None = None,
        recorder: Recorder | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.connections = Connections(session, clock)
        self.base_url = base_url.rstrip("/")
        self.display_url = (display_url or base_url).rstrip("/")
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.budget = budget or Budget()
        self.breaker = breaker or Breaker()
        self.recorder = recorder
        self.sent = 0

    def send(
        self,
        method: str,
        path: str,
        *,
        credential: Credential | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        raw_body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        honour_rate_limit: bool = True,
    ) -> Exchange:
        """Send one request. ``raw_body`` goes as is (with the given headers); ``json_body`` as JSON."""
        sent_headers: dict[str, str] = dict(self.headers)
        if credential is not None:
            sent_headers[credential.header_name] = credential.header
        body = raw_body
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent_headers["Content-Type"] = "application/json"
        sent_headers.update(headers or {})
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        shown = f"{self.display_url}{path}{query}"
        attempt = 0
        while True:
            timeout = self.budget.timeout(self.timeout)
            try:
                self.breaker.before()
            except ServerSilent as silent:
                curl = render_curl(method, shown, sent_headers, body, credential)
                raise NoAnswer(method, shown, str(silent), curl) from None
            sent_at = self.clock()
            try:
                response = self.connections.request(
                    method,
                    f"{self.base_url}{path}{query}",
                    headers=sent_headers,
                    data=body,
                    timeout=timeout,
                    allow_redirects=False,
                )
            except NoAnswer as failure:
                if timeout < self.timeout and self.budget.exhausted:  # cut short by the budget, not the server
                    raise OutOfTime(self.budget.ran_out()) from failure
                self.breaker.unanswered(f"{failure.reason} after {self.clock() - sent_at:.1f} s")
                curl = render_curl(method, shown, sent_headers, body, credential)
                raise NoAnswer(method, shown, failure.reason, curl) from failure
            self.breaker.answered()
            received_at = self.clock()
            self.sent += 1
            delay = self.retry.delay(response.status_code, response.headers, attempt) if honour_rate_limit else None
            if delay is None:
                break
            attempt += 1
            whose = f" of key {credential.masked}" if credential is not None else ""
            self.retry.wait(delay, f"the rate-limit window{whose} (429 on {method} {path})")
        exchange = Exchange(
            method=method,
            url=f"{self.display_url}{path}{query}",
            request_headers=sent_headers,
            body=body,
            status=response.status_code,
            headers=CaseInsensitiveDict(response.headers),
            content=response.content,
            credential=credential,
            sent_at=sent_at,
            received_at=received_at,
        )
        if self.recorder is not None:
            self.recorder.add(exchange)
        return exchange
