"""Webhook deliveries go only where the user allows (issue 13, item 3): the target policy, per-project queues,
reset cancelling what is queued, and the mock refusing to call itself."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contract.standard_webhooks import new_secret
from mockserver.webhook_targets import AllowEntry, TargetPolicy, TargetRefused
from mockserver.webhooks import DeliveryPolicy, WebhookDispatcher, new_event
from tests.support.servers import live_mock
from tests.support.webhook_receiver import Receiver, SilentReceiver

OWN_PORT = 4010
SECRET = new_secret()


def dns(table: dict[str, list[str]]) -> Any:
    """A resolver answering from ``table`` and counting its questions (``.asked``)."""
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in table:
            raise socket.gaierror(f"{host}: unknown")
        return table[host]

    resolver.asked = asked  # type: ignore[attr-defined]
    return resolver


def refused(policy: TargetPolicy, url: str) -> str | None:
    """Why a delivery to ``url`` would be refused (``None``: it would be sent)."""
    try:
        asyncio.run(policy.destination(url, timeout=2))
    except TargetRefused as refusal:
        return str(refusal)
    return None


# --- the policy ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:3000/hooks", "http://localhost:3000/hooks", "https://[::1]:8443/", "http://127.9.9.9:80/",
    "https://app.localhost:3000/x",
])
def test_loopback_receivers_are_allowed_by_default(url: str) -> None:
    policy = TargetPolicy(own_port=OWN_PORT, resolver=dns({"localhost": ["127.0.0.1", "::1"],
                                                            "app.localhost": ["127.0.0.1"]}))
    assert refused(policy, url) is None


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:4010/__mock/reset", "http://localhost:4010/__mock/reset", "https://[::ffff:127.0.0.1]:4010/",
    "https://0.0.0.0:4010/", "https://LOCALHOST.:4010/", "https://a.localhost:4010/", "http://127.0.0.1:04010/x",
])
def test_the_mock_own_port_is_refused_at_registration_and_at_delivery(url: str) -> None:
    policy = TargetPolicy(own_port=OWN_PORT, resolver=dns({"localhost": ["127.0.0.1"], "a.localhost": ["127.0.0.1"]}))
    with pytest.raises(TargetRefused, match="mock"):
        policy.check_registration(url)
    assert "mock" in (refused(policy, url) or "")


@pytest.mark.parametrize(("url", "kind"), [
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://[fe80::1]/", "link-local"),
    ("https://10.1.2.3/hook", "private"),
    ("https://192.168.1.1/", "private"),
    ("https://[fd00::1]/", "private"),
    ("https://100.64.0.1/", "private"),
    ("https://0.0.0.0/", "unspecified"),
    ("https://[::ffff:169.254.169.254]/", "link-local"),
    ("https://224.0.0.1/", "multicast"),
])
def test_special_addresses_are_refused_even_when_their_name_is_allowed(url: str, kind: str) -> None:
    host = url.split("/")[2].strip("[]")
    named = TargetPolicy(["internal.test"], resolver=dns({"internal.test": [host.removeprefix("::ffff:")]}))
    assert f"a {kind} address" in (refused(TargetPolicy(), url) or "")
    assert f"a {kind} address" in (refused(named, url.replace(url.split("/")[2], "internal.test")) or "")
    network = TargetPolicy([f"{host}"])
    assert refused(network, url) is None  # allowing the address itself is the way in


def test_other_hosts_need_an_allow_entry_that_names_them() -> None:
    resolver = dns({"hooks.example.com": ["93.184.216.34"], "a.ngrok.app": ["3.125.102.39"]})
    closed = TargetPolicy(resolver=resolver)
    assert "--webhook-allow hooks.example.com" in (refused(closed, "https://hooks.example.com/x") or "")
    assert "not allowed" in (refused(closed, "https://93.184.216.34/x") or "")
    opened = TargetPolicy(["hooks.example.com:443", "*.ngrok.app"], resolver=resolver)
    assert refused(opened, "https://hooks.example.com/x") is None
    assert refused(opened, "https://hooks.example.com:8443/x") is not None  # the entry names port 443 only
    assert refused(opened, "https://a.ngrok.app/x") is None
    assert refused(opened, "https://ngrok.app.evil.test/x") is not None
    assert refused(opened, "https://2130706433:4010/") is not None  # a decimal address is a name nobody allowed


def test_every_address_of_a_name_is_checked() -> None:
    """A name allowed by the user that also resolves to a private address is refused as a whole."""
    policy = TargetPolicy(["split.example.com"], resolver=dns({"split.example.com": ["93.184.216.34", "10.0.0.7"]}))
    assert "10.0.0.7" in (refused(policy, "https://split.example.com/") or "")


@pytest.mark.parametrize("entry", ["", "a b", "host:port", "host:0", "host:70000", "[::1", "exa mple.com", "*"])
def test_allow_entries_that_cannot_be_read_are_errors(entry: str) -> None:
    with pytest.raises(ValueError, match="HOST"):
        AllowEntry.parse(entry)


# --- deliveries -------------------------------------------------------------------------------------------------


@pytest.fixture
def silent() -> Iterator[SilentReceiver]:
    with SilentReceiver() as receiver:
        yield receiver


def subscription(url: str, number: int = 1) -> dict[str, Any]:
    return {"id": f"whk_{number}", "url": url, "events": ["session.created"], "enabled": True, "secret": SECRET}


def test_a_project_with_dead_receivers_never_delays_another_project(silent: SilentReceiver) -> None:
    """Project A has twelve subscriptions to a receiver that never answers; project B's delivery, made after
    A's, is still delivered at once (one shared queue made it wait for A's timeouts)."""
    dispatcher = WebhookDispatcher(DeliveryPolicy(timeout_seconds=3, retry_schedule=()))

    async def run() -> tuple[float, str, list[str]]:
        with Receiver() as live:
            dispatcher.dispatch("proj_a", new_event("session.created", {}),
                                [subscription(silent.url, n) for n in range(12)])
            await asyncio.sleep(0.2)
            started = time.monotonic()
            dispatcher.dispatch("proj_b", new_event("session.created", {}), [subscription(live.url)])
            while not live.requests and time.monotonic() - started < 10:
                await asyncio.sleep(0.01)
            waited = time.monotonic() - started
            states = [d["state"] for d in dispatcher.deliveries("proj_a")]
            [delivered] = dispatcher.deliveries("proj_b")
            await dispatcher.aclose()
            return waited, delivered["state"], states

    waited, state, others = asyncio.run(run())
    print(f"project B's delivery behind 12 dead receivers of project A: {waited * 1000:.0f} ms")
    assert waited < 1.0 and state == "delivered"
    assert "pending" in others  # A's were still waiting on their receiver meanwhile


def test_a_free_attempt_slot_takes_the_next_delivery_at_once(silent: SilentReceiver) -> None:
    """Two of a project's four slots wait on a dead receiver; its next delivery goes out at once on a free one."""
    dispatcher = WebhookDispatcher(DeliveryPolicy(timeout_seconds=3, retry_schedule=()))

    async def run() -> float:
        with Receiver() as live:
            dead = [subscription(silent.url, n) for n in (1, 2)]
            dispatcher.dispatch("proj_a", new_event("session.created", {}), dead)
            await asyncio.sleep(0.2)
            started = time.monotonic()
            dispatcher.dispatch("proj_a", new_event("session.created", {}), [subscription(live.url, 3)])
            while not live.requests and time.monotonic() - started < 10:
                await asyncio.sleep(0.01)
            await dispatcher.aclose()
            return time.monotonic() - started

    assert asyncio.run(run()) < 1.0


