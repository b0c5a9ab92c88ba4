"""The Python SDK against a live mock: paging through 10,000 sessions, create then get, every declared error
status as its typed error, and 120 calls on a free-plan key with no 429 surfacing and no early retry."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import pytest
from hissuno import (
    ERRORS_BY_STATUS,
    APIStatusError,
    Hissuno,
    RateLimitError,
    RetryPolicy,
    UnprocessableEntityError,
    apaginate,
    paginate,
    unwrap,
)
from hissuno.v1.api.issues import list_issues
from hissuno.v1.api.sessions import create_session, get_session, list_sessions
from hissuno.v1.api.webhooks import create_webhook
from hissuno.v1.models.session_create import SessionCreate
from hissuno.v1.models.webhook_create import WebhookCreate

from tests.sdks.rate_limit_proof import rate_limit_problems
from tests.sdks.sdk_files import declared_error_statuses
from tests.support.servers import LiveMock

SEEDED_SESSIONS = 10_000
RATE_PROOF_CALLS = 120


def client(mock: LiveMock, label: str, **options: object) -> Hissuno:
    return Hissuno(mock.keys.labelled(label), base_url=mock.base_url, **options)  # type: ignore[arg-type]


def test_paginate_yields_each_of_10000_sessions_once(mock: LiveMock) -> None:
    with client(mock, "bulk-standard") as hissuno:
        ids = [session.id for session in paginate(list_sessions.sync_detailed, client=hissuno, show_archived=True)]
    assert len(ids) == SEEDED_SESSIONS
    assert len(set(ids)) == SEEDED_SESSIONS


def test_apaginate_yields_each_of_10000_sessions_once(mock: LiveMock) -> None:
    async def collect() -> list[str]:
        async with client(mock, "bulk-standard") as hissuno:
            return [s.id async for s in apaginate(list_sessions.asyncio_detailed, client=hissuno, show_archived=True)]

    ids = asyncio.run(collect())
    assert len(ids) == SEEDED_SESSIONS
    assert len(set(ids)) == SEEDED_SESSIONS


def test_create_then_get_returns_the_created_session(mock: LiveMock) -> None:
    with client(mock, "work-standard") as hissuno:
        body = SessionCreate(customer_email="jane@example.com", message="How do I export my data?")
        created = unwrap(create_session.sync_detailed(client=hissuno, body=body))
        fetched = unwrap(get_session.sync_detailed(created.id, client=hissuno))
    assert fetched.id == created.id
    assert fetched.status == "active"
    assert [message.content for message in fetched.messages] == ["How do I export my data?"]


def test_create_then_get_async(mock: LiveMock) -> None:
    async def create_and_get() -> tuple[str, str]:
        async with client(mock, "work-standard") as hissuno:
            body = SessionCreate(customer_email="sam@example.com", message="Async hello")
            created = unwrap(await create_session.asyncio_detailed(client=hissuno, body=body))
            fetched = unwrap(await get_session.asyncio_detailed(created.id, client=hissuno))
            return created.id, fetched.id

    created_id, fetched_id = asyncio.run(create_and_get())
    assert created_id == fetched_id


# One way to provoke each status the contract declares. A status the contract adds needs a recipe here (the test
# for it fails until then); its typed error comes from ERRORS_BY_STATUS.
def provoke_400(mock: LiveMock) -> None:
    list_sessions.sync_detailed(client=client(mock, "work-standard"), limit=0)


def provoke_401(mock: LiveMock) -> None:
    list_sessions.sync_detailed(client=Hissuno("hss_notarealkey", base_url=mock.base_url))


def provoke_403(mock: LiveMock) -> None:
    body = SessionCreate(customer_email="ro@example.com", message="Read-only keys cannot write")
    create_session.sync_detailed(client=client(mock, "work-read-only"), body=body)


def provoke_404(mock: LiveMock) -> None:
    get_session.sync_detailed("sess_doesnotexist", client=client(mock, "work-standard"))


def provoke_409(mock: LiveMock) -> None:
    """The project's webhook cap (100; the TypeScript proof may have filled it already), then one more."""
    hissuno = client(mock, "work-standard")
    for number in range(101):
        body = WebhookCreate(url=f"http://127.0.0.1:9/cap-{number}", events=["session.created"])
        create_webhook.sync_detailed(client=hissuno, body=body)


def provoke_413(mock: LiveMock) -> None:
    body = SessionCreate(customer_email="big@example.com", message="x" * (6 * 1024 * 1024))
    create_session.sync_detailed(client=client(mock, "work-standard"), body=body)


def provoke_422(mock: LiveMock) -> None:
    body = SessionCreate(customer_email="not-an-email", message="hello")
    create_session.sync_detailed(client=client(mock, "work-standard"), body=body)


