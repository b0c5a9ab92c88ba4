"""Rate limits: exactly the advertised number of requests pass in a window, then 429 with ``Retry-After``.

Uses the dedicated rate-limit key (nothing else uses it, so its window is ours). One burst gives four
verdicts: the window (how many passed), the headers (``Remaining`` falls by one per request and never
below zero, the IETF headers agree with the ``X-RateLimit-*`` ones), the 429 itself, and (full profile)
that a retry after ``Retry-After`` seconds succeeds. The count is judged only where the window could not move
during the burst (:mod:`conformance.checks.burst`). A per-response check holds every other answer to the same
header rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from conformance.checks.base import (
    Deferred,
    Scenario,
    error_problems,
    problem,
    response_check,
    response_headers,
    scenario_check,
)
from conformance.checks.burst import MAX_BURST, MAX_WAIT, RETRY_MARGIN, Burst, count, header_int
from conformance.client import Exchange
from conformance.operations import Operation
from conformance.results import CheckResult, Problem, skipped, verdict
from conformance.retry import TOO_MANY_REQUESTS, retry_after_seconds

FAMILY = "ratelimit"
ROLE = "rate_limit_key"
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


def _headed_answer(case: Any, status: int) -> bool:
    return _headed(status)


@response_check(
    FAMILY,
    "response_headers",
    "Every answer that must carry rate-limit headers carries consistent ones; 429 adds Retry-After.",
    applies=_headed_answer,
)
def hissuno_rate_limit_headers(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every answer that must carry rate-limit headers carries consistent ones (and 429 a Retry-After)."""
    if not _headed(response.status_code):
        return None
    problems = header_problems(response_headers(response), response.status_code)
    if problems:
        raise AssertionError("; ".join(problems))
    return None


def _lower(exchange: Exchange) -> dict[str, str]:
    return {name.lower(): value for name, value in exchange.headers.items()}


def _burst(scenario: Scenario, listing: Operation) -> Burst:
    """Exhaust the key's window (see :mod:`conformance.checks.burst` for when the count can be trusted)."""

    def call() -> Exchange:
        return scenario.send(listing, ROLE, params={"limit": 1}, honour_rate_limit=False)

    credential = scenario.credential(ROLE)
    return count(call, scenario.client.retry, credential.masked if credential else "(none)")


def _timing(burst: Burst) -> str:
    """How long the burst took against how long the first answer said its window would hold (for messages)."""
    reset = header_int(burst.first, "X-RateLimit-Reset")
    said = f", and the first answer's X-RateLimit-Reset was {reset} s" if reset is not None else ""
    return f"{len(burst.exchanges)} requests in {burst.seconds:.1f} s{said}"


def _inconclusive(burst: Burst) -> str:
    counted = "counted twice, a full window apart" if burst.attempts > 1 else "counted"
    opening = burst.opening or burst.first
    reset = header_int(opening, "X-RateLimit-Reset")
    return (
        f"the window moved while it was {counted}: the last count sent {burst.sent} requests in "
        f"{burst.attempt_seconds:.1f} s, but its first answer's X-RateLimit-Reset said the window could change "
        f"after {reset} s (the server, or this machine, is too slow to exhaust the window before it changes); "
        "not judged"
    )


def window_problems(burst: Burst) -> list[Problem] | None:
    """What is wrong with the count; None when the count cannot be trusted (the window moved during it)."""
    first = burst.first
    if first.status >= 300:
        return [problem(f"the rate-limit key's first request answered {first.status}", first)]
    limit, remaining = header_int(first, "X-RateLimit-Limit"), burst.remaining
    if limit is None or remaining is None:
        return [problem("no integer X-RateLimit-Limit/Remaining on the first answer", first)]
    refused, admitted = burst.refused, len(burst.admitted)
    advertised = f"the first answer advertised {remaining} remaining after it (limit {limit})"
    # A moving window only ever frees room, so a 429 before the advertised remainder is wrong whenever it came.
    if refused is not None and admitted < remaining + 1:
        return [Problem(f"the 429 came after only {admitted} requests, but {advertised}", refused.curl())]
    if not burst.settled:
        return None
    stable = f"{_timing(burst)}, so the window could not have moved"
    if refused is None:
        last = burst.exchanges[-1]
        return [problem(f"no 429 after {len(burst.exchanges)} requests: {advertised}; {stable}", last)]
    if admitted > remaining + 1:
        return [Problem(f"{admitted} requests passed before the 429, but {advertised}; {stable}", refused.curl())]
    # A window already in use (an earlier run, a sliding window) starts below limit - 1; what must hold is
    # that exactly the advertised remainder passes.
    return []