def test_reset_cancels_what_is_queued_retrying_or_in_flight(silent: SilentReceiver) -> None:
    with Receiver(fail_first=100, status_on_failure=500) as broken:
        dispatcher = WebhookDispatcher(DeliveryPolicy(timeout_seconds=5, retry_schedule=(0.3, 0.6)))

        async def run() -> tuple[int, int]:
            dispatcher.dispatch("proj_a", new_event("session.created", {}),
                                [subscription(broken.url, 99)] + [subscription(silent.url, n) for n in range(10)])
            await asyncio.sleep(0.2)  # the broken receiver has answered once: its delivery is backing off
            dispatcher.clear()
            attempts_then = len(broken.requests)
            await asyncio.wait_for(dispatcher.drain(), 1)  # nothing is left to wait for
            await asyncio.sleep(1.0)  # past the backoff: a retry that survived the reset would show now
            await dispatcher.aclose()
            return attempts_then, len(broken.requests)

        before, after = asyncio.run(run())
    assert before == 1 and after == 1
    assert dispatcher.deliveries() == []


def test_a_refused_delivery_sends_nothing_and_says_why() -> None:
    """A receiver on this machine reached through a name nobody allowed: refused before any connection."""
    with Receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        dispatcher = WebhookDispatcher(DeliveryPolicy(timeout_seconds=2),
                                       targets=TargetPolicy(resolver=dns({"receiver.test": ["127.0.0.1"]})))

        async def run() -> None:
            dispatcher.dispatch("proj_a", new_event("session.created", {}), [
                subscription(f"https://169.254.169.254:{port}/", 1), subscription(f"http://receiver.test:{port}/", 2)])
            await dispatcher.drain()
            await dispatcher.aclose()

        asyncio.run(run())
        assert receiver.requests == []
    records = {d["webhook_id"]: d for d in dispatcher.deliveries()}
    assert records["whk_1"]["error"].startswith("Refused: 169.254.169.254 is a link-local address")
    assert records["whk_2"]["error"].startswith("Refused: receiver.test is not allowed")
    assert all(r["state"] == "failed" and r["attempts"] == 0 and r["attempt_log"] == [] for r in records.values())


