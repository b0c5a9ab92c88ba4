"""Stop sending to a server that does not answer: a few requests in a row without an answer open the breaker.

A server that accepts connections but never answers costs a full request timeout per request; without this a
run against it would take hours. After :data:`THRESHOLD` consecutive requests without an answer (timed out,
refused, dropped) every later request fails at once with the reason, until one gets an answer again (the
breaker lets one request through every :data:`PROBE_EVERY` seconds to find out).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

THRESHOLD = 3
PROBE_EVERY = 30.0


class ServerSilent(Exception):
    """Raised instead of sending while the breaker is open."""


@dataclass
class Breaker:
    threshold: int = THRESHOLD
    probe_every: float = PROBE_EVERY
    clock: Callable[[], float] = time.monotonic
    silent: int = field(default=0, init=False)
    last_reason: str = field(default="", init=False)
    opened_at: float | None = field(default=None, init=False)

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def before(self) -> None:
        """Raise :class:`ServerSilent` while open, except for one probe every ``probe_every`` seconds."""
        if self.opened_at is None:
            return
        if self.clock() - self.opened_at >= self.probe_every:
            self.opened_at = self.clock()
            return
        raise ServerSilent(self.describe())

    def answered(self) -> None:
        self.silent = 0
        self.opened_at = None

    def unanswered(self, reason: str) -> None:
        self.silent += 1
        self.last_reason = reason
        if self.silent >= self.threshold and self.opened_at is None:
            self.opened_at = self.clock()

    def describe(self) -> str:
        return f"not sent: the server did not answer the last {self.silent} requests ({self.last_reason})"
