"""The broken mocks the hardening tests must catch, served in a process of their own
(``tests.support.serve_mutant``) so the socket, uvicorn and the access log are the real ones.

:class:`BrokenLists`: the sessions list (``GET /v1/sessions``) loses its ``total`` (a schema violation) and the
issues list (``GET /v1/issues``) answers 500; the self-fuzz must report both. :class:`RacyLimiter`: the rate
limiter reads the window, waits 50 ms (a slow round trip), then counts, so concurrent requests near the limit
all get in; the concurrency test must see more than the limit pass.
"""

from __future__ import annotations

from typing import Any

from tests.support.mutants import Answer, Mutant, RacyWindowStorage, Scope

SCHEMA_FAULT_PATH = "/v1/sessions"
SERVER_ERROR_PATH = "/v1/issues"
SLOW_ROUND_TRIP_S = 0.05


class BrokenLists(Mutant):
    """Two list operations broken: one drops ``total``, the other answers 500."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if scope["method"] != "GET":
            return answer
        if scope["path"] == SERVER_ERROR_PATH:
            failed = Answer(500, [], b"")
            failed.set_json({"error": "Internal server error."})
            return failed
        body = answer.json
        if scope["path"] == SCHEMA_FAULT_PATH and isinstance(body, dict):
            body.pop("total", None)
            answer.set_json(body)
        return answer


class RacyLimiter(Mutant):
    """The real mock on a rate-limit storage that lets concurrent hits past the limit."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(limiter_storage=RacyWindowStorage(SLOW_ROUND_TRIP_S), **settings)
