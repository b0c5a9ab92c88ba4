"""The hostile corpus, continued: requests met while shared state misbehaves (issue 13, item 6), judged as
:mod:`tests.hardening.test_hostile_corpus` judges its own (the declared status as a conforming ``{"error"}``
or answer, then a healthy server).

The mock runs on a Redis of its own (data and rate-limit windows) with ``--max-created 3``; each case names
the condition it is sent under: Redis stopped (SIGSTOP, resumed afterwards), Redis flushed, or the project
already at its cap for the kind (reset afterwards).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.hardening.rawhttp import RawResponse, exchange
from tests.hardening.test_hostile_corpus import (
    Hostile,
    Target,
    assert_healthy,
    contract,  # noqa: F401 - a fixture
    get,
    judge,
    post,
)
from tests.support.judging import ContractJudge
from tests.support.redis_server import LiveRedis, live_redis
from tests.support.servers import live_mock, raised_rate_limits

pytestmark = pytest.mark.slow

CAP = 3
SESSION = json.dumps({"customer_email": "jane@example.com", "message": "How do I export data?"}).encode()
SOURCE = json.dumps({"type": "raw_text", "name": "Notes", "content": "Some text."}).encode()
WEBHOOK = json.dumps({"url": "http://127.0.0.1:9/hook", "events": ["session.created"]}).encode()
UNAVAILABLE = frozenset({503})
FULL = frozenset({507})
OK = frozenset({200})


def new_customers(count: int, tag: str) -> bytes:
    return json.dumps({"customers": [{"email": f"{tag}{index}@example.com"} for index in range(count)]}).encode()


FILL: dict[str, tuple[str, Callable[[int], bytes]]] = {  # a create of each kind, repeated until the project is full
    "sessions": ("/v1/sessions", lambda _: SESSION),
    "knowledge_sources": ("/v1/knowledge-sources", lambda _: SOURCE),
    # each webhook to a URL of its own (a URL that already has one is a 409)
    "webhooks": ("/v1/webhooks", lambda n: json.dumps({"url": f"http://127.0.0.1:9/fill{n}",
                                                       "events": ["session.created"]}).encode()),
    "customers": ("/v1/customers/import", lambda _: new_customers(CAP, "filler")),
}


@dataclass(frozen=True)
class Case:
    hostile: Hostile
    condition: str = "normal"  # normal | redis stopped | redis flushed | project full
    kind: str = "sessions"  # the kind a "project full" case fills first
    check: Callable[[RawResponse], None] | None = None


def reports_the_cap(answer: RawResponse) -> None:
    result = json.loads(answer.body)
    assert result["created"] == 0 and len(result["errors"]) == 2, result
    assert all("the most this mock keeps (--max-created)" in error["message"] for error in result["errors"])


def retry_after(answer: RawResponse) -> None:
    assert int(answer.headers["retry-after"]) >= 1


def seeded_total(answer: RawResponse) -> None:
    assert json.loads(answer.body)["total"] > 0


CASES: dict[str, Case] = {
    # the examples
    "a create past the cap": Case(Hostile("POST", "/v1/sessions", post("/v1/sessions", SESSION), FULL),
                                  "project full"),
    "a read while Redis is stopped": Case(Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=5"), UNAVAILABLE),
                                          "redis stopped", check=retry_after),
    "a list after FLUSHALL": Case(Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=5"), OK), "redis flushed",
                                  check=seeded_total),
    # more of the same classes
    "a knowledge source past the cap": Case(Hostile(
        "POST", "/v1/knowledge-sources", post("/v1/knowledge-sources", SOURCE), FULL), "project full",
        "knowledge_sources"),
    "a webhook past the cap": Case(Hostile("POST", "/v1/webhooks", post("/v1/webhooks", WEBHOOK), FULL),
                                   "project full", "webhooks"),
    "an internal create past the cap": Case(Hostile(
        "POST", "/api/projects/{project}/sessions", lambda t: post(f"/api/projects/{t.project_id}/sessions",
                                                                    SESSION)(t), FULL), "project full"),
    "an import past the cap": Case(Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", new_customers(2, "past")), OK), "project full", "customers", reports_the_cap),
    "a create while Redis is stopped": Case(Hostile("POST", "/v1/sessions", post("/v1/sessions", SESSION),
                                                    UNAVAILABLE), "redis stopped", check=retry_after),
    "an import while Redis is stopped": Case(Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", new_customers(3, "stalled")), UNAVAILABLE), "redis stopped"),
    "a delete while Redis is stopped": Case(Hostile("DELETE", "/v1/webhooks/whk_missing", get(
        "/v1/webhooks/whk_missing", method="DELETE"), UNAVAILABLE), "redis stopped"),
    "another project's data while Redis is stopped": Case(Hostile(
        "GET", "/api/projects/{other}/sessions", get("/api/projects/{other}/sessions"), UNAVAILABLE),
        "redis stopped"),
    "a reset while Redis is stopped": Case(Hostile(
        "POST", "/__mock/reset", post("/__mock/reset", b"{}", authorised=False), UNAVAILABLE, by_http_layer=True),
        "redis stopped"),
    "a seeded session after FLUSHALL": Case(Hostile(
        "GET", "/v1/sessions/{first}", lambda t: get(f"/v1/sessions/{first_session(t)}")(t), OK), "redis flushed"),
    "a create after FLUSHALL": Case(Hostile("POST", "/v1/sessions", post("/v1/sessions", SESSION),
                                            frozenset({201})), "redis flushed"),
    "an import after FLUSHALL": Case(Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", new_customers(2, "flushed")), OK), "redis flushed"),
    "a rehearsed outage": Case(Hostile("GET", "/v1/issues", get("/v1/issues", ("Prefer", "code=503")), UNAVAILABLE),
                               check=retry_after),
    "a rehearsed full project": Case(Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", SESSION, ("Prefer", "code=507")), FULL)),
}


def first_session(t: Target) -> str:
    """The newest seeded session (read before the case's condition is set)."""
    return SEEDED[t.project_id]


SEEDED: dict[str, str] = {}


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Target, LiveRedis]]:
    with live_redis() as redis, live_mock("--state", f"{redis.url}/1", "--rate-limit-storage", redis.url,
                                          "--max-created", str(CAP), *raised_rate_limits()) as mock:
        project_id, key = mock.keys.of_plan("enterprise", "full")
        other = next(item["project_id"] for item in mock.keys.listing if item["project_id"] != project_id)
        listed = httpx.get(f"{mock.base_url}/v1/sessions?limit=1", headers={"Authorization": f"Bearer {key}"})
        SEEDED[project_id] = listed.json()["data"][0]["id"]
        yield Target(mock, key, project_id, other), redis


