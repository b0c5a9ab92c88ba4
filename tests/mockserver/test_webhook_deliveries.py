"""Webhook deliveries reach a real local receiver, signed as Standard Webhooks says (checked with the reference
library), retried on the policy's schedule with the same webhook-id."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from contract.standard_webhooks import ID_HEADER, TIMESTAMP_HEADER, new_secret, signed_headers
from mockserver.webhooks import DeliveryPolicy, WebhookDispatcher, new_event
from tests.support.webhook_receiver import Receiver

SECRET = new_secret()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def subscription(url: str, events: list[str], enabled: bool = True) -> dict[str, Any]:
    return {"id": "whk_test1", "url": url, "events": events, "enabled": enabled, "secret": SECRET}


FAST = DeliveryPolicy(timeout_seconds=1.0, retry_schedule=(0.01, 0.02))


def deliver(dispatcher: WebhookDispatcher, event: dict[str, Any], subscriptions: list[dict[str, Any]]) -> int:
    async def run() -> int:
        count = dispatcher.dispatch("proj_a", event, subscriptions)
        await dispatcher.drain()
        await dispatcher.aclose()
        return count

    return asyncio.run(run())


def verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        return False
    return True


def test_secrets_are_whsec_and_the_base64_of_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert new_secret() != secret


def test_the_library_verifies_the_signed_headers_and_refuses_any_tampering() -> None:
    body = b'{"id":"evt_1"}'
    headers = signed_headers(SECRET, "evt_1", int(time.time()), body)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-signature"].startswith("v1,") and headers["webhook-id"] == "evt_1"
    assert verifies(SECRET, headers, body)
    assert not verifies(SECRET, headers, body + b" ")
    assert not verifies(new_secret(), headers, body)
    assert not verifies(SECRET, {**headers, "webhook-id": "evt_2"}, body)
    stale = signed_headers(SECRET, "evt_1", int(time.time() - 301), body)
    assert not verifies(SECRET, stale, body)


def test_delivery_is_signed_enveloped_and_recorded(receiver: Receiver) -> None:
    dispatcher = WebhookDispatcher(FAST)
    event = new_event("session.created", {"id": "sess_abc"})
    assert deliver(dispatcher, event, [subscription(receiver.url, ["session.created"])]) == 1
    [request] = receiver.requests
    assert verifies(SECRET, request["headers"], request["body"])
    assert request["headers"][ID_HEADER] == event["id"]
    sent = orjson.loads(request["body"])
    assert set(sent) == {"id", "type", "created_at", "data"} and sent["id"].startswith("evt_")
    assert sent["data"] == {"id": "sess_abc"}
    [record] = dispatcher.deliveries()
    assert record["state"] == "delivered" and record["status_code"] == 204 and record["attempts"] == 1
    [attempt] = record["attempt_log"]
    assert attempt["headers"] == {k: request["headers"][k] for k in (ID_HEADER, TIMESTAMP_HEADER, "webhook-signature")}
    assert record["message_id"] == event["id"] and record["retry_schedule"] == [0.01, 0.02]


def test_unsubscribed_or_disabled_subscriptions_get_nothing(receiver: Receiver) -> None:
    dispatcher = WebhookDispatcher(FAST)
    event = new_event("issue.created", {"id": "iss_1"})
    subs = [subscription(receiver.url, ["session.created"]), subscription(receiver.url, ["issue.created"], False)]
    assert deliver(dispatcher, event, subs) == 0
    assert receiver.requests == [] and dispatcher.deliveries() == []


def test_failures_are_retried_then_succeed() -> None:
    with Receiver(fail_first=2) as flaky:
        dispatcher = WebhookDispatcher(FAST)
        deliver(dispatcher, new_event("session.created", {}), [subscription(flaky.url, ["session.created"])])
        assert len(flaky.requests) == 3
        [record] = dispatcher.deliveries()
        assert record["state"] == "delivered" and record["attempts"] == 3
        assert {r["headers"][ID_HEADER] for r in flaky.requests} == {record["message_id"]}, "the same id every time"
        assert all(verifies(SECRET, r["headers"], r["body"]) for r in flaky.requests)


def test_attempts_are_bounded_and_errors_recorded() -> None:
    with Receiver(fail_first=100, status_on_failure=500) as broken:
        dispatcher = WebhookDispatcher(FAST)
        deliver(dispatcher, new_event("session.created", {}), [subscription(broken.url, ["session.created"])])
        assert len(broken.requests) == FAST.max_attempts
        [record] = dispatcher.deliveries()
        assert record["state"] == "failed" and record["status_code"] == 500
        assert "500" in record["error"]


def test_unreachable_receiver_fails_cleanly() -> None:
    dispatcher = WebhookDispatcher(FAST)
    deliver(dispatcher, new_event("session.created", {}), [subscription("http://127.0.0.1:9/x", ["session.created"])])
    [record] = dispatcher.deliveries()
    assert record["state"] == "failed" and record["status_code"] is None and record["error"]


def test_dispatch_does_not_wait_for_the_receiver() -> None:
    """dispatch() only schedules: it returns before any request was made."""
    with Receiver() as slow:
        dispatcher = WebhookDispatcher(FAST)

        async def run() -> int:
            subs = [subscription(slow.url, ["session.created"])]
            dispatcher.dispatch("proj_a", new_event("session.created", {}), subs)
            seen_before_drain = len(slow.requests)
            await dispatcher.drain()
            await dispatcher.aclose()
            return seen_before_drain

        assert asyncio.run(run()) == 0
        assert len(slow.requests) == 1
