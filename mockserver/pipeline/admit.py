"""The admit step, after authentication: a cross-site write with the session cookie (403), project scope (403),
permission level or role (403), rate limit (429).

Every answer from here on carries the identity's rate-limit headers: a 403 shows the window without counting
the request, a 429 adds ``Retry-After``. A ``Prefer: code=403`` or ``code=429`` is answered here, uncounted; a
malformed ``Prefer`` (a 400) waits until the rate limit has passed, as the contract's check order asks.

A write that authenticates with the session cookie must come from a page whose ``Origin`` is allowed (the same
origins the ``/__mock/`` controls answer, :class:`~mockserver.host.control_guard.ControlPolicy`): the browser
attaches the cookie to any page's request, so another site's form could otherwise post as the signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from starlette.datastructures import Headers

from mockserver.host.control_guard import SAFE_METHODS, ControlPolicy
from mockserver.pipeline.authenticate import Identity
from mockserver.pipeline.errors import ApiError, forbidden
from mockserver.pipeline.prefer import ANSWERED_AT_ACCESS, Rehearsal
from mockserver.ratelimit import RateLimitDecision, RateLimiter

PERMISSION_RANK = {"read-only": 0, "standard": 1, "full": 2}
REQUIRED_PERMISSION = {"GET": "read-only", "HEAD": "read-only", "POST": "standard", "PUT": "standard",
                       "PATCH": "standard", "DELETE": "full"}
OWNER_PERMISSION = "full"  # a key that may call an owner-only operation
RawHeaders = Iterable[tuple[bytes, bytes]]


def may_call(identity: Identity, method: str, owner_only: bool = False) -> bool:
    """``read-only`` reads, ``standard`` also creates, ``full`` also deletes; an owner-only operation takes an
    owner's session or a ``full`` key."""
    if owner_only:
        return identity.role == "owner" if identity.via_session else identity.permission == OWNER_PERMISSION
    needed = REQUIRED_PERMISSION.get(method.upper(), "full")
    return PERMISSION_RANK[identity.permission] >= PERMISSION_RANK[needed]


def in_project(identity: Identity, path_params: Mapping[str, Any], project_param: str) -> bool:
    """Internal routes name the project in the path; /v1 routes take it from the key."""
    project = path_params.get(project_param)
    return project is None or project == identity.project_id


def forged(identity: Identity, method: str, raw_headers: RawHeaders, origins: ControlPolicy) -> ApiError | None:
    """The 403 for a cross-site request forgery, or None: a write made with the session cookie from a page that
    is not allowed (by its ``Origin``, or the browser's ``Sec-Fetch-Site: cross-site``)."""
    if not identity.via_session or method.upper() in SAFE_METHODS:
        return None
    headers = Headers(raw=list(raw_headers))
    if not origins.refuses_page(headers):
        return None
    origin = headers.get("origin")
    page = f"a page on {origin}" if origin else "a cross-site page"
    hint = f" (start the mock with --cors-origin {origin} to allow it)" if origin else ""
    return ApiError(403, f"Forbidden: a {method.upper()} with the session cookie from {page}, which is not an "
                         f"allowed origin{hint}.")


class Gate:
    """The access step of an operation's path: cross-site writes, project scope, permission, then the rate limit."""

    def __init__(self, limiter: RateLimiter, project_param: str = "projectId",
                 origins: ControlPolicy | None = None) -> None:
        self.limiter = limiter
        self.project_param = project_param
        self.origins = origins or ControlPolicy()

    async def admit(self, identity: Identity, method: str, path_params: Mapping[str, Any],
                    rehearsal: Rehearsal | None = None, pending: ApiError | None = None, *,
                    owner_only: bool = False, headers: RawHeaders | None = None) -> RateLimitDecision:
        """The counted decision for a request that may go on; else raise its 403, 429 or held-back 400."""
        refusal = forged(identity, method, headers, self.origins) if headers is not None else None
        if refusal is not None:
            raise with_window(refusal, await self.limiter.peek(identity))
        if not in_project(identity, path_params, self.project_param) or not may_call(identity, method, owner_only):
            decision = await self.limiter.peek(identity)
            raise with_window(forbidden(), decision)
        if rehearsal is not None and rehearsal.status in ANSWERED_AT_ACCESS:
            decision = await self.limiter.peek(identity)
            raise with_window(rehearsal.error(), decision.exhausted() if rehearsal.status == 429 else decision)
        decision = await self.limiter.hit(identity)
        if not decision.allowed:
            raise ApiError(429, "Rate limit exceeded.", headers=decision.headers())
        if pending is not None:
            raise with_window(pending, decision)
        return decision


def with_window(error: ApiError, decision: RateLimitDecision) -> ApiError:
    """An error that shows the identity's window: every answer after authentication carries it (not a 5xx)."""
    if error.status < 500:
        error.headers.update(decision.headers())
    return error
