"""The rate-limit count on a simulated server with a virtual clock: slow is not wrong, wrong is still wrong.

A moving-window limiter (the mock's semantics, with its headers) answers after a chosen latency; waiting
advances the same virtual clock, so a burst that would take minutes on a loaded machine runs in
milliseconds here, deterministically, and no test measures real time.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from requests.structures import CaseInsensitiveDict

from conformance.checks import ratelimit
from conformance.checks.burst import Burst, count, stable_until
from conformance.checks.ratelimit import header_sequence_problems, window_problems
from conformance.client import Credential, Exchange
from conformance.results import CheckResult, Status
from conformance.retry import RetryPolicy


@dataclass
class Limiter:
    """A key's moving window: at most ``limit`` hits younger than ``window`` seconds; 429s are not counted."""

    limit: int
    window: float
    latency: float = 0.01
    now: float = 1000.0
    hits: deque[float] = field(default_factory=deque)
    enforce: bool = True
    remaining_falls: bool = True

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def call(self) -> Exchange:
        sent = self.now
        self.advance(self.latency / 2)
        while self.hits and self.hits[0] <= self.now - self.window:
            self.hits.popleft()
        allowed = len(self.hits) < self.limit or not self.enforce
        if allowed:
            self.hits.append(self.now)
        used = min(len(self.hits), self.limit)
        # Rounded to the nanosecond first, so float noise does not turn 60 s into 61.
        reset = math.ceil(round(self.hits[0] + self.window - self.now, 9)) if self.hits else int(self.window)
        remaining = self.limit - used if self.remaining_falls else self.limit - 1
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset),
            "RateLimit-Policy": f'"free";q={self.limit};w={int(self.window)}',
            "RateLimit": f'"free";r={remaining};t={reset}',
            "Content-Type": "application/json",
        }
        status, body = 200, b'{"data": []}'
        if not allowed:
            status, body = 429, b'{"error": "Rate limit exceeded."}'
            headers["Retry-After"] = str(reset)
        self.advance(self.latency / 2)
        return Exchange(
            "GET", "http://h/v1/sessions?limit=1", {}, None, status, CaseInsensitiveDict(headers), body,
            sent_at=sent, received_at=self.now,
        )  # fmt: skip

    def burst(self) -> Burst:
        return count(self.call, RetryPolicy(sleep=self.advance), "hss_…zz")

    def leave_hits(self, amount: int, ago: float, spread: float) -> None:
        """Hits an earlier run left: ``amount`` of them over ``spread`` seconds, the first ``ago`` seconds ago."""
        for index in range(amount):
            self.hits.append(self.now - ago + index * spread / amount)


def _messages(burst: Burst) -> tuple[list[str] | None, list[str]]:
    window = window_problems(burst)
    return (None if window is None else [p.message for p in window]), [
        p.message for p in header_sequence_problems(burst)
    ]


def test_a_fresh_window_counted_quickly_passes() -> None:
    limiter = Limiter(limit=60, window=60)
    burst = limiter.burst()
    assert burst.settled and burst.attempts == 1
    assert len(burst.admitted) == 60 and burst.refused is not None
    assert _messages(burst) == ([], [])


def test_a_slow_burst_within_the_window_is_still_exact() -> None:
    """0.9 s per request: 61 requests take 55 s, under the 60 s the first answer's Reset allows."""
    limiter = Limiter(limit=60, window=60, latency=0.9)
    burst = limiter.burst()
    assert burst.settled and burst.attempts == 1
    assert _messages(burst) == ([], [])


def test_a_window_in_use_is_counted_from_what_its_first_answer_advertised() -> None:
    limiter = Limiter(limit=60, window=60, latency=0.2)
    limiter.leave_hits(45, ago=50.0, spread=50.0)
    burst = limiter.burst()
    assert burst.attempts == 1 and burst.settled
    assert burst.remaining == 14 and len(burst.admitted) == 15
    assert _messages(burst) == ([], [])


def test_hits_left_by_an_earlier_run_expiring_during_a_slow_burst_are_not_a_failure() -> None:
    """The failure seen under load: a rerun 59 s after a burst that took 3 s. After waiting out the 429, half
    of the old hits are gone and the rest expire one by one while we count, so Remaining stays flat and more
    pass than advertised. Every answer comes after the moment its predecessor's Reset named, so the count
    starts again after a full window of silence, on an empty window, and settles there.
    """
    limiter = Limiter(limit=60, window=60, latency=0.2)
    limiter.leave_hits(60, ago=59.0, spread=3.0)
    burst = limiter.burst()
    assert burst.attempts == 2 and burst.settled
    assert burst.remaining == 59 and len(burst.admitted) == 60
    assert _messages(burst) == ([], [])


