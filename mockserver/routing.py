"""Routing on the path as the client wrote it.

Starlette routes on the percent-decoded path, so an id holding an encoded slash (``/v1/sessions/a%2Fb``)
looks like two segments, misses its operation and gets an unauthenticated 404 without rate-limit headers.
And Python's ``$`` also matches before a trailing newline, so ``/v1/sessions%0A`` would be served as
``/v1/sessions``. :class:`RawPathRoutingMiddleware` routes such a path with its encoded slashes escaped
(one segment stays one segment) and hands the operation the real values; :func:`anchor_routes` makes every
route match the whole path and nothing but it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from connexion.middleware.routing import RoutingMiddleware
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

_ESCAPE = "\ue000"  # a private-use character; escaped itself, so the mapping is exact
_SLASH = _ESCAPE + "\ue001"
_LITERAL = _ESCAPE + "\ue002"
_DECODED_PATH = "hissuno.decoded_path"


def routing_path(raw_path: bytes) -> str:
    """The decoded path (as uvicorn decodes it) with every slash that was ``%2F`` escaped."""
    segments = raw_path.decode("latin-1").split("/")
    return "/".join(unquote(segment).replace(_ESCAPE, _LITERAL).replace("/", _SLASH) for segment in segments)


def unescape(value: str) -> str:
    return value.replace(_SLASH, "/").replace(_LITERAL, _ESCAPE)


def _has_encoded_slash(raw_path: bytes | None) -> bool:
    return bool(raw_path) and b"%2f" in raw_path.lower()  # type: ignore[union-attr]


class RawPathRoutingMiddleware(RoutingMiddleware):
    """Connexion's routing, where ``%2F`` inside a segment stays inside it."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(_DecodedPath(app))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_encoded_slash(scope.get("raw_path")):
            scope = {**scope, "path": routing_path(scope["raw_path"]), _DECODED_PATH: scope["path"]}
        await super().__call__(scope, receive, send)


class _DecodedPath:
    """After routing: the real path back in the scope, and the real values in the path parameters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        decoded = scope.pop(_DECODED_PATH, None)
        if decoded is not None:
            scope["path"] = decoded
            params = scope.get("path_params") or {}
            scope["path_params"] = {k: unescape(v) if isinstance(v, str) else v for k, v in params.items()}
        await self.app(scope, receive, send)


def anchor_routes(routes: Any) -> None:
    """Recompile every route (and every mount's routes) to match the whole path: ``\\Z``, not ``$``.

    Mounts also get DOTALL: their ``{path:path}`` is ``.*``, which would stop at an encoded newline in an id.
    """
    for route in routes or ():
        pattern = getattr(route, "path_regex", None)
        if pattern is None:
            continue
        source = pattern.pattern[:-1] + r"\Z" if pattern.pattern.endswith("$") else pattern.pattern
        flags = pattern.flags | (re.DOTALL if isinstance(route, Mount) else 0)
        route.path_regex = re.compile(source, flags)
        if isinstance(route, Mount):
            anchor_routes(route.routes)
