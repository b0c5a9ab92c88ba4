"""Rate limits: exactly the advertised number of requests pass in a window, then 429 with ``Retry-After``.

Uses the dedicated rate-limit key (nothing else uses it, so its window is ours). One burst gives four
verdicts: the window (how many passed), the headers (``Remaining`` falls by one per request and never
below zero, the IETF headers agree with the ``X-RateLimit-*`` ones), the 429 itself, and (full profile)
that a retry after ``Retry-After`` seconds succeeds. A per-response check registered with Schemathesis
holds every other answer to the same header rules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis

from conformance.checks.base import Deferred, Scenario, error_problems, problem, response_headers, scenario_check
from conformance.client import Exchange
from conformance.results import RUN_WIDE, CheckResult, Problem, skipped, verdict
from conformance.retry import TOO_MANY_REQUESTS, retry_after_seconds

FAMILY = "ratelimit"
ROLE = "rate_limit_key"
# Requests past the advertised limit before we call it "no rate limiting"; and the largest limit we exhaust.
SLACK = 5
MAX_BURST = 1500
MAX_WAIT = 65.0
RETRY_MARGIN = 0.5
HEADED_STATUSES = frozenset({400, 403, 404, 422, 429})
_PARAMETER = re.compile(r";\s*([a-z]+)=(\d+)")


def parse_structured(value: str) -> dict[str, int]:
    """The integer parameters of an IETF ``RateLimit``/``RateLimit-Policy`` value (``"pro";q=300;w=60``)."""
    return {name: int(number) for name, number in _PARAMETER.findall(value)}


def header_problems(headers: Mapping[str, str], status: int) -> list[str]:
    """Inconsistencies among the rate-limit headers of one answer (names looked up in lower case)."""
    problems = []
    try:
        limit = int(headers["x-ratelimit-limit"])
        remaining = int(headers["x-ratelimit-remaining"])
        reset = int(headers["x-ratelimit-reset"])
    except KeyError as exc:
        return [f"{status} without the {exc.args[0]} header"]
    except ValueError:
        return [f"{status}: X-RateLimit-* headers must be integers"]
    if not 0 <= remaining <= limit:
        problems.append(f"X-RateLimit-Remaining {remaining} is outside 0..{limit}")
    if reset < 0:
        problems.append(f"X-RateLimit-Reset {reset} is negative")
    policy = parse_structured(headers.get("ratelimit-policy", ""))
    state = parse_structured(headers.get("ratelimit", ""))
    if policy.get("q") != limit:
        problems.append(f"RateLimit-Policy q={policy.get('q')} differs from X-RateLimit-Limit {limit}")
    if state.get("r") != remaining:
        problems.append(f"RateLimit r={state.get('r')} differs from X-RateLimit-Remaining {remaining}")
    if status == TOO_MANY_REQUESTS:
        if remaining != 0:
            problems.append(f"429 with X-RateLimit-Remaining {remaining}, expected 0")
        if retry_after_seconds(headers) is None or not headers.get("retry-after", "").strip().isdigit():
            problems.append("429 without an integer Retry-After header")
    return problems


def _headed(status: int) -> bool:
    return 200 <= status < 300 or status in HEADED_STATUSES


@schemathesis.check
def hissuno_rate_limit_headers(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every answer that must carry rate-limit headers carries consistent ones (and 429 a Retry-After)."""
    if not _headed(response.status_code):
        return None
    problems = header_problems(response_headers(response), response.status_code)
    if problems:
        raise AssertionError("; ".join(problems))
    return None


RESPONSE_CHECKS = {hissuno_rate_limit_headers.__name__: f"{FAMILY}.response_headers"}


@dataclass
class Burst:
    """Requests with the rate-limit key until the first 429 (or the slack past the limit runs out)."""

    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def first(self) -> Exchange:
        return self.exchanges[0]

    @property
    def refused(self) -> Exchange | None:
        return next((e for e in self.exchanges if e.status == TOO_MANY_REQUESTS), None)

    @property
    def admitted(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.status != TOO_MANY_REQUESTS]


def _lower(exchange: Exchange) -> dict[str, str]:
    return {name.lower(): value for name, value in exchange.headers.items()}


def _remaining(exchange: Exchange) -> int | None:
    try:
        return int(exchange.headers["X-RateLimit-Remaining"])
    except (KeyError, ValueError):
        return None


def _burst(scenario: Scenario) -> tuple[Burst, int | None]:
    """Exhaust the key's window once; returns the burst and the advertised limit (None if not advertised).

    If the window rolls over mid-burst (Remaining goes up), the count starts again from there, once.
    """
    listing = scenario.contract.lists[0]

    def call() -> Exchange:
        return scenario.send(listing, ROLE, params={"limit": 1}, honour_rate_limit=False)

    first = call()
    if first.status == TOO_MANY_REQUESTS:
        # A window left over from an earlier run: wait it out, as a client would.
        scenario.client.retry.wait(min(retry_after_seconds(first.headers) or 1.0, MAX_WAIT) + RETRY_MARGIN)
        first = call()
    try:
        limit = int(first.headers["X-RateLimit-Limit"])
    except (KeyError, ValueError):
        return Burst([first]), None
    burst, restarts = Burst([first]), 1
    while burst.refused is None and len(burst.exchanges) <= min(_remaining(first) or 0, MAX_BURST) + SLACK:
        exchange = call()
        previous, now = _remaining(burst.exchanges[-1]), _remaining(exchange)
        if restarts and exchange.status < 300 and previous is not None and now is not None and now > previous:
            burst, first, restarts = Burst([exchange]), exchange, restarts - 1
            continue
        burst.exchanges.append(exchange)
    return burst, limit


