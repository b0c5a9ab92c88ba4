"""Retries: a 429 is sent again after its ``Retry-After``; a 5xx or a lost connection is sent again after an
exponential backoff when the method is idempotent. Both within a budget of attempts and of seconds waited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hissuno.errors import retry_after_seconds

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_BACKOFF_SECONDS = 8.0


@dataclass(frozen=True)
class RetryPolicy:
    """When to send a request again, and after how long."""

    max_retries: int = 2
    """Attempts after the first one (0 turns retries off)."""
    max_wait_seconds: float = 60.0
    """Most seconds one call may spend waiting in all; a longer ``Retry-After`` surfaces the error."""
    backoff_seconds: float = 0.5
    """First backoff for a 5xx or a lost connection, doubled on each retry up to 8 s."""

    def delay(self, method: str, status: int | None, headers: Mapping[str, str], retry: int,
              waited_seconds: float) -> float | None:
        """Seconds to wait before retry number ``retry`` (from 1), or None to stop and surface the outcome.

        ``status`` is None when no answer came (a lost connection or a timeout).
        """
        if retry > self.max_retries or not self.retryable(method, status):
            return None
        announced = retry_after_seconds(headers)
        wait = announced if announced is not None else self.backoff(retry)
        return wait if waited_seconds + wait <= self.max_wait_seconds else None

    def retryable(self, method: str, status: int | None) -> bool:
        """A 429 changed nothing on the server, so any method may be sent again; anything else only if idempotent."""
        if status == 429:
            return True
        return (status is None or status >= 500) and method.upper() in IDEMPOTENT

    def backoff(self, retry: int) -> float:
        return min(MAX_BACKOFF_SECONDS, self.backoff_seconds * 2.0 ** (retry - 1))
