"""The contract checker used by every test catches a response that breaks the contract (mutants)."""

from __future__ import annotations

import pytest
from mock_support import ContractChecker, ContractViolation, MockClient


class DropHeader:
    """A deliberately broken variant of the mock: strips one response header."""

    def __init__(self, app, header: bytes) -> None:
        self.app = app
        self.header = header

    async def __call__(self, scope, receive, send) -> None:
        async def sending(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [h for h in message["headers"] if h[0] != self.header]}
            await send(message)

        await self.app(scope, receive, sending)


class ReplaceBody:
    """A deliberately broken variant of the mock: answers every JSON body with ``body``."""

    def __init__(self, app, body: bytes) -> None:
        self.app = app
        self.body = body

    async def __call__(self, scope, receive, send) -> None:
        async def sending(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message["headers"] if h[0] != b"content-length"]
                message = {**message, "headers": [*headers, (b"content-length", str(len(self.body)).encode())]}
            elif message["type"] == "http.response.body":
                message = {**message, "body": self.body}
            await send(message)

        await self.app(scope, receive, sending)


def test_checker_accepts_the_real_mock(client: MockClient, keys) -> None:
    key = keys.get("proj_northwind", "standard")
    assert client.get("/v1/sessions", key=key).status_code == 200
    assert client.get("/v1/sessions/sess_missing", key=key).status_code == 404


def test_checker_catches_a_missing_rate_limit_header(shared_app, checker: ContractChecker, keys) -> None:
    broken = MockClient(DropHeader(shared_app, b"x-ratelimit-remaining"), checker)
    try:
        with pytest.raises(ContractViolation, match="X-RateLimit-Remaining"):
            broken.get("/v1/sessions", key=keys.get("proj_northwind", "standard"))
    finally:
        broken.close()


def test_checker_catches_a_body_that_breaks_the_schema(shared_app, checker: ContractChecker, keys) -> None:
    broken = MockClient(ReplaceBody(shared_app, b'{"data": "nope"}'), checker)
    try:
        with pytest.raises(ContractViolation):
            broken.get("/v1/sessions", key=keys.get("proj_northwind", "standard"))
    finally:
        broken.close()


def test_checker_catches_a_non_json_error(shared_app, checker: ContractChecker) -> None:
    broken = MockClient(ReplaceBody(shared_app, b'{"detail": "problem+json style"}'), checker)
    try:
        with pytest.raises(AssertionError):
            broken.get("/v1/sessions")
    finally:
        broken.close()