@pytest.mark.parametrize(("limit", "window", "latency"), [(5, 5, 2.0), (60, 60, 1.1)])
def test_a_window_shorter_than_the_burst_is_inconclusive_not_failed(limit: int, window: float, latency: float) -> None:
    """6 requests at 2 s each never exhaust a 5-per-5-s window, nor 61 at 1.1 s a fresh 60-per-minute one (a
    very loaded machine): nothing can be concluded, so nothing is passed or failed."""
    limiter = Limiter(limit=limit, window=window, latency=latency)
    burst = limiter.burst()
    assert not burst.settled and burst.attempts == 2
    window, _ = _messages(burst)
    assert window is None


def test_a_limit_advertised_but_not_enforced_fails_even_when_slow() -> None:
    for latency in (0.01, 0.9):
        limiter = Limiter(limit=60, window=60, latency=latency, enforce=False)
        burst = limiter.burst()
        window, _ = _messages(burst)
        assert burst.settled, latency
        assert window and window[0].startswith("no 429 after 65 requests"), window
        assert "could not have moved" in window[0]


def test_remaining_that_never_falls_fails_the_headers() -> None:
    limiter = Limiter(limit=60, window=60, remaining_falls=False)
    _, headers = _messages(limiter.burst())
    assert headers and headers[0].startswith("X-RateLimit-Remaining went from 59 to 59, expected 58")


def test_a_429_before_the_advertised_remainder_fails_even_when_the_window_moved() -> None:
    """Expiring hits only ever make room, so an early 429 is wrong however slow the burst was."""
    limiter = Limiter(limit=5, window=5, latency=2.0)
    first = limiter.call()
    limiter.hits.extend([limiter.now] * 4)  # four hits the server counts but did not show in Remaining
    refused = limiter.call()
    burst = Burst([first, refused])
    window, _ = _messages(burst)
    assert window == [
        "the 429 came after only 1 requests, but the first answer advertised 4 remaining after it (limit 5)"
    ]


def test_the_window_cannot_move_before_sent_plus_reset_minus_one() -> None:
    """Reset is rounded up and computed after the request left, so the bound is one second before."""
    limiter = Limiter(limit=60, window=60)
    first = limiter.call()
    assert first.headers["X-RateLimit-Reset"] == "60"
    assert stable_until(first) == first.sent_at + 59


def _run_window_check(limiter: Limiter) -> dict[str, CheckResult]:
    scenario = SimpleNamespace(
        api="v1",
        in_scope=lambda check: [SimpleNamespace(label="GET /v1/sessions")],
        needs=lambda check, role: [],
        credential=lambda role: Credential("HISSUNO_RATE_LIMIT_KEY", "hss_abcdefzz"),
        send=lambda *args, **kwargs: limiter.call(),
        client=SimpleNamespace(retry=RetryPolicy(sleep=limiter.advance)),
        profile=SimpleNamespace(retry_after=False),
    )
    return {result.check: result for result in ratelimit.window.run(scenario)}  # type: ignore[union-attr]


def test_the_check_reports_an_inconclusive_count_as_skipped_with_the_timing() -> None:
    results = _run_window_check(Limiter(limit=5, window=5, latency=2.0))
    window = results["ratelimit.window"]
    assert window.status is Status.SKIPPED
    assert window.reason.startswith("the window moved while it was counted twice, a full window apart: ")
    # 2 s per request: the second count's 12 requests take 24 s, against a window that may change after 5 s.
    assert "the last count sent 12 requests in 24.0 s" in window.reason
    assert "X-RateLimit-Reset said the window could change after 5 s" in window.reason
    assert window.reason.endswith("not judged")
    assert not [r for r in results.values() if r.status is Status.FAILED]


def test_the_check_still_fails_a_limit_that_is_not_enforced() -> None:
    results = _run_window_check(Limiter(limit=60, window=60, enforce=False))
    assert results["ratelimit.window"].status is Status.FAILED
    assert results["ratelimit.too_many_requests"].status is Status.SKIPPED


def test_long_waits_are_announced_with_the_masked_key() -> None:
    """A second run within the window waits for it; the wait says what for and for how long, before it starts."""
    limiter = Limiter(limit=5, window=40)
    limiter.leave_hits(5, ago=1.0, spread=0.5)
    announced: list[str] = []
    retry = RetryPolicy(
        sleep=limiter.advance, announce=lambda wait: announced.append(f"{wait.seconds:.0f} {wait.reason}")
    )
    burst = count(limiter.call, retry, "hss_…qz")
    assert burst.settled and len(burst.admitted) == 5
    assert announced == ["40 the rate-limit window of key hss_…qz (left full by an earlier run)"]
