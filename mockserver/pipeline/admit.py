"""The admit step, after authentication: project scope (403), permission level (403), rate limit (429).

Every answer from here on carries the key's rate-limit headers: a 403 shows the window without counting the
request, a 429 adds ``Retry-After``. A ``Prefer: code=403`` or ``code=429`` is answered here, uncounted; a
malformed ``Prefer`` (a 400) waits until the rate limit has passed, as the contract's check order asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.pipeline.authenticate import Identity
from mockserver.pipeline.errors import ApiError, forbidden
from mockserver.pipeline.prefer import ANSWERED_AT_ACCESS, Rehearsal
from mockserver.ratelimit import RateLimitDecision, RateLimiter

PERMISSION_RANK = {"read-only": 0, "standard": 1, "full": 2}
REQUIRED_PERMISSION = {"GET": "read-only", "HEAD": "read-only", "POST": "standard", "PUT": "standard",
                       "PATCH": "standard", "DELETE": "full"}


def may_call(identity: Identity, method: str) -> bool:
    """``read-only`` reads, ``standard`` also creates, ``full`` also deletes."""
    needed = REQUIRED_PERMISSION.get(method.upper(), "full")
    return PERMISSION_RANK[identity.permission] >= PERMISSION_RANK[needed]


def in_project(identity: Identity, path_params: Mapping[str, Any], project_param: str) -> bool:
    """Internal routes name the project in the path; /v1 routes take it from the key."""
    project = path_params.get(project_param)
    return project is None or project == identity.project_id


class Gate:
    """The access step of an operation's path: project scope, permission, then the key's rate limit."""

    def __init__(self, limiter: RateLimiter, project_param: str = "projectId") -> None:
        self.limiter = limiter
        self.project_param = project_param

    async def admit(self, identity: Identity, method: str, path_params: Mapping[str, Any],
                    rehearsal: Rehearsal | None = None, pending: ApiError | None = None) -> RateLimitDecision:
        """The counted decision for a request that may go on; else raise its 403, 429 or held-back 400."""
        if not in_project(identity, path_params, self.project_param) or not may_call(identity, method):
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
    """An error that shows the key's window: every answer after authentication carries it (not a 5xx)."""
    if error.status < 500:
        error.headers.update(decision.headers())
    return error