def _window_problems(burst: Burst, limit: int | None) -> list[Problem]:
    first = burst.first
    if first.status >= 300:
        return [problem(f"the rate-limit key's first request answered {first.status}", first)]
    if limit is None:
        return [problem("no integer X-RateLimit-Limit/Remaining on the first answer", first)]
    if limit > MAX_BURST:
        return []
    remaining = int(first.headers["X-RateLimit-Remaining"])
    refused = burst.refused
    last = burst.exchanges[-1]
    if refused is None:
        return [problem(f"no 429 after {len(burst.exchanges)} requests with a limit of {limit}", last)]
    admitted = len(burst.admitted)
    if admitted != remaining + 1:
        return [
            Problem(
                f"{admitted} requests passed before the 429, but the first answer advertised "
                f"{remaining} remaining after it (limit {limit})",
                refused.curl(),
            )
        ]
    # A window already in use (an earlier run, a sliding window) starts below limit - 1; what must hold is
    # that exactly the advertised remainder passes.
    return []


def _header_sequence_problems(burst: Burst) -> list[Problem]:
    problems = []
    previous: int | None = None
    limit = burst.first.headers.get("X-RateLimit-Limit")
    for exchange in burst.exchanges:
        lower = _lower(exchange)
        problems.extend(problem(p, exchange) for p in header_problems(lower, exchange.status))
        if lower.get("x-ratelimit-limit") != limit:
            problems.append(
                problem(f"X-RateLimit-Limit changed from {limit} to {lower.get('x-ratelimit-limit')}", exchange)
            )
        try:
            remaining = int(lower["x-ratelimit-remaining"])
        except (KeyError, ValueError):
            continue
        if previous is not None and exchange.status != TOO_MANY_REQUESTS and remaining != previous - 1:
            problems.append(
                problem(f"X-RateLimit-Remaining went from {previous} to {remaining}, expected {previous - 1}", exchange)
            )
        previous = remaining
    return problems[:5]


HEADERS = f"{FAMILY}.headers"
TOO_MANY = f"{FAMILY}.too_many_requests"
RETRY_AFTER = f"{FAMILY}.retry_after"


@scenario_check(
    FAMILY,
    "window",
    "Exactly the advertised number of requests succeeds (the whole limit in a fresh window), then 429.",
    also={
        "headers": "X-RateLimit-Remaining falls by one per request, never below zero; RateLimit* agree.",
        "too_many_requests": 'The 429 is JSON {"error"} with an integer Retry-After and Remaining 0.',
        "retry_after": "(full profile) A request sent Retry-After seconds after a 429 succeeds.",
    },
)
def window(scenario: Scenario) -> Iterator[CheckResult | Deferred]:
    if not scenario.contract.lists:
        return
    operation = scenario.contract.lists[0].label
    if skip := scenario.needs(window, ROLE):
        for name in window.reports:
            yield skipped(RUN_WIDE, name, FAMILY, skip.reason, api=scenario.api)
        return
    burst, limit = _burst(scenario)
    if limit is not None and limit > MAX_BURST:
        yield skipped(operation, window.name, FAMILY, f"limit {limit} is too large to exhaust", api=scenario.api)
    else:
        yield verdict(operation, window.name, FAMILY, _window_problems(burst, limit), api=scenario.api)
    yield verdict(operation, HEADERS, FAMILY, _header_sequence_problems(burst), api=scenario.api)
    refused = burst.refused
    if refused is None:
        yield skipped(operation, TOO_MANY, FAMILY, "no 429 was provoked", api=scenario.api)
        yield skipped(operation, RETRY_AFTER, FAMILY, "no 429 was provoked", api=scenario.api)
        return
    problems = list(error_problems(refused, (TOO_MANY_REQUESTS,), "429"))
    problems.extend(problem(p, refused) for p in header_problems(_lower(refused), refused.status))
    yield verdict(operation, TOO_MANY, FAMILY, problems, api=scenario.api)
    if not scenario.profile.retry_after:
        yield skipped(operation, RETRY_AFTER, FAMILY, "full profile only", api=scenario.api)
        return
    yield from _retry(scenario, operation, refused)


def _retry(scenario: Scenario, operation: str, refused: Exchange) -> Iterator[CheckResult | Deferred]:
    """The retry verdict: judged at once when Retry-After is unusable, else deferred until it has passed."""
    seconds = retry_after_seconds(refused.headers)
    if seconds is None:
        problems = [problem("the 429 has no Retry-After to wait for", refused)]
    elif seconds > MAX_WAIT:
        problems = [problem(f"Retry-After {seconds:g} s is longer than a window of {MAX_WAIT:g} s", refused)]
    else:

        def retry() -> list[CheckResult]:
            listing = scenario.contract.lists[0]
            again = scenario.send(listing, ROLE, params={"limit": 1}, honour_rate_limit=False)
            found = []
            if again.status >= 300:
                message = f"a retry {seconds:g} s (Retry-After) after the 429 answered {again.status}"
                found.append(problem(message, again))
            return [verdict(operation, RETRY_AFTER, FAMILY, found, api=scenario.api)]

        yield Deferred(RETRY_AFTER, time.monotonic() + seconds + RETRY_MARGIN, retry)
        return
    yield verdict(operation, RETRY_AFTER, FAMILY, problems, api=scenario.api)


CHECKS = (window,)
