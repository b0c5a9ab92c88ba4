"""Real deliveries from a live mock verified by both SDKs' webhook helpers: a receiver on 127.0.0.1 is registered
through the Python SDK for every declared event type; a session created through the SDK and ``POST /__mock/events``
make one delivery of each type; each verifies as its own typed event in Python and in TypeScript (the same raw
bytes and headers, handed to ``test/deliveries.test.ts``), and a tampered body or another secret is refused."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hissuno import Hissuno, WebhookVerificationError, unwrap, webhooks
from hissuno.v1.api.sessions import create_session
from hissuno.v1.api.webhooks import create_webhook, delete_webhook
from hissuno.v1.models import SessionCreate, WebhookCreate
from hissuno.v1.models.event_type import check_event_type

from tests.sdks.sdk_files import declared_event_types
from tests.sdks.test_typescript_sdk import counted, node_test
from tests.support.servers import LiveMock
from tests.support.webhook_receiver import Receiver

PROJECT = "proj_hooks"
OTHER_SECRET = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
DELIVERY_TIMEOUT_S = 20.0


def event_type_of(delivery: dict[str, Any]) -> str:
    event_type: str = json.loads(delivery["body"])["type"]
    return event_type


def wait_for_every_type(receiver: Receiver, types: list[str]) -> dict[str, dict[str, Any]]:
    """The first delivery of each type, once every type has arrived."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while True:
        first: dict[str, dict[str, Any]] = {}
        for delivery in list(receiver.requests):
            first.setdefault(event_type_of(delivery), delivery)
        if set(types) <= set(first) or time.monotonic() > deadline:
            assert sorted(first) == sorted(types), f"deliveries of {sorted(first)} only"
            return first
        time.sleep(0.05)


@pytest.fixture(scope="module")
def deliveries(mock: LiveMock) -> tuple[str, str, dict[str, dict[str, Any]]]:
    """(the webhook's secret, the session created, one real delivery per declared event type)."""
    types = declared_event_types()
    with Receiver() as receiver, Hissuno(mock.keys.labelled("hooks-full"), base_url=mock.base_url) as hissuno:
        events = [check_event_type(event_type) for event_type in types]
        webhook = unwrap(create_webhook.sync_detailed(client=hissuno, body=WebhookCreate(url=receiver.url,
                                                                                        events=events)))
        try:
            body = SessionCreate(customer_email="hooks@example.com", message="Deliver me")
            session = unwrap(create_session.sync_detailed(client=hissuno, body=body))
            for event_type in types:
                if event_type != "session.created":
                    fired = httpx.post(f"{mock.base_url}/__mock/events", json={"type": event_type,
                                                                               "project_id": PROJECT}, timeout=10)
                    assert fired.is_success, fired.text
            received = wait_for_every_type(receiver, types)
        finally:
            delete_webhook.sync_detailed(webhook.id, client=hissuno)
    return webhook.secret, session.id, received


def test_every_real_delivery_verifies_as_its_typed_event_in_python(
        deliveries: tuple[str, str, dict[str, dict[str, Any]]]) -> None:
    secret, session_id, received = deliveries
    for event_type, delivery in received.items():
        event = webhooks.verify(delivery["body"], delivery["headers"], secret)
        sent = json.loads(delivery["body"])
        assert event.type == event_type
        assert type(event).__name__ == "".join(w.capitalize() for w in re.split("[._]", event_type)) + "Event"
        assert (event.id, event.data.id) == (sent["id"], sent["data"]["id"])
    created = webhooks.verify(received["session.created"]["body"], received["session.created"]["headers"], secret)
    assert created.type == "session.created"
    assert created.data.id == session_id
    assert created.data.customer_email == "hooks@example.com"


def test_a_real_delivery_tampered_or_checked_with_another_secret_is_refused_in_python(
        deliveries: tuple[str, str, dict[str, dict[str, Any]]]) -> None:
    secret, session_id, received = deliveries
    delivery = received["session.created"]
    tampered = delivery["body"].replace(session_id.encode(), session_id[:-1].encode() + b"x")
    assert tampered != delivery["body"]
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        webhooks.verify(tampered, delivery["headers"], secret)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        webhooks.verify(delivery["body"], delivery["headers"], OTHER_SECRET)


def test_every_real_delivery_verifies_in_typescript(deliveries: tuple[str, str, dict[str, dict[str, Any]]],
                                                    typescript_tests: Path, tmp_path: Path) -> None:
    secret, session_id, received = deliveries
    handed = tmp_path / "deliveries.json"
    handed.write_text(json.dumps({
        "secret": secret,
        "session_id": session_id,
        "deliveries": [{"type": event_type, "headers": delivery["headers"],
                        "body_base64": base64.b64encode(delivery["body"]).decode()}
                       for event_type, delivery in received.items()],
    }))
    output = node_test(typescript_tests / "deliveries.test.js", HISSUNO_TEST_DELIVERIES=str(handed))
    assert counted(output, "fail") == counted(output, "skipped") == 0
    assert counted(output, "pass") == 2
    assert counted(output, "verified") == len(declared_event_types())
