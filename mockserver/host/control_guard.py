"""Who may call the ``/__mock/`` controls from a browser: local pages on local names, never any web page.

The API answers CORS for any origin (a frontend on any dev server calls it with a key). The controls need no
key, so the same openness would let any page the developer visits reset the mock (a form's ``text/plain`` POST
needs no CORS permission) or, through DNS rebinding, read its keys. Here a control request is refused (JSON
``{"error"}``) when:

- its ``Host`` is not a local name, an IP address, the host the mock is bound to or an ``--allow-host`` (403);
- its ``Origin`` is not allowed (``http://localhost:*``, ``http://127.0.0.1:*``, ``http://[::1]:*`` and each
  ``--cors-origin``), or the browser says it is cross-site (403);
- ``--control-token`` is set and the request lacks ``Authorization: Bearer <token>`` (401);
- it changes state (``POST``) without ``Content-Type: application/json`` or an ``X-Hissuno-Mock`` header,
  which no page can send without a CORS preflight (415).

Allowed origins get Starlette's CORS answers; other paths go to the API's CORS policy (``public``).
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CONTROL_PREFIX = "/__mock/"
CUSTOM_HEADER = "X-Hissuno-Mock"
LOCAL_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class ControlPolicy:
    """The origins, ``Host`` names and token the controls accept, from the settings."""

    origins: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    bound_host: str = "127.0.0.1"
    token: str | None = None

    def origin_pattern(self) -> str:
        """One regular expression for every allowed origin (``:*`` stands for any port or none)."""
        alternatives = []
        for origin in (*LOCAL_ORIGINS, *self.origins):
            base, any_port = (origin[:-2], True) if origin.endswith(":*") else (origin, False)
            alternatives.append(re.escape(base.lower()) + (r"(:\d{1,5})?" if any_port else ""))
        return "(?i)(" + "|".join(alternatives) + ")"

    @functools.cached_property
    def _origin_regex(self) -> re.Pattern[str]:
        return re.compile(self.origin_pattern())

    def allows_origin(self, origin: str) -> bool:
        """Whether a page on ``origin`` may call the controls, and the API with the session cookie."""
        return self._origin_regex.fullmatch(origin) is not None

    def refuses_page(self, headers: Headers) -> bool:
        """Whether a request comes from a browser page that is not allowed: its ``Origin`` is not, or it has
        none and the browser says it is cross-site."""
        origin = headers.get("origin")
        if origin is not None:
            return not self.allows_origin(origin)
        return headers.get("sec-fetch-site") == "cross-site"

    def admits_host(self, header: str | None) -> bool:
        """Whether a ``Host`` header names this mock rather than a name that was rebound to it."""
        if header is None:
            return True  # HTTP/1.0 without Host: not a browser
        host = _without_port(header.strip().lower()).rstrip(".")
        if host in LOCAL_HOSTS or host.endswith(".localhost") or _is_address(host):
            return True
        bound = self.bound_host.lower()
        return (bound not in _WILDCARD_HOSTS and host == bound) or any(_names(entry, host) for entry in self.hosts)


def _without_port(host: str) -> str:
    if host.startswith("["):
        return host[:host.find("]") + 1] if "]" in host else host
    name, _, port = host.rpartition(":")
    return name if name and port.isdigit() else host


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _names(entry: str, host: str) -> bool:
    return host.endswith(entry[1:]) if entry.startswith("*.") else host == entry


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class Refusal(Exception):
    """A control request the guard does not pass on: its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ControlGuard:
    """The CORS layer of the app: the API's policy for every path but ``/__mock/``, the guard for those."""

    def __init__(self, app: ASGIApp, *, policy: ControlPolicy, public: Callable[[ASGIApp], ASGIApp]) -> None:
        self.policy = policy
        self.public = public(app)
        self.controls = CORSMiddleware(app, allow_origin_regex=policy.origin_pattern(),
                                       allow_methods=["GET", "POST", "DELETE"], allow_credentials=True,
                                       allow_headers=["Authorization", "Content-Type", CUSTOM_HEADER], max_age=600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(CONTROL_PREFIX):
            await self.public(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            self.check(scope["method"], headers)
        except Refusal as refusal:
            await self._refuse(refusal, headers, send)
            return
        if scope["method"] == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers:
            await self._preflight(headers, send)
            return
        await self.controls(scope, receive, send)

    def check(self, method: str, headers: Headers) -> None:
        """Raise :class:`Refusal` for a request the controls must not answer."""
        policy = self.policy
        for host in headers.getlist("host") or [None]:  # every one, should a request carry two
            if not policy.admits_host(host):
                raise Refusal(403, f"The /__mock/ controls do not answer for Host {host!r} (a guard against DNS "
                                   f"rebinding): use localhost or 127.0.0.1, or start the mock with --allow-host.")
        origin = headers.get("origin")
        if policy.refuses_page(headers):
            raise Refusal(403, f"The /__mock/ controls do not answer pages from {origin}: start the mock with "
                               f"--cors-origin {origin} to allow it." if origin is not None else
                               "The /__mock/ controls do not answer cross-site requests.")
        if method == "OPTIONS":
            return  # a preflight: browsers send no credentials with it
        if policy.token is not None:
            sent = headers.get("authorization", "").encode("latin-1")
            if not hmac.compare_digest(sent, f"Bearer {policy.token}".encode("latin-1")):
                raise Refusal(401, "The /__mock/ controls need the control token: Authorization: Bearer <token>.")
        if method not in SAFE_METHODS and not (_is_json(headers.get("content-type")) or CUSTOM_HEADER in headers):
            raise Refusal(415, f"{method} on the /__mock/ controls needs Content-Type: application/json or an "
                               f"{CUSTOM_HEADER} header (no web page can send either without permission).")

    async def _refuse(self, refusal: Refusal, headers: Headers, send: Send) -> None:
        body = orjson.dumps({"error": refusal.message})
        start = {"type": "http.response.start", "status": refusal.status,
                 "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]}
        await self.controls.send(start, send, headers)  # allowed origins may read why
        await send({"type": "http.response.body", "body": body})

    async def _preflight(self, headers: Headers, send: Send) -> None:
        answer = self.controls.preflight_response(request_headers=headers)
        if answer.status_code != 200:
            reason = answer.body.decode("latin-1")
            await self._refuse(Refusal(403, f"{reason} for the /__mock/ controls."), headers, send)
            return
        kept = [(n, v) for n, v in answer.raw_headers if n not in (b"content-type", b"content-length")]
        await send({"type": "http.response.start", "status": 204, "headers": kept})
        await send({"type": "http.response.body", "body": b""})

