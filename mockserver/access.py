"""After authentication, before validation: project scope, permission level and rate limit, in that order.

The contract's check order is 401 → 403 (project) → 403 (permission) → 429 → 400 → 422/404. Connexion's
security middleware has answered 401 by the time a request gets here; this middleware answers the 403s and
the 429, then lets Connexion validate. Every answer from here on (2xx, 400, 403, 404, 422, 429) carries the
key's rate-limit headers: a 403 shows the window without counting the request, a 429 adds ``Retry-After``.
A ``Prefer: code=403`` or ``code=429`` is answered here too, like the real one and uncounted (see
:mod:`mockserver.prefer`); a malformed ``Prefer`` is a 400, so it waits until the rate limit has passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.auth import Identity, identity_of
from mockserver.errors import ApiError, forbidden, to_api_error
from mockserver.prefer import ANSWERED_AT_ACCESS, pending_error, rehearsal_of
from mockserver.ratelimit import RateLimiter
from mockserver.validation import request_state

PERMISSION_RANK = {"read-only": 0, "standard": 1, "full": 2}
REQUIRED_PERMISSION = {"GET": "read-only", "HEAD": "read-only", "POST": "standard", "PUT": "standard",
                       "PATCH": "standard", "DELETE": "full"}
RATE_LIMIT_HEADERS = "rate_limit_headers"


def may_call(identity: Identity, method: str) -> bool:
    """``read-only`` reads, ``standard`` also creates, ``full`` also deletes."""
    needed = REQUIRED_PERMISSION.get(method.upper(), "full")
    return PERMISSION_RANK[identity.permission] >= PERMISSION_RANK[needed]


def in_project(identity: Identity, path_params: Mapping[str, Any], project_param: str) -> bool:
    """Internal routes name the project in the path; /v1 routes take it from the key."""
    project = path_params.get(project_param)
    return project is None or project == identity.project_id


class AccessMiddleware:
    """Connexion middleware placed between security and request validation."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, project_param: str = "projectId") -> None:
        self.app = app
        self.limiter = limiter
        self.project_param = project_param

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        identity = identity_of(scope) if scope["type"] == "http" else None
        if identity is None:
            await self.app(scope, receive, send)
            return
        if not in_project(identity, scope.get("path_params", {}), self.project_param) or not may_call(
            identity, scope["method"]
        ):
            decision = await self.limiter.peek(identity)
            error = forbidden()
            error.headers.update(decision.headers())
            raise error
        rehearsal = rehearsal_of(scope)
        if rehearsal is not None and rehearsal.status in ANSWERED_AT_ACCESS:
            decision = await self.limiter.peek(identity)
            error = rehearsal.error()
            error.headers.update((decision.exhausted() if rehearsal.status == 429 else decision).headers())
            raise error
        decision = await self.limiter.hit(identity)
        if not decision.allowed:
            raise ApiError(429, "Rate limit exceeded.", headers=decision.headers())
        pending = pending_error(scope)
        if pending is not None:
            pending.headers.update(decision.headers())
            raise pending
        request_state(scope)[RATE_LIMIT_HEADERS] = decision.raw_headers()
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            error = to_api_error(exc)
            if error.status < 500:
                error.headers.update(decision.headers())
            raise error from exc
