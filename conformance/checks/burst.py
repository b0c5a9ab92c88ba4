"""Exhausting a rate-limit window with a burst of requests, and knowing when the count can be trusted.

The count is only exact while the window stays put: once hits expire (a moving window) or the window rolls
over (a fixed one), more requests pass than the first answer advertised, and ``Remaining`` stops falling by
one. A loaded machine, a slow server, or hits left in the window by an earlier run can all stretch a burst
past that moment. We do not guess with fixed timeouts; the server says when its window can next change:

- ``X-RateLimit-Reset`` on an answer is the number of seconds until then, computed while it handled the
  request (after we sent it) and rounded up, so the window cannot change before ``sent_at + Reset - 1``
  on our clock (:func:`stable_until`);
- an answer that arrived before that moment was certainly handled in the same window.

A burst whose answers all arrived in time is *settled* and judged strictly. When an answer comes later the
count starts again from it (its own ``Reset`` gives a new deadline), a few times; if the window keeps moving
(hits left by an earlier run expiring one by one), we wait one full window so that none of our hits remains,
and count once more. A burst that still cannot settle (the window is shorter than the time the server needs
for a limit's worth of requests) is inconclusive, never a pass or a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from conformance.client import Exchange
from conformance.retry import TOO_MANY_REQUESTS, RetryPolicy, retry_after_seconds

# Requests past the advertised remainder before we call it "no rate limiting"; the largest limit we exhaust.
SLACK = 5
MAX_BURST = 1500
MAX_WAIT = 65.0
RETRY_MARGIN = 0.5
# How often one burst may start its count again because the window moved under it.
REBASES = 3


def header_int(exchange: Exchange, name: str) -> int | None:
    try:
        return int(exchange.headers[name])
    except (KeyError, ValueError):
        return None


def stable_until(exchange: Exchange) -> float:
    """The earliest moment (client clock) the window this answer describes may change.

    Without an integer ``X-RateLimit-Reset`` the server names no such moment and the count is taken as exact
    (the missing header fails the headers check on its own).
    """
    reset = header_int(exchange, "X-RateLimit-Reset")
    if reset is None:
        return float("inf")
    return exchange.sent_at + reset - 1


def window_seconds(exchange: Exchange) -> float:
    """The window's length from ``RateLimit-Policy`` (``w=60``), at most :data:`MAX_WAIT`."""
    policy = exchange.headers.get("RateLimit-Policy", "")
    for part in policy.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "w" and value.isdigit():
            return min(float(value), MAX_WAIT)
    return MAX_WAIT


@dataclass
class Burst:
    """One count: requests from ``first`` until the first 429 (or the slack past the remainder runs out)."""

    exchanges: list[Exchange]
    deadline: float = field(init=False)
    attempts: int = 1
    # The whole attempt this count belongs to (a count may start again from a later answer): its first
    # answer and how many requests it sent, for messages.
    opening: Exchange | None = None
    sent: int = 0

    def __post_init__(self) -> None:
        self.deadline = stable_until(self.exchanges[0])
        self.opening = self.opening or self.exchanges[0]

    @property
    def first(self) -> Exchange:
        return self.exchanges[0]

    @property
    def refused(self) -> Exchange | None:
        return next((e for e in self.exchanges if e.status == TOO_MANY_REQUESTS), None)

    @property
    def admitted(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.status != TOO_MANY_REQUESTS]

    @property
    def remaining(self) -> int | None:
        """What the first answer advertised as left after it."""
        return header_int(self.first, "X-RateLimit-Remaining")

    @property
    def settled(self) -> bool:
        """Every answer after the first arrived before the window could move: the count is exact.

        (The first one was handled in the window it describes, whenever its answer arrived.)"""
        return all(self.in_time(exchange) for exchange in self.exchanges[1:])

    @property
    def seconds(self) -> float:
        return self.exchanges[-1].received_at - self.first.sent_at

    @property
    def attempt_seconds(self) -> float:
        opening = self.opening or self.first
        return self.exchanges[-1].received_at - opening.sent_at

    def in_time(self, exchange: Exchange) -> bool:
        return exchange.received_at <= self.deadline

    def full(self) -> bool:
        return self.refused is not None or len(self.exchanges) > min(self.remaining or 0, MAX_BURST) + SLACK


def first_answer(call: Callable[[], Exchange], retry: RetryPolicy, key: str) -> Exchange:
    """The first request of a burst; a 429 (a window left over from an earlier run) is waited out once."""
    first = call()
    if first.status == TOO_MANY_REQUESTS:
        seconds = min(retry_after_seconds(first.headers) or 1.0, MAX_WAIT) + RETRY_MARGIN
        retry.wait(seconds, f"the rate-limit window of key {key} (left full by an earlier run)")
        first = call()
    return first


def _moved(burst: Burst, exchange: Exchange) -> tuple[bool, bool]:
    """Whether an admitted answer came after the burst's deadline, and whether its ``Remaining`` went up."""
    if exchange.status >= 300:
        return False, False
    previous = header_int(burst.exchanges[-1], "X-RateLimit-Remaining")
    now = header_int(exchange, "X-RateLimit-Remaining")
    if now is None:
        return False, False
    return not burst.in_time(exchange), previous is not None and now > previous


def exhaust(call: Callable[[], Exchange], first: Exchange) -> Burst:
    """Count from ``first`` to the 429, starting again from a later answer when the window moved.

    The window moved if an answer arrived after the burst's deadline (up to :data:`REBASES` times), or if
    ``Remaining`` went up before it (a window that rolled over early: once, as any client would forgive).
    """
    burst, rebases, early_rises, sent = Burst([first]), REBASES, 1, 1
    while not burst.full():
        exchange, sent = call(), sent + 1
        late, rose = _moved(burst, exchange)
        if late and rebases:
            burst, rebases = Burst([exchange], opening=first), rebases - 1
        elif rose and not late and early_rises:
            burst, early_rises = Burst([exchange], opening=first), early_rises - 1
        else:
            burst.exchanges.append(exchange)
    burst.sent = sent
    return burst


def _counted(call: Callable[[], Exchange], first: Exchange) -> Burst:
    if header_int(first, "X-RateLimit-Limit") is None or first.status >= 300:
        return Burst([first])  # nothing to count: the verdict says why
    return exhaust(call, first)


def count(call: Callable[[], Exchange], retry: RetryPolicy, key: str) -> Burst:
    """A settled burst if the server allows one: a second count on an empty window when the first moved.

    ``key`` names the rate-limit key (masked) in the announcements of the waits."""
    burst = _counted(call, first_answer(call, retry, key))
    if burst.settled or (header_int(burst.first, "X-RateLimit-Limit") or 0) > MAX_BURST:
        return burst
    # None of our hits can remain in the window after one full window of silence.
    seconds = window_seconds(burst.exchanges[-1]) + RETRY_MARGIN
    retry.wait(seconds, f"the rate-limit window of key {key} to empty (the first count moved under it)")
    second = _counted(call, first_answer(call, retry, key))
    second.attempts = 2
    return second
