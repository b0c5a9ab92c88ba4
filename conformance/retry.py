"""Honouring 429 + Retry-After, as a real client does, so a rate-limited target is slowed down, not failed.

Every wait goes through :meth:`RetryPolicy.wait`: one longer than :data:`ANNOUNCE_AFTER` is announced first
(what for, how long), and one that would outlast the time budget is not started (:class:`OutOfTime`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from conformance.budget import Budget, OutOfTime
from conformance.results import Waiting

TOO_MANY_REQUESTS = 429
ANNOUNCE_AFTER = 2.0


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429 asks us to wait, from ``Retry-After`` (whole seconds per the contract), else None."""
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


@dataclass
class RetryPolicy:
    """How long and how often to wait out a 429; ``waited`` adds up the time the target cost us."""

    max_retries: int = 3
    max_wait: float = 65.0
    margin: float = 0.25
    sleep: Callable[[float], None] = time.sleep
    announce: Callable[[Waiting], None] | None = None
    budget: Budget | None = None
    waited: float = field(default=0.0, init=False)

    def delay(self, status: int, headers: Mapping[str, str], attempt: int) -> float | None:
        """The pause before retrying, or None when the answer should stand."""
        if status != TOO_MANY_REQUESTS or attempt >= self.max_retries:
            return None
        seconds = retry_after_seconds(headers)
        if seconds is None:
            return None
        return min(seconds, self.max_wait) + self.margin

    def wait(self, seconds: float, reason: str = "the server") -> None:
        """Sleep ``seconds`` for ``reason`` (announced when long), unless that would outlast the budget."""
        if self.budget is not None and not self.budget.allows(seconds):
            raise OutOfTime(f"{self.budget.ran_out()} (it would have waited {seconds:.0f} s for {reason})")
        if seconds > ANNOUNCE_AFTER and self.announce is not None:
            self.announce(Waiting(seconds, reason))
        self.waited += seconds
        self.sleep(seconds)
