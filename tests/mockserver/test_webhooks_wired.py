"""Webhooks registered through the API get the project's events, signed, in the background.

A real mock server (uvicorn on a free port) and a real receiver on 127.0.0.1; the receiver checks each
delivery's signature with the secret the create response showed, and the body against the contract's
``WebhookEvent`` schema. ``GET /__mock/deliveries`` reports what happened.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from jsonschema import Draft4Validator
from schemathesis.specs.openapi.converter import to_json_schema

from contract.spec import bundled
from contract.standard_webhooks import ID_HEADER, new_secret
from mockserver.app import create_app
from mockserver.pipeline.validate.formats import format_checker
from mockserver.settings import Settings
from mockserver.webhooks import DeliveryPolicy, WebhookDispatcher
from tests.mockserver.test_webhook_deliveries import verifies
from tests.support.servers import served
from tests.support.webhook_receiver import Receiver

STANDARD = {"Authorization": "Bearer hss_ivw74krcwb07bolzkrhcsuvrz8wj"}  # proj_northwind
FULL = {"Authorization": "Bearer hss_ykjos6srspj3s3qsox5m7lutc3c2"}
LUMEN = {"Authorization": "Bearer hss_yco73736ohpos0pk1a8l0mkcz1bq"}
EVENTS = ["session.created", "customer.created", "customer.updated", "knowledge_source.created"]
FAST = DeliveryPolicy(timeout_seconds=2.0, retry_schedule=(0.01, 0.02))
SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}


@pytest.fixture
def mock() -> Iterator[httpx.Client]:
    app = create_app(Settings(), webhooks=WebhookDispatcher(FAST))
    with served(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield http


def settled(http: httpx.Client, expected: int, timeout: float = 20) -> list[dict[str, Any]]:
    """The deliveries once ``expected`` of them exist and none is pending any more."""
    deadline = time.monotonic() + timeout
    while True:
        deliveries = http.get("/__mock/deliveries").json()
        if len(deliveries) >= expected and all(d["state"] != "pending" for d in deliveries):
            return deliveries
        assert time.monotonic() < deadline, f"deliveries did not settle: {deliveries}"
        time.sleep(0.02)


def subscribe(http: httpx.Client, url: str, events: list[str] = EVENTS, **extra: Any) -> dict[str, Any]:
    response = http.post("/v1/webhooks", headers=STANDARD, json={"url": url, "events": events, **extra})
    assert response.status_code == 201
    return response.json()


def event_validator() -> Draft4Validator:
    """The contract's ``WebhookEvent`` as JSON Schema (OpenAPI's ``nullable`` converted as Schemathesis does)."""
    schemas = {name: to_json_schema(schema, "nullable", is_response_schema=True)
               for name, schema in bundled("v1")["components"]["schemas"].items()}
    return Draft4Validator({"$ref": "#/components/schemas/WebhookEvent", "components": {"schemas": schemas}},
                           format_checker=format_checker())


def test_deliveries_are_signed_with_the_secret_from_the_create_response(mock: httpx.Client) -> None:
    with Receiver() as receiver:
        webhook = subscribe(mock, receiver.url)
        secret = webhook["secret"]
        assert "secret" not in mock.get(f"/v1/webhooks/{webhook['id']}", headers=STANDARD).json()
        assert all("secret" not in w for w in mock.get("/v1/webhooks", headers=STANDARD).json()["data"])
        session = mock.post("/v1/sessions", headers=STANDARD, json=SESSION).json()
        existing = mock.get("/v1/customers?limit=1", headers=STANDARD).json()["data"][0]["email"]
        imported = mock.post("/v1/customers/import", headers=STANDARD, json={"customers": [
            {"email": "new.person@example.com"}, {"email": existing, "title": "CTO"}]}).json()
        assert (imported["created"], imported["updated"]) == (1, 1)
        mock.post("/v1/knowledge-sources", headers=STANDARD, json={"type": "website", "url": "https://x.io"})
        deliveries = settled(mock, 4)

    assert sorted(d["event_type"] for d in deliveries) == sorted(EVENTS)
    assert all(d["state"] == "delivered" and d["status_code"] == 204 and d["attempts"] == 1 and d["error"] is None
               and d["webhook_id"] == webhook["id"] and d["project_id"] == "proj_northwind" for d in deliveries)
    validator = event_validator()
    received = {}
    for request in receiver.requests:
        headers, body = request["headers"], request["body"]
        assert verifies(secret, headers, body)
        assert not verifies(new_secret(), headers, body)
        event = orjson.loads(body)
        validator.validate(event)
        assert headers[ID_HEADER] == event["id"]
        received[event["type"]] = event["data"]
    expected_session = {k: v for k, v in session.items() if k not in ("messages", "linked_issues")}
    assert received["session.created"] == expected_session
    assert received["customer.created"]["email"] == "new.person@example.com"
    assert received["customer.updated"]["email"] == existing and received["customer.updated"]["title"] == "CTO"


def test_only_matching_enabled_subscriptions_of_the_project_get_events(mock: httpx.Client) -> None:
    with Receiver() as wanted, Receiver() as other:
        subscribe(mock, wanted.url, ["session.created"])
        subscribe(mock, other.url, ["knowledge_source.created"])  # one webhook per URL: the others differ
        subscribe(mock, f"{other.url}?disabled", ["session.created"], enabled=False)
        gone = subscribe(mock, f"{other.url}?deleted", ["session.created"])
        assert mock.delete(f"/v1/webhooks/{gone['id']}", headers=FULL).status_code == 204
        mock.post("/v1/sessions", headers=LUMEN, json=SESSION)  # another project's event
        mock.post("/v1/sessions", headers=STANDARD, json=SESSION)
        [delivery] = settled(mock, 1)
        time.sleep(0.2)  # give a wrongly scheduled delivery the chance to show up
        assert len(mock.get("/__mock/deliveries").json()) == 1
    assert delivery["url"] == wanted.url and len(wanted.requests) == 1 and other.requests == []


def test_a_broken_receiver_never_fails_the_request(mock: httpx.Client) -> None:
    with Receiver(fail_first=100, status_on_failure=500) as broken:
        subscribe(mock, broken.url, ["session.created"])
        subscribe(mock, "http://127.0.0.1:9/unreachable", ["session.created"])
        response = mock.post("/v1/sessions", headers=STANDARD, json=SESSION)
        assert response.status_code == 201
        deliveries = {d["url"]: d for d in settled(mock, 2)}
    failed = deliveries[broken.url]
    assert failed["state"] == "failed" and failed["attempts"] == FAST.max_attempts
    assert failed["status_code"] == 500 and "500" in failed["error"]
    assert len(broken.requests) == FAST.max_attempts
    unreachable = deliveries["http://127.0.0.1:9/unreachable"]
    assert unreachable["state"] == "failed" and unreachable["status_code"] is None and unreachable["error"]


class GatedReceiver(Receiver):
    """A receiver that holds every request until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        handler = self.server.RequestHandlerClass
        original = handler.do_POST
        gate = self.gate

        def held(request_handler: Any) -> None:
            gate.wait(timeout=20)
            original(request_handler)

        handler.do_POST = held


def test_the_request_does_not_wait_for_the_delivery(mock: httpx.Client) -> None:
    with GatedReceiver() as receiver:
        subscribe(mock, receiver.url, ["session.created"])
        assert mock.post("/v1/sessions", headers=STANDARD, json=SESSION).status_code == 201
        [pending] = mock.get("/__mock/deliveries").json()
        assert pending["state"] == "pending"  # the receiver has not answered, yet the 201 is here
        receiver.gate.set()
        [delivered] = settled(mock, 1)
    assert delivered["state"] == "delivered"


def test_deliveries_filter_by_project_and_reset_forgets_them(mock: httpx.Client) -> None:
    with Receiver() as receiver:
        subscribe(mock, receiver.url, ["session.created"])
        mock.post("/v1/sessions", headers=STANDARD, json=SESSION)
        settled(mock, 1)
    assert len(mock.get("/__mock/deliveries?project_id=proj_northwind").json()) == 1
    assert mock.get("/__mock/deliveries?project_id=proj_lumen").json() == []
    assert mock.post("/__mock/reset", json={}).status_code == 200
    assert mock.get("/__mock/deliveries").json() == []
    assert mock.get("/v1/webhooks", headers=STANDARD).json()["total"] == 0
