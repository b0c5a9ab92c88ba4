"""The garbage collector's full passes, moved to moments when no request is waiting.

What the mock builds at start-up (the spec, the seeded data, the imports) is never garbage and is frozen out
of the collector's sight. What requests create stays too: every created document is a few tracked objects,
and CPython's automatic full collection, which comes each time the heap has grown by a quarter, walks them
all while every request waits (30 ms after 40,000 created sessions, 140 ms after 100,000). Here the young
generations are still collected as usual (bounded work), but full passes run only when no request is in
flight, or at the latest every :data:`LATEST_SECONDS` under load without a pause.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

IDLE_SECONDS = 0.5
LATEST_SECONDS = 60.0
NEVER = 2**31 - 1  # generation 2's threshold: young collections to count before a full one


def settle() -> None:
    """Freeze what start-up built and leave full collections to :class:`IdleCollector`."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)


class IdleCollector:
    """An ASGI wrapper that counts requests in flight and runs the full pass when none has been for
    ``idle_seconds`` (checked on a timer of the serving loop, started by the first request).

    A full pass is due once a young collection has moved objects to the oldest generation since the last one.
    """

    def __init__(self, app: ASGIApp, *, idle_seconds: float = IDLE_SECONDS, latest_seconds: float = LATEST_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.idle_seconds = idle_seconds
        self.latest_seconds = latest_seconds
        self.clock = clock
        self.in_flight = 0
        self.last_request = self.last_pass = clock()
        self.passes = 0
        self._timer: asyncio.TimerHandle | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.idle_seconds, self._tick)
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            self.last_request = self.clock()

    def _tick(self) -> None:
        self._timer = asyncio.get_running_loop().call_later(self.idle_seconds, self._tick)
        now = self.clock()
        idle = self.in_flight == 0 and now - self.last_request >= self.idle_seconds
        if gc.get_count()[2] > 0 and (idle or now - self.last_pass >= self.latest_seconds):
            gc.collect()
            self.passes += 1
            self.last_pass = now
