"""Webhook deliveries reach a real local receiver, signed as the contract says, retried within bounds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from mockserver.webhooks import (
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    DeliveryPolicy,
    WebhookDispatcher,
    new_event,
    sign,
    verify,
)
from tests.support.webhook_receiver import Receiver

SECRET = "whsec_testsecret123"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def subscription(url: str, events: list[str], enabled: bool = True) -> dict[str, Any]:
    return {"id": "whk_test1", "url": url, "events": events, "enabled": enabled, "secret": SECRET}


FAST = DeliveryPolicy(timeout_seconds=1.0, max_attempts=3, backoff_seconds=0.01)


def deliver(dispatcher: WebhookDispatcher, event: dict[str, Any], subscriptions: list[dict[str, Any]]) -> int:
    async def run() -> int:
        count = dispatcher.dispatch("proj_a", event, subscriptions)
        await dispatcher.drain()
        await dispatcher.aclose()
        return count

    return asyncio.run(run())


def test_signature_round_trip_and_tamper_detection() -> None:
    body = b'{"id":"evt_1"}'
    header = sign(SECRET, body, 1_700_000_000)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify(SECRET, body, header, now=1_700_000_010)
    assert not verify(SECRET, body + b" ", header, now=1_700_000_010)
    assert not verify("whsec_other", body, header, now=1_700_000_010)
    assert not verify(SECRET, body, header, now=1_700_000_000 + 301)  # stale
    assert not verify(SECRET, body, "garbage", now=1_700_000_000)


def test_delivery_is_signed_enveloped_and_recorded(receiver: Receiver) -> None:
    dispatcher = WebhookDispatcher(FAST)
    event = new_event("session.created", {"id": "sess_abc"})
    assert deliver(dispatcher, event, [subscription(receiver.url, ["session.created"])]) == 1
    [request] = receiver.requests
    assert verify(SECRET, request["body"], request["headers"][SIGNATURE_HEADER])
    assert request["headers"][EVENT_TYPE_HEADER] == "session.created"
    sent = orjson.loads(request["body"])
    assert set(sent) == {"id", "type", "created_at", "data"} and sent["id"].startswith("evt_")
    assert sent["data"] == {"id": "sess_abc"}
    [record] = dispatcher.deliveries()
    assert record["state"] == "delivered" and record["status_code"] == 204 and record["attempts"] == 1


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