def header_sequence_problems(burst: Burst) -> list[Problem]:
    """Each answer's headers, and ``Remaining`` falling by exactly one while the window cannot move (after
    that, by at most one: expired hits may give room back)."""
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
        remaining = header_int(exchange, "X-RateLimit-Remaining")
        if remaining is None:
            continue
        if previous is not None and exchange.status != TOO_MANY_REQUESTS:
            if burst.in_time(exchange) and remaining != previous - 1:
                message = f"X-RateLimit-Remaining went from {previous} to {remaining}, expected {previous - 1}"
                problems.append(problem(f"{message} ({_timing(burst)})", exchange))
            elif remaining < previous - 1:
                message = f"X-RateLimit-Remaining fell from {previous} to {remaining} with one request"
                problems.append(problem(message, exchange))
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
    scope=lambda contract: contract.lists[:1],
)
def window(scenario: Scenario) -> Iterator[CheckResult | Deferred]:
    """One burst on the first list: at most the advertised remainder plus a few requests (never more than
    1,505), counted twice at most, a full window apart."""
    listings = scenario.in_scope(window)
    if not listings:
        return
    operation = listings[0].label
    if skips := scenario.needs(window, ROLE):
        yield from skips
        return
    burst = _burst(scenario, listings[0])
    limit = header_int(burst.first, "X-RateLimit-Limit")
    problems = window_problems(burst)
    if limit is not None and limit > MAX_BURST:
        yield skipped(operation, window.name, FAMILY, f"limit {limit} is too large to exhaust", api=scenario.api)
    elif problems is None:
        yield skipped(operation, window.name, FAMILY, _inconclusive(burst), api=scenario.api)
    else:
        yield verdict(operation, window.name, FAMILY, problems, api=scenario.api)
    yield verdict(operation, HEADERS, FAMILY, header_sequence_problems(burst), api=scenario.api)
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
    yield from _retry(scenario, listings[0], refused)


def _retry(scenario: Scenario, listing: Operation, refused: Exchange) -> Iterator[CheckResult | Deferred]:
    """The retry verdict: judged at once when Retry-After is unusable, else deferred until it has passed.

    The wait counts from when the 429 *arrived* (the server said Retry-After while answering, before that),
    so however late this client runs, the retry never goes out early.
    """
    seconds = retry_after_seconds(refused.headers)
    if seconds is None:
        problems = [problem("the 429 has no Retry-After to wait for", refused)]
    elif seconds > MAX_WAIT:
        problems = [problem(f"Retry-After {seconds:g} s is longer than a window of {MAX_WAIT:g} s", refused)]
    else:

        def retry() -> list[CheckResult]:
            again = scenario.send(listing, ROLE, params={"limit": 1}, honour_rate_limit=False)
            found = []
            if again.status >= 300:
                waited = again.sent_at - refused.received_at
                message = (
                    f"a retry sent {waited:.1f} s after the 429 arrived (its Retry-After was {seconds:g} s) "
                    f"answered {again.status}"
                )
                if again.status == TOO_MANY_REQUESTS:
                    message += f" with Retry-After {again.headers.get('Retry-After', '(none)')}"
                found.append(problem(message, again))
            return [verdict(listing.label, RETRY_AFTER, FAMILY, found, api=scenario.api)]

        ready_at = refused.received_at + seconds + RETRY_MARGIN
        yield Deferred(RETRY_AFTER, ready_at, retry, api=scenario.api, operation=listing.label)
        return
    yield verdict(listing.label, RETRY_AFTER, FAMILY, problems, api=scenario.api)
