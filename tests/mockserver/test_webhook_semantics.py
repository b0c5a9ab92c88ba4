"""The delivery promises the contract's ``callbacks`` make, kept by the mock: a timeout per attempt, retries on the
schedule (5 attempts by default, shortened here with the policy or ``--webhook-retry-schedule``) with the same
``webhook-id``, one attempt at a time per webhook so its first attempts arrive in the order of its events, nothing
after a delete (queued retries included), and ``/__mock/deliveries`` showing every attempt, with a redelivery
control that replays one delivery under the same ``webhook-id``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import httpx
import orjson
import pytest

from contract.spec import bundled
from contract.standard_webhooks import new_secret
from mockserver.app import create_app
from mockserver.settings import DEFAULT_WEBHOOK_RETRY_SCHEDULE, Settings, SettingsError
from mockserver.webhooks import DeliveryPolicy, WebhookDispatcher, new_event
from tests.mockserver.test_webhook_deliveries import verifies
from tests.mockserver.test_webhook_trigger import STANDARD, arrived, hissuno_mock, subscribe
from tests.support.servers import live_mock, served
from tests.support.webhook_receiver import Receiver, SilentReceiver

FULL = {"Authorization": "Bearer hss_ykjos6srspj3s3qsox5m7lutc3c2"}


class TimedReceiver(Receiver):
    """A receiver that notes when each request started and ended, and takes ``hold`` seconds to answer."""

    def __init__(self, fail_first: int = 0, hold: float = 0.0) -> None:
        super().__init__(fail_first=fail_first, status_on_failure=500)
        self.spans: list[tuple[float, float]] = []
        handler = self.server.RequestHandlerClass
        original = handler.do_POST
        spans = self.spans

        def timed(request_handler: Any) -> None:
            started = time.monotonic()
            time.sleep(hold)
            original(request_handler)
            spans.append((started, time.monotonic()))

        handler.do_POST = timed  # type: ignore[attr-defined]


def run_dispatcher(policy: DeliveryPolicy, url: str, events: int = 1) -> list[dict[str, Any]]:
    subscription = {"id": "whk_1", "url": url, "events": ["issue.created"], "secret": new_secret()}

    async def run() -> list[dict[str, Any]]:
        dispatcher = WebhookDispatcher(policy)
        for _ in range(events):
            dispatcher.dispatch("proj_a", new_event("issue.created", {"id": "iss_1"}), [subscription])
        await dispatcher.drain()
        await dispatcher.aclose()
        return dispatcher.deliveries()

    return asyncio.run(run())


def test_the_default_is_five_attempts_with_exponential_backoff_as_the_contract_says() -> None:
    policy = DeliveryPolicy()
    assert policy.max_attempts == 5 and policy.timeout_seconds == 5
    delays = policy.retry_schedule
    assert delays == DEFAULT_WEBHOOK_RETRY_SCHEDULE and all(b == 5 * a for a, b in pairwise(delays))
    described = bundled("v1")["paths"]["/v1/webhooks"]["post"]["callbacks"]["event"]["{$request.body#/url}"]
    text = " ".join(described["post"]["description"].split())
    assert "5 attempts in all, 1, 5, 25 and 125 seconds apart" in text and "at most 5 seconds" in text


def test_a_failing_receiver_gets_every_attempt_on_the_schedule_with_the_same_id() -> None:
    schedule = (0.1, 0.2, 0.4, 0.8)
    with TimedReceiver(fail_first=100) as receiver:
        [record] = run_dispatcher(DeliveryPolicy(timeout_seconds=2, retry_schedule=schedule), receiver.url)
    assert len(receiver.requests) == 5 and record["state"] == "failed" and record["attempts"] == 5
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    assert len({r["body"] for r in receiver.requests}) == 1
    gaps = [later[0] - earlier[1] for earlier, later in pairwise(receiver.spans)]
    assert all(gap >= delay * 0.9 for gap, delay in zip(gaps, schedule, strict=True)), (gaps, schedule)
    assert gaps[-1] > gaps[0], "the waits grow"
    assert [a["status_code"] for a in record["attempt_log"]] == [500] * 5


def test_an_attempt_without_an_answer_in_time_is_retried() -> None:
    with SilentReceiver() as silent:
        started = time.monotonic()
        [record] = run_dispatcher(DeliveryPolicy(timeout_seconds=0.3, retry_schedule=(0.05,)), silent.url)
        took = time.monotonic() - started
    assert record["state"] == "failed" and record["attempts"] == 2 and len(silent.accepted) == 2
    assert all(a["error"] == "no answer within 0.3 s" for a in record["attempt_log"])
    assert all(250 <= a["duration_ms"] < 2000 for a in record["attempt_log"]) and took < 5


def test_a_webhooks_first_attempts_arrive_one_at_a_time_in_the_order_of_its_events() -> None:
    with TimedReceiver(hold=0.05) as receiver:
        records = run_dispatcher(DeliveryPolicy(timeout_seconds=2), receiver.url, events=8)
    ids = [orjson.loads(r["body"])["id"] for r in receiver.requests]
    assert len(ids) == 8 and ids == [d["event_id"] for d in reversed(records)], "in the order of the events"
    spans = sorted(receiver.spans)
    assert all(later[0] >= earlier[1] - 0.01 for earlier, later in pairwise(spans)), "never two at once"


def test_other_webhooks_are_not_held_up_by_a_slow_one() -> None:
    with TimedReceiver(hold=0.5) as slow, Receiver() as fast:
        subscriptions = [{"id": f"whk_{n}", "url": url, "events": ["issue.created"], "secret": new_secret()}
                         for n, url in enumerate((slow.url, fast.url))]

        async def run() -> float:
            dispatcher = WebhookDispatcher(DeliveryPolicy(timeout_seconds=2))
            for _ in range(3):
                dispatcher.dispatch("proj_a", new_event("issue.created", {}), subscriptions)
            started = time.monotonic()
            while len(fast.requests) < 3:
                await asyncio.sleep(0.01)
            done = time.monotonic() - started
            await dispatcher.drain()
            await dispatcher.aclose()
            return done

        assert asyncio.run(run()) < 1.0, "the fast webhook got its three while the slow one took 1.5 s"


@pytest.fixture
def mock() -> Iterator[httpx.Client]:
    app = create_app(Settings(webhook_retry_schedule=(0.3, 0.3, 0.3, 0.3), webhook_timeout=2))
    with served(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield http


def settled(http: httpx.Client, timeout: float = 15) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        deliveries: list[dict[str, Any]] = http.get("/__mock/deliveries").json()
        if all(d["state"] != "pending" for d in deliveries):
            return deliveries
        assert time.monotonic() < deadline, deliveries
        time.sleep(0.02)


def test_nothing_reaches_a_deleted_webhook_not_even_its_queued_retries(mock: httpx.Client) -> None:
    with Receiver(fail_first=100, status_on_failure=500) as receiver:
        subscribe(mock, receiver.url, ["issue.created"])
        webhook = mock.get("/v1/webhooks", headers=STANDARD).json()["data"][0]["id"]
        assert mock.post("/__mock/events", json={"type": "issue.created"}).json()["deliveries"] == 1
        arrived(receiver, 1)
        [backing_off] = mock.get("/__mock/deliveries").json()
        assert backing_off["state"] == "pending" and backing_off["next_attempt_at"] is not None
        assert mock.delete(f"/v1/webhooks/{webhook}", headers=FULL).status_code == 204
        assert mock.post("/__mock/events", json={"type": "issue.created"}).json()["deliveries"] == 0
        [cancelled] = settled(mock)
        time.sleep(0.7)  # two more retries would have come by now
        assert len(receiver.requests) == 1
    assert cancelled["state"] == "cancelled" and cancelled["attempts"] == 1
    assert cancelled["error"] == "Not attempted: the webhook was deleted."


def test_deliveries_show_each_attempt_with_its_signed_headers_status_latency_and_the_schedule(
        mock: httpx.Client) -> None:
    with Receiver(fail_first=1, status_on_failure=503) as receiver:
        secret = subscribe(mock, receiver.url, ["customer.updated"])
        event = mock.post("/__mock/events", json={"type": "customer.updated"}).json()["event"]
        [delivery] = settled(mock)
    assert delivery["state"] == "delivered" and delivery["message_id"] == event["id"]
    assert delivery["retry_schedule"] == [0.3, 0.3, 0.3, 0.3] and delivery["next_attempt_at"] is None
    first, second = delivery["attempt_log"]
    assert (first["status_code"], second["status_code"]) == (503, 204)
    for attempt, request in zip((first, second), receiver.requests, strict=True):
        assert attempt["headers"] == {k: request["headers"][k] for k in attempt["headers"]}
        assert set(attempt["headers"]) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
        assert attempt["headers"]["webhook-id"] == event["id"] and isinstance(attempt["duration_ms"], int)
        assert verifies(secret, request["headers"], request["body"])


def test_a_redelivery_replays_one_delivery_under_the_same_webhook_id(mock: httpx.Client) -> None:
    with Receiver() as receiver:
        subscribe(mock, receiver.url, ["issue.created"])
        mock.post("/__mock/events", json={"type": "issue.created"})
        [original] = settled(mock)
        response = mock.post(f"/__mock/deliveries/{original['id']}/redeliver", json={})
        assert response.status_code == 202, response.text
        again = response.json()
        assert again["redelivery_of"] == original["id"] and again["id"] != original["id"]
        first, replay = arrived(receiver, 2)
        latest = settled(mock)
    assert replay["body"] == first["body"] and replay["headers"]["webhook-id"] == first["headers"]["webhook-id"]
    assert [d["id"] for d in latest] == [again["id"], original["id"]] and latest[0]["state"] == "delivered"
    assert latest[0]["message_id"] == original["message_id"]


def test_a_redelivery_of_an_unknown_delivery_or_to_a_deleted_webhook_is_refused(mock: httpx.Client) -> None:
    unknown = mock.post("/__mock/deliveries/dlv_nope/redeliver", json={})
    assert unknown.status_code == 404 and "No delivery 'dlv_nope'" in unknown.json()["error"]
    with Receiver() as receiver:
        subscribe(mock, receiver.url, ["issue.created"])
        mock.post("/__mock/events", json={"type": "issue.created"})
        [delivery] = settled(mock)
        mock.delete(f"/v1/webhooks/{delivery['webhook_id']}", headers=FULL)
        gone = mock.post(f"/__mock/deliveries/{delivery['id']}/redeliver", json={})
        time.sleep(0.2)
        assert len(receiver.requests) == 1
    assert gone.status_code == 409 and "was deleted" in gone.json()["error"]


def test_the_schedule_and_timeout_come_from_flags_and_variables() -> None:
    settings = Settings.from_env({"HISSUNO_MOCK_WEBHOOK_RETRY_SCHEDULE": "0.1,0.2",
                                  "HISSUNO_MOCK_WEBHOOK_TIMEOUT": "1.5"})
    assert settings.webhook_retry_schedule == (0.1, 0.2) and settings.webhook_timeout == 1.5
    rebuilt = Settings.from_env(settings.to_env())
    assert (rebuilt.webhook_retry_schedule, rebuilt.webhook_timeout) == ((0.1, 0.2), 1.5), "as workers rebuild it"
    for bad in ("", "soon", "1,-2", ",".join(["1"] * 20)):
        with pytest.raises(SettingsError, match="webhook retry schedule"):
            Settings.build(webhook_retry_schedule=bad)
    with pytest.raises(SettingsError, match="webhook_timeout"):
        Settings.build(webhook_timeout=0)


def test_a_bad_schedule_flag_is_one_line_and_exit_2() -> None:
    completed = hissuno_mock("serve", "--port", "0", "--webhook-retry-schedule", "1,x")
    assert completed.returncode == 2 and completed.stdout == "" and len(completed.stderr.splitlines()) == 1
    assert completed.stderr.startswith("hissuno-mock: error: webhook retry schedule '1,x'")


def test_hissuno_mock_serve_retries_on_the_shortened_schedule() -> None:
    with live_mock("--webhook-retry-schedule", "0.1,0.1") as running, Receiver(fail_first=100,
                                                                                  status_on_failure=500) as receiver:
        http = httpx.Client(base_url=running.base_url)
        subscribe(http, receiver.url, ["issue.created"])
        http.post("/__mock/events", json={"type": "issue.created"})
        [delivery] = settled(http)
    assert delivery["state"] == "failed" and delivery["attempts"] == 3 and len(receiver.requests) == 3
    assert delivery["retry_schedule"] == [0.1, 0.1]


def test_the_gate_of_one_webhook_is_released_when_its_attempt_fails() -> None:
    """A held webhook's later events still go out once its failing attempt is done (no job is stranded)."""
    with Receiver(fail_first=1, status_on_failure=500) as receiver:
        records = run_dispatcher(DeliveryPolicy(timeout_seconds=2, retry_schedule=(0.05,)), receiver.url, events=3)
    assert sorted(r["state"] for r in records) == ["delivered"] * 3 and len(receiver.requests) == 4