def fill(t: Target, kind: str) -> None:
    path, body = FILL[kind]
    headers = {"Authorization": f"Bearer {t.key}", "Content-Type": "application/json"}
    for n in range(CAP + 1):
        answer = httpx.post(f"{t.mock.base_url}{path}", headers=headers, content=body(n), timeout=30)
        if answer.status_code == 507 or (kind == "customers" and answer.json().get("errors")):
            return
    if kind != "customers":
        raise AssertionError(f"{path} never reached the cap of {CAP}")


@contextlib.contextmanager
def condition(case: Case, t: Target, redis: LiveRedis) -> Iterator[None]:
    if case.condition == "redis stopped":
        os.kill(redis.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(redis.process.pid, signal.SIGCONT)
        return
    if case.condition == "redis flushed":
        redis.flush()
    if case.condition == "project full":
        fill(t, case.kind)
    yield
    if case.condition == "project full":
        assert httpx.post(f"{t.mock.base_url}/__mock/reset", json={}, timeout=30).status_code == 200


def answers_again(t: Target, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = httpx.get(f"{t.mock.base_url}/v1/sessions?limit=1", headers={"Authorization": f"Bearer {t.key}"},
                           timeout=10).status_code
        if status == 200:
            return
        time.sleep(0.2)
    raise AssertionError("the mock did not answer 200 again after Redis came back")


@pytest.mark.parametrize("name", list(CASES))
def test_a_request_under_failing_shared_state_gets_its_declared_status(
        name: str, shared: tuple[Target, LiveRedis], contract: ContractJudge) -> None:  # noqa: F811
    target, redis = shared
    case = CASES[name]
    started = time.monotonic()
    with condition(case, target, redis):
        answer = exchange(target.mock.base_url, case.hostile.build(target), timeout=30)
    took = time.monotonic() - started
    hostile = case.hostile
    if "{first}" in hostile.target:
        hostile = Hostile(hostile.method, hostile.target.replace("{first}", SEEDED[target.project_id]),
                          hostile.build, hostile.allowed, hostile.by_http_layer)
    judge(hostile, answer, target, contract)
    assert took < 5.0
    if case.check is not None:
        case.check(answer)
    answers_again(target)
    assert_healthy(target)