def provoke_429(mock: LiveMock) -> None:
    async def burst() -> None:  # 40 at once where the free plan allows 30 a second
        async with client(mock, "free-429", retry=RetryPolicy(max_retries=0)) as hissuno:
            await asyncio.gather(*(list_issues.asyncio_detailed(client=hissuno, limit=1) for _ in range(40)))

    asyncio.run(burst())


def provoke_500(mock: LiveMock, marker: str = "provoke-500") -> None:
    hissuno = client(mock, "work-standard", retry=RetryPolicy(backoff_seconds=0.05))
    list_issues.sync_detailed(client=hissuno.with_headers({"Prefer": "code=500"}), search=marker)


def provoke_503(mock: LiveMock) -> None:  # a real one needs a stalled Redis (tests/hardening/test_shared_state.py)
    hissuno = client(mock, "work-standard", retry=RetryPolicy(max_retries=0))
    list_issues.sync_detailed(client=hissuno.with_headers({"Prefer": "code=503"}))


def provoke_507(mock: LiveMock) -> None:  # a real one needs --max-created (tests/hardening/test_shared_state.py)
    body = SessionCreate(customer_email="full@example.com", message="One too many")
    create_session.sync_detailed(client=client(mock, "work-standard").with_headers({"Prefer": "code=507"}), body=body)


PROVOKE: dict[int, Callable[[LiveMock], None]] = {
    400: provoke_400, 401: provoke_401, 403: provoke_403, 404: provoke_404, 409: provoke_409, 413: provoke_413,
    422: provoke_422, 429: provoke_429, 500: provoke_500, 503: provoke_503, 507: provoke_507,
}


@pytest.mark.parametrize("status", declared_error_statuses())
def test_each_declared_error_status_raises_its_typed_error(mock: LiveMock, status: int) -> None:
    assert status in PROVOKE, f"the contract declares {status}: add a way to provoke it"
    with pytest.raises(APIStatusError) as caught:
        PROVOKE[status](mock)
    assert type(caught.value) is ERRORS_BY_STATUS[status]
    assert caught.value.status == status
    assert caught.value.error.endswith(".") and caught.value.error[0].isupper()


def test_422_carries_the_details_per_field(mock: LiveMock) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        provoke_422(mock)
    assert [detail.field for detail in caught.value.details] == ["customer_email"]
    assert caught.value.details[0].message


def test_429_carries_retry_after(mock: LiveMock) -> None:
    with pytest.raises(RateLimitError) as caught:
        provoke_429(mock)
    assert caught.value.retry_after is not None and caught.value.retry_after >= 1


def test_500_on_a_get_is_retried_within_the_budget(mock: LiveMock) -> None:
    with pytest.raises(APIStatusError):
        provoke_500(mock, "retry-budget-500")
    attempts = mock.logged("retry-budget-500")
    assert [r.status for r in attempts] == [500, 500, 500]  # the first try and RetryPolicy's 2 retries


def run_rate_proof(mock: LiveMock, label: str, marker: str, policy: RetryPolicy | None = None,
                   calls: int = RATE_PROOF_CALLS) -> list[str]:
    with client(mock, label, retry=policy or RetryPolicy()) as hissuno:
        for _ in range(calls):
            unwrap(list_issues.sync_detailed(client=hissuno, limit=1, search=marker))
    return rate_limit_problems(mock.logged(marker), calls)


def test_120_free_plan_calls_surface_no_429_and_never_retry_early(mock: LiveMock) -> None:
    assert run_rate_proof(mock, "free-python-sync", "rate-proof-python-sync") == []


def test_120_free_plan_calls_async(mock: LiveMock) -> None:
    marker = "rate-proof-python-async"

    async def calls() -> None:
        async with client(mock, "free-python-async") as hissuno:
            for _ in range(RATE_PROOF_CALLS):
                unwrap(await list_issues.asyncio_detailed(client=hissuno, limit=1, search=marker))

    asyncio.run(calls())
    assert rate_limit_problems(mock.logged(marker), RATE_PROOF_CALLS) == []


class ImpatientRetries(RetryPolicy):
    """A mutant: retries a 429 after 0.2 s whatever ``Retry-After`` says (and often enough to get through)."""

    def delay(self, method: str, status: int | None, headers: Mapping[str, str], retry: int,
              waited_seconds: float) -> float | None:
        return 0.2 if status == 429 and retry <= 20 else None


def test_the_rate_proof_catches_a_retry_before_retry_after(mock: LiveMock) -> None:
    problems = run_rate_proof(mock, "free-mutant", "rate-proof-mutant", ImpatientRetries(), calls=40)
    assert any("after a 429 that said Retry-After" in problem for problem in problems), problems
