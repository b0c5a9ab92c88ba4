"""``POST /__mock/events`` and ``hissuno-mock trigger`` fire every event type the contract declares: built from the
project's current data (or the contract's example when it has none), checked against the declared payload,
delivered signed to a real receiver and verified there with the ``standardwebhooks`` library."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from conformance.operations import Contract
from conformance.webhook_contract import registrations
from contract.spec import bundled
from mockserver.app import create_app
from mockserver.event_trigger import EventTrigger, TriggerRefused
from mockserver.presentation import Views
from mockserver.settings import Settings
from mockserver.stores.factory import open_store
from mockserver.webhooks import DeliveryPolicy, WebhookDispatcher, WebhookRelay
from tests.mockserver.test_webhook_deliveries import verifies
from tests.support.judging import error_envelope_problems
from tests.support.servers import live_mock, served
from tests.support.webhook_receiver import Receiver

STANDARD = {"Authorization": "Bearer hss_ivw74krcwb07bolzkrhcsuvrz8wj"}  # proj_northwind
LUMEN = {"Authorization": "Bearer hss_yco73736ohpos0pk1a8l0mkcz1bq"}
FAST = DeliveryPolicy(timeout_seconds=2.0, retry_schedule=(0.05, 0.1))
REGISTRATION = registrations(Contract.load("v1"))[0]
EVENT_TYPES = list(REGISTRATION.event_types)


@pytest.fixture
def mock() -> Iterator[httpx.Client]:
    app = create_app(Settings(), webhooks=WebhookDispatcher(FAST))
    with served(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield http


def subscribe(http: httpx.Client, url: str, events: list[str], headers: dict[str, str] = STANDARD) -> str:
    response = http.post("/v1/webhooks", headers=headers, json={"url": url, "events": events})
    assert response.status_code == 201, response.text
    return str(response.json()["secret"])


def arrived(receiver: Receiver, count: int, timeout: float = 15) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while len(receiver.requests) < count:
        assert time.monotonic() < deadline, f"{len(receiver.requests)} of {count} deliveries arrived"
        time.sleep(0.02)
    return receiver.requests


def test_every_declared_event_type_is_fired_signed_and_matches_its_declared_payload(mock: httpx.Client) -> None:
    assert len(EVENT_TYPES) == 11
    with Receiver() as receiver:
        secret = subscribe(mock, receiver.url, EVENT_TYPES)
        fired = {}
        for event_type in EVENT_TYPES:
            response = mock.post("/__mock/events", json={"type": event_type})
            assert response.status_code == 202, response.text
            answer = response.json()
            assert answer["project_id"] == "proj_northwind" and answer["deliveries"] == 1
            fired[answer["event"]["id"]] = answer["event"]
        requests = arrived(receiver, len(EVENT_TYPES))
    assert {orjson.loads(r["body"])["type"] for r in requests} == set(EVENT_TYPES)
    for request in requests:
        event = orjson.loads(request["body"])
        assert verifies(secret, request["headers"], request["body"])
        assert request["headers"]["webhook-id"] == event["id"] and fired[event["id"]] == event
        callback = REGISTRATION.callback_for(event["type"])
        assert callback is not None
        assert callback.payload_problems(event) == [] and callback.header_problems(request["headers"]) == []


def test_the_payload_is_the_projects_newest_object_with_the_callers_fields_on_top(mock: httpx.Client) -> None:
    session = mock.post("/v1/sessions", headers=STANDARD, json={"customer_email": "new@example.com",
                                                                "message": "Hello"}).json()
    closed = mock.post("/__mock/events", json={"type": "session.closed", "data": {"status": "closed"}}).json()
    assert closed["event"]["data"]["id"] == session["id"] and closed["event"]["data"]["status"] == "closed"
    assert closed["event"]["data"]["customer_email"] == "new@example.com"
    other = mock.post("/__mock/events", json={"type": "issue.upvoted", "project_id": "proj_lumen"}).json()
    lumen_issues = mock.get("/v1/issues?limit=100", headers=LUMEN).json()["data"]
    assert other["project_id"] == "proj_lumen" and other["event"]["data"]["id"] in {i["id"] for i in lumen_issues}
    assert other["deliveries"] == 0, "no webhook in that project"


def test_a_project_without_such_an_object_gets_the_contracts_example() -> None:
    document = bundled("v1")
    views = Views(document)
    store = open_store("memory://", {"proj_empty": {}}, present=views.summary)
    trigger = EventTrigger(document, store, views.summary, WebhookRelay(store, WebhookDispatcher()), ["proj_empty"])
    fired = asyncio.run(trigger.fire("knowledge_source.failed", data={"status": "failed"}))
    data = fired["event"]["data"]
    example = f'"id":"{data["id"]}","type":"{data["type"]}"'
    assert data["id"].startswith("ks_") and example in orjson.dumps(document).decode(), "the contract's example"
    assert fired["event"]["data"]["status"] == "failed" and fired["deliveries"] == 0
    assert REGISTRATION.callback_for("knowledge_source.failed").payload_problems(fired["event"]) == []  # type: ignore[union-attr]
    with pytest.raises(TriggerRefused, match="No project"):
        asyncio.run(trigger.fire("issue.created", project_id="proj_northwind"))


@pytest.mark.parametrize(("body", "status", "said"), [
    ({"type": "issue.deleted"}, 422, "Unknown event type 'issue.deleted'"),
    ({}, 422, "Unknown event type None"),
    ({"type": "issue.created", "project_id": "proj_nowhere"}, 404, "No project 'proj_nowhere'"),
    ({"type": "issue.created", "data": [1]}, 422, "The data must be a JSON object"),
    ({"type": "issue.created", "data": {"created_at": 5, "priority": "urgent"}}, 422, "data/priority"),
])
def test_what_cannot_be_fired_is_a_clear_json_error_and_sends_nothing(mock: httpx.Client, body: dict[str, Any],
                                                                      status: int, said: str) -> None:
    response = mock.post("/__mock/events", json=body)
    assert response.status_code == status and said in response.json()["error"], response.text
    assert error_envelope_problems(response) == []
    assert mock.get("/__mock/deliveries").json() == []


def test_a_body_that_is_not_a_json_object_is_400(mock: httpx.Client) -> None:
    for raw in (b"{", b"[1]"):
        response = mock.post("/__mock/events", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and error_envelope_problems(response) == []


def test_the_control_guard_covers_the_new_controls() -> None:
    with live_mock(control_token="s3cret") as running:
        for path in ("/__mock/events", "/__mock/deliveries/dlv_x/redeliver"):
            refused = httpx.post(f"{running.base_url}{path}", json={"type": "issue.created"})
            assert refused.status_code == 401 and "control token" in refused.json()["error"]
        authorized = {"Authorization": "Bearer s3cret"}
        no_json = httpx.post(f"{running.base_url}/__mock/events", content=b"type=issue.created",
                             headers={**authorized, "Content-Type": "application/x-www-form-urlencoded"})
        assert no_json.status_code == 415
        fired = httpx.post(f"{running.base_url}/__mock/events", json={"type": "issue.created"}, headers=authorized)
        assert fired.status_code == 202


def hissuno_mock(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("hissuno-mock")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HISSUNO_MOCK_")} | env
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=60, env=environment,
                          check=False)


def test_hissuno_mock_trigger_delivers_a_verified_event_to_a_local_receiver() -> None:
    """The issue's Done-when: ``make mock``, a local receiver, ``hissuno-mock trigger issue.created``."""
    with live_mock("--webhook-retry-schedule", "0.1,0.2") as running, Receiver() as receiver:
        http = httpx.Client(base_url=running.base_url)
        secret = subscribe(http, receiver.url, ["issue.created"])
        completed = hissuno_mock("trigger", "issue.created", "--url", running.base_url)
        assert completed.returncode == 0, completed.stderr
        event = orjson.loads(completed.stdout)
        assert "1 delivery queued" in completed.stderr and event["type"] == "issue.created"
        [request] = arrived(receiver, 1)
        assert verifies(secret, request["headers"], request["body"]) and orjson.loads(request["body"]) == event
        lumen = hissuno_mock("trigger", "customer.updated", "--project", "proj_lumen", "--url", running.base_url)
        assert lumen.returncode == 0 and "in proj_lumen: 0 deliveries" in lumen.stderr
        unknown = hissuno_mock("trigger", "issue.deleted", "--url", running.base_url)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.startswith("hissuno-mock: error: ") and "Unknown event type 'issue.deleted'" in unknown.stderr
    assert len(unknown.stderr.splitlines()) == 1


def test_trigger_without_a_running_mock_is_one_line_and_exit_2() -> None:
    completed = hissuno_mock("trigger", "issue.created", "--url", "http://127.0.0.1:9")
    assert completed.returncode == 2 and "cannot reach the mock at http://127.0.0.1:9" in completed.stderr
    assert len(completed.stderr.splitlines()) == 1
