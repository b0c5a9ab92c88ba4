"""The Python SDK's webhook helper without a server: deliveries signed by the Standard Webhooks library itself verify
and come back as the class of their event type; a tampered body, another secret, a stale or future timestamp, a
missing header, or a signed body that is no known event each raise ``WebhookVerificationError``."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, assert_type

import httpx
import pytest
from hissuno import HissunoError, WebhookEvent, WebhookVerificationError, verify_webhook, webhooks
from hissuno.v1.models import Customer, Issue, KnowledgeSource, Session
from hissuno.webhook_events import (
    IssueUpvotedEvent,
    KnowledgeSourceFailedEvent,
    SessionCreatedEvent,
)
from standardwebhooks import Webhook

from tests.sdks.sdk_files import declared_event_types, example_resource

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER_SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
MODELS: dict[str, type[Session | Issue | Customer | KnowledgeSource]] = {
    "Session": Session, "Issue": Issue, "Customer": Customer, "KnowledgeSource": KnowledgeSource,
}


def payload_schema(event_type: str) -> str:
    """The contract's resource named by the event type's prefix (``knowledge_source`` -> ``KnowledgeSource``)."""
    return "".join(word.capitalize() for word in event_type.rsplit(".", 1)[0].split("_"))


def event_body(event_type: str) -> bytes:
    data = example_resource(payload_schema(event_type))
    return json.dumps({"id": "evt_k2m9x1", "type": event_type, "created_at": "2026-01-15T10:30:01Z",
                       "data": data}).encode()


def delivery(body: bytes, *, secret: str = SECRET, sent_at: datetime | None = None,
             message_id: str = "msg_2Lk9") -> dict[str, str]:
    """The three headers the library's own signer puts on ``body``."""
    sent_at = sent_at or datetime.now(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, sent_at, body),
    }


@pytest.mark.parametrize("event_type", declared_event_types())
def test_every_declared_event_type_verifies_as_its_own_class(event_type: str) -> None:
    body = event_body(event_type)
    event = webhooks.verify(body, delivery(body), SECRET)
    assert event.type == event_type
    assert type(event).__name__ == "".join(word.capitalize() for word in re.split("[._]", event_type)) + "Event"
    assert isinstance(event.data, MODELS[payload_schema(event_type)])
    assert event.data.id == json.loads(body)["data"]["id"]
    assert event.id == "evt_k2m9x1"
    assert event.created_at == datetime(2026, 1, 15, 10, 30, 1, tzinfo=UTC)


def test_the_event_narrows_by_its_type() -> None:
    body = event_body("issue.upvoted")
    event: WebhookEvent = verify_webhook(body, delivery(body), SECRET)
    if event.type == "issue.upvoted":
        assert_type(event, IssueUpvotedEvent)
        assert_type(event.data, Issue)
        assert event.data.upvote_count >= 0
    else:
        pytest.fail(f"an issue.upvoted delivery came back as {event.type}")
    match event:
        case SessionCreatedEvent(data=session):
            assert_type(session, Session)
            pytest.fail("an issue.upvoted delivery matched SessionCreatedEvent")
        case KnowledgeSourceFailedEvent(data=source):
            assert_type(source, KnowledgeSource)
            pytest.fail("an issue.upvoted delivery matched KnowledgeSourceFailedEvent")
        case IssueUpvotedEvent(data=issue):
            assert issue.id == "iss_7fk2m9"


def test_headers_are_read_in_any_case_from_any_mapping() -> None:
    body = event_body("session.created")
    headers = httpx.Headers({name.title(): value for name, value in delivery(body).items()})
    assert webhooks.verify(body.decode(), headers, SECRET).type == "session.created"


def test_a_rotated_secret_s_signature_list_verifies_with_either_secret() -> None:
    body = event_body("session.created")
    headers = delivery(body)
    headers["webhook-signature"] += " " + delivery(body, secret=OTHER_SECRET)["webhook-signature"]
    assert webhooks.verify(body, headers, SECRET).type == webhooks.verify(body, headers, OTHER_SECRET).type


def refused(payload: bytes, headers: dict[str, str], secret: str = SECRET) -> WebhookVerificationError:
    with pytest.raises(WebhookVerificationError) as caught:
        webhooks.verify(payload, headers, secret)
    assert isinstance(caught.value, HissunoError)
    return caught.value


def test_a_tampered_body_is_refused() -> None:
    body = event_body("session.created")
    tampered = body.replace(b"sess_abc123", b"sess_abc124")
    assert tampered != body
    assert "No matching signature" in str(refused(tampered, delivery(body)))


def test_another_secret_is_refused() -> None:
    body = event_body("session.created")
    assert "No matching signature" in str(refused(body, delivery(body), OTHER_SECRET))


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_timestamp_more_than_five_minutes_away_is_refused(minutes: int) -> None:
    body = event_body("session.created")
    sent_at = datetime.now(UTC) + timedelta(minutes=minutes)
    assert "timestamp too" in str(refused(body, delivery(body, sent_at=sent_at)))


def test_a_timestamp_four_minutes_old_is_accepted() -> None:
    body = event_body("session.created")
    assert webhooks.verify(body, delivery(body, sent_at=datetime.now(UTC) - timedelta(minutes=4)), SECRET)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_refused(header: str) -> None:
    body = event_body("session.created")
    headers = delivery(body)
    del headers[header]
    assert "Missing required headers" in str(refused(body, headers))


@pytest.mark.parametrize("body", [
    b"not json",
    b"[1, 2]",
    json.dumps({"id": "evt_1", "type": "session.exploded", "created_at": "2026-01-15T10:30:01Z", "data": {}}).encode(),
    json.dumps({"id": "evt_1", "type": "session.created", "created_at": "2026-01-15T10:30:01Z", "data": {}}).encode(),
])
def test_a_well_signed_body_that_is_no_known_event_is_refused(body: bytes) -> None:
    assert "signed" in str(refused(body, delivery(body)))


def test_the_error_is_also_the_library_s_error() -> None:
    import standardwebhooks

    body = event_body("session.created")
    error: Any = refused(body, delivery(body, secret=OTHER_SECRET))
    assert isinstance(error, standardwebhooks.WebhookVerificationError)