def test_a_delivery_connects_to_the_address_it_checked() -> None:
    """DNS rebinding: the name answers a loopback address when checked and a private one afterwards; the
    delivery goes to the address that was checked, and the receiver sees the URL's host."""
    with Receiver() as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        answers = iter([["127.0.0.1"]] + [["10.9.9.9"]] * 10)

        async def rebinding(host: str, port: int) -> list[str]:
            return next(answers)

        dispatcher = WebhookDispatcher(DeliveryPolicy(timeout_seconds=2),
                                       targets=TargetPolicy(["rebind.test"], resolver=rebinding))

        async def run() -> None:
            dispatcher.dispatch("proj_a", new_event("session.created", {}),
                                [subscription(f"http://rebind.test:{port}/hooks")])
            await dispatcher.drain()
            await dispatcher.aclose()

        asyncio.run(run())
        [request] = receiver.requests
    assert request["headers"]["Host"] == f"rebind.test:{port}"
    [record] = dispatcher.deliveries()
    assert record["state"] == "delivered"
    [attempt] = record["attempt_log"]
    assert attempt["number"] == 1 and attempt["status_code"] == 204 and attempt["duration_ms"] >= 0


# --- the running mock -------------------------------------------------------------------------------------------


def test_a_webhook_cannot_turn_the_mock_against_itself() -> None:
    """The issue's example: any project's key registered ``http://127.0.0.1:<mock port>/__mock/reset`` and the
    next event wiped every project. Now the registration is a 422 and the created data stays."""
    with live_mock() as mock:
        _, key = mock.keys.of_plan("pro", "full")
        auth = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=mock.base_url, headers=auth, timeout=10) as http:
            attack = http.post("/v1/webhooks", json={"url": f"http://127.0.0.1:{mock.port}/__mock/reset",
                                                     "events": ["session.created"]})
            session = http.post("/v1/sessions", json={"customer_email": "a@b.co", "message": "still here?"}).json()
            time.sleep(1)  # a delivery, had there been one, has reached the mock by now
            kept = http.get(f"/v1/sessions/{session['id']}")
    assert attack.status_code == 422
    assert attack.json()["details"] == [{"field": "url", "message": f"Port {mock.port} of this machine is the mock "
                                                                    "itself."}]
    assert kept.status_code == 200


def test_a_project_holds_at_most_100_webhooks() -> None:
    with live_mock() as mock:
        _, key = mock.keys.of_plan("enterprise", "full")
        _, other = mock.keys.of_plan("free", "full")
        with httpx.Client(base_url=mock.base_url, timeout=10) as http:
            def register(api_key: str, number: int) -> httpx.Response:
                return http.post("/v1/webhooks", headers={"Authorization": f"Bearer {api_key}"},
                                 json={"url": f"http://127.0.0.1:9/{number}", "events": ["session.created"]})

            statuses = [register(key, n).status_code for n in range(101)]
            past = register(key, 101)
            elsewhere = register(other, 0).status_code
            first = http.get("/v1/webhooks?limit=1", headers={"Authorization": f"Bearer {key}"}).json()["data"][0]
            http.delete(f"/v1/webhooks/{first['id']}", headers={"Authorization": f"Bearer {key}"})
            after_delete = register(key, 102).status_code
    assert statuses == [201] * 100 + [409]
    assert past.status_code == 409 and past.json() == {"error": "A project can have at most 100 webhooks: delete "
                                                                "one first."}
    assert elsewhere == 201 and after_delete == 201
