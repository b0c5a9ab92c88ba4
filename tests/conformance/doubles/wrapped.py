"""Our mock made slow (every answer 200 ms late) or unlimited (no rate limits and no rate-limit headers).

Both are ASGI wrappers around a mock app: everything else about the mock stays conformant, so a run names
exactly what the wrapper changed.
"""

from __future__ import annotations

import asyncio
from typing import Any

RATE_LIMIT_HEADERS = frozenset(
    {b"x-ratelimit-limit", b"x-ratelimit-remaining", b"x-ratelimit-reset", b"ratelimit-policy", b"ratelimit",
     b"retry-after"}
)  # fmt: skip
UNREACHABLE_LIMIT = "100000000/minute"


def unlimited_settings() -> dict[str, Any]:
    """Mock settings under which no plan ever answers 429."""
    return {"rate_limits": dict.fromkeys(("free", "pro", "enterprise"), UNREACHABLE_LIMIT)}


class Slowed:
    """Answers every HTTP request ``delay`` seconds late."""

    def __init__(self, app: Any, delay: float = 0.2) -> None:
        self.app = app
        self.delay = delay

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/__mock/"):
            await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)


class WithoutRateLimits:
    """Drops every rate-limit header from the answers of a mock that never rejects (see unlimited_settings)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def strip(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in RATE_LIMIT_HEADERS]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, strip if scope["type"] == "http" else send)
