"""The contract judge used by every test catches a response that breaks the contract (mutants)."""

from __future__ import annotations

import pytest

from tests.support.client import MockClient
from tests.support.judging import ContractJudge, ContractViolation
from tests.support.mutants import Answer, Mutant, Scope


class DropsHeader(Mutant):
    """Strips one response header."""

    def __init__(self, app, header: str) -> None:
        super().__init__(app)
        self.header = header

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        answer.set_header(self.header, None)
        return answer


class ReplacesBody(Mutant):
    """Answers every body with ``body``."""

    def __init__(self, app, body: bytes) -> None:
        super().__init__(app)
        self.body = body

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        answer.body = self.body
        return answer


def test_checker_accepts_the_real_mock(client: MockClient, keys) -> None:
    key = keys.get("proj_northwind", "standard")
    assert client.get("/v1/sessions", key=key).status_code == 200
    assert client.get("/v1/sessions/sess_missing", key=key).status_code == 404


def test_checker_catches_a_missing_rate_limit_header(shared_app, judge: ContractJudge, keys) -> None:
    broken = MockClient(DropsHeader(shared_app, "x-ratelimit-remaining"), judge)
    try:
        with pytest.raises(ContractViolation, match="X-RateLimit-Remaining"):
            broken.get("/v1/sessions", key=keys.get("proj_northwind", "standard"))
    finally:
        broken.close()


def test_checker_catches_a_body_that_breaks_the_schema(shared_app, judge: ContractJudge, keys) -> None:
    broken = MockClient(ReplacesBody(shared_app, b'{"data": "nope"}'), judge)
    try:
        with pytest.raises(ContractViolation):
            broken.get("/v1/sessions", key=keys.get("proj_northwind", "standard"))
    finally:
        broken.close()


def test_checker_catches_a_non_json_error(shared_app, judge: ContractJudge) -> None:
    broken = MockClient(ReplacesBody(shared_app, b'{"detail": "problem+json style"}'), judge)
    try:
        with pytest.raises(AssertionError):
            broken.get("/v1/sessions")
    finally:
        broken.close()
