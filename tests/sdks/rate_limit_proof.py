"""The rate-limit proof, judged from the mock's log: every call on a free-plan key succeeded, every 429 the mock
sent was followed by a retry (none surfaced to the caller), and no retry came before the ``Retry-After`` the mock
announced.

The free plan is shrunk to a one-second window so that 120 calls take seconds, not two minutes. In a one-second
window the mock's ``Retry-After`` (whole seconds until a slot frees, at least 1) is always exactly 1.
"""

from __future__ import annotations

import itertools

from tests.support.servers import LoggedRequest

FREE_PLAN_LIMIT = "30/second"
RETRY_AFTER_S = 1.0
TOLERANCE_S = 0.1  # the log's lines are stamped as they are read, a few milliseconds apart at worst


def rate_limit_problems(requests: list[LoggedRequest], calls: int) -> list[str]:
    """What the log shows wrong with ``calls`` sequential calls (empty when the SDK behaved)."""
    problems: list[str] = []
    succeeded = sum(1 for r in requests if r.status < 400)
    limited = sum(1 for r in requests if r.status == 429)
    if succeeded != calls:
        problems.append(f"{succeeded} of {calls} calls succeeded")
    if limited == 0:
        problems.append("the mock never answered 429, so nothing was proven")
    if len(requests) != succeeded + limited:
        problems.append(f"other statuses: {sorted({r.status for r in requests} - {429} - set(range(200, 400)))}")
    for answer, retry in itertools.pairwise(requests):
        gap = retry.at - answer.at
        if answer.status == 429 and gap < RETRY_AFTER_S - TOLERANCE_S:
            problems.append(f"a retry {gap:.3f} s after a 429 that said Retry-After: {RETRY_AFTER_S:.0f}")
    if requests and requests[-1].status == 429:
        problems.append("the last answer was a 429 nobody retried")
    return problems
