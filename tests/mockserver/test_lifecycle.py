"""Lifecycle writes make every declared webhook event real: closing, reviewing and tagging sessions, opening,
changing and upvoting issues, knowledge sources analysed in the background (``--processing-delay``).

A real mock (uvicorn in a thread, so timers run between requests) on each data store, and a real receiver on
127.0.0.1 subscribed to every event type the contract declares; every delivery is judged by the contract's
``WebhookEvent`` schema.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest
from jsonschema import Draft4Validator
from schemathesis.specs.openapi.converter import to_json_schema

from contract.spec import bundled
from mockserver.app import create_app
from mockserver.pipeline.validate.formats import format_checker
from mockserver.settings import Settings
from mockserver.webhooks import DeliveryPolicy, WebhookDispatcher
from tests.support.servers import served
from tests.support.webhook_receiver import Receiver

NW = "proj_northwind"
STANDARD = {"Authorization": "Bearer hss_ivw74krcwb07bolzkrhcsuvrz8wj"}  # proj_northwind
DELAY = 0.3
EVENT_TYPES = bundled("v1")["components"]["schemas"]["EventType"]["enum"]
SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}


def wait_for(probe: Callable[[], Any], timeout: float = 20.0) -> Any:
    """``probe()`` once it is truthy (polled every 20 ms)."""
    deadline = time.monotonic() + timeout
    while not (found := probe()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return found


def event_validator() -> Draft4Validator:
    schemas = {name: to_json_schema(schema, "nullable", is_response_schema=True)
               for name, schema in bundled("v1")["components"]["schemas"].items()}
    return Draft4Validator({"$ref": "#/components/schemas/WebhookEvent", "components": {"schemas": schemas}},
                           format_checker=format_checker())


@pytest.fixture(params=["memory", "sqlite", "redis"])
def state(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mock.db'}"
    return request.getfixturevalue("redis_url") + "/0"


@pytest.fixture
def mock(state: str) -> Iterator[httpx.Client]:
    settings = Settings(state=state, processing_delay=DELAY)
    policy = DeliveryPolicy(timeout_seconds=2.0, retry_schedule=(0.01, 0.02))
    app = create_app(settings, webhooks=WebhookDispatcher(policy))
    with served(app) as base_url, httpx.Client(base_url=base_url, headers=STANDARD, timeout=30) as http:
        yield http


def test_every_declared_event_type_is_fired_by_an_operation(mock: httpx.Client) -> None:
    with Receiver() as receiver:
        assert mock.post("/v1/webhooks", json={"url": receiver.url, "events": EVENT_TYPES}).status_code == 201
        session = mock.post("/v1/sessions", json=SESSION).json()
        closed = mock.post(f"/v1/sessions/{session['id']}/close").json()
        issue = mock.post("/v1/issues", json={"type": "bug", "title": "Export times out"}).json()
        mock.patch(f"/v1/issues/{issue['id']}", json={"status": "in_progress"})
        mock.post(f"/v1/issues/{issue['id']}/upvote", json={"session_id": session["id"]})
        mock.post("/v1/customers/import", json={"customers": [{"email": "new@example.com"}]})
        mock.post("/v1/customers/import", json={"customers": [{"email": "new@example.com", "title": "CTO"}]})
        mock.post("/v1/knowledge-sources", json={"type": "website", "url": "https://docs.example.com"})
        mock.post("/v1/knowledge-sources", json={"type": "docs_portal", "url": "https://docs.example.invalid"})
        wait_for(lambda: len(receiver.requests) >= len(EVENT_TYPES) + 1)  # knowledge_source.created twice
        time.sleep(3 * DELAY)  # anything sent twice would show by now
        events = [orjson.loads(request["body"]) for request in receiver.requests]

    assert closed["status"] == "closed"
    assert sorted(event["type"] for event in events) == sorted([*EVENT_TYPES, "knowledge_source.created"])
    validator = event_validator()
    for event in events:
        validator.validate(event)
    data = {event["type"]: event["data"] for event in events}
    assert data["session.closed"]["id"] == session["id"] and data["session.closed"]["status"] == "closed"
    assert data["session.reviewed"]["pm_reviewed_at"] is not None
    assert data["issue.updated"]["status"] == "in_progress"
    assert data["issue.upvoted"]["upvote_count"] == 2
    assert data["knowledge_source.completed"]["analyzed_at"] is not None
    assert data["knowledge_source.failed"]["error_message"] == "Could not reach docs.example.invalid."


def test_a_knowledge_source_is_pending_then_processing_then_completed(mock: httpx.Client) -> None:
    created = mock.post("/v1/knowledge-sources", json={"type": "raw_text", "content": "Pro costs $49."}).json()
    statuses = [created["status"]]
    while statuses[-1] not in ("completed", "failed"):
        status = mock.get(f"/v1/knowledge-sources/{created['id']}").json()["status"]
        if status != statuses[-1]:
            statuses.append(status)
        time.sleep(0.02)
    assert statuses == ["pending", "processing", "completed"]
    source = mock.get(f"/api/projects/{NW}/settings/knowledge-sources/{created['id']}").json()
    assert source["analyzed_at"] is not None and source["error_message"] is None


def test_a_review_runs_once_at_a_time_and_then_may_run_again(mock: httpx.Client) -> None:
    session = mock.post("/v1/sessions", json=SESSION).json()
    review = f"/api/projects/{NW}/sessions/{session['id']}/review"
    started = mock.post(review)
    assert started.status_code == 202 and started.json()["pm_reviewed_at"] is None
    assert mock.post(review).json() == {"error": "A review of this session is already running."}
    reviewed = wait_for(lambda: mock.get(f"/v1/sessions/{session['id']}").json()["pm_reviewed_at"])
    assert mock.post(review).status_code == 202
    again = wait_for(lambda: (at := mock.get(f"/v1/sessions/{session['id']}").json()["pm_reviewed_at"]) != reviewed
                     and at)
    assert again > reviewed


def test_reset_forgets_the_work_in_progress(mock: httpx.Client) -> None:
    pending = mock.get("/v1/knowledge-sources?status=pending").json()["total"]
    source = mock.post("/v1/knowledge-sources", json={"type": "website", "url": "https://www.example.com"}).json()
    assert mock.post("/__mock/reset", json={}).status_code == 200
    time.sleep(3 * DELAY)
    assert mock.get(f"/v1/knowledge-sources/{source['id']}").status_code == 404
    assert mock.get("/v1/knowledge-sources?status=pending").json()["total"] == pending, "seeded sources stay"


def test_closing_a_closed_session_is_a_409_and_fires_nothing(mock: httpx.Client) -> None:
    with Receiver() as receiver:
        mock.post("/v1/webhooks", json={"url": receiver.url, "events": ["session.closed"]})
        session = mock.post("/v1/sessions", json=SESSION).json()
        assert mock.post(f"/v1/sessions/{session['id']}/close").status_code == 200
        again = mock.post(f"/v1/sessions/{session['id']}/close")
        wait_for(lambda: receiver.requests)
        time.sleep(3 * DELAY)
    assert again.status_code == 409 and again.json() == {"error": "Session is already closed."}
    assert [orjson.loads(request["body"])["data"]["id"] for request in receiver.requests] == [session["id"]]
