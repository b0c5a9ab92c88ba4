"""The parts of the ``webhooks`` family, each on its own: the inbox that records deliveries, what it reads from the
contract, how it causes events, and the family's scope."""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx
import pytest

from conformance import engine
from conformance.checks import select
from conformance.checks.base import Scenario
from conformance.checks.webhook_events import TRIGGER, causes, resource_name
from conformance.cli import run_cli
from conformance.operations import Contract
from conformance.profiles import PROFILES
from conformance.results import Status
from conformance.target import Target
from conformance.webhook_contract import registrations
from conformance.webhook_inbox import ALWAYS, MAX_BODY, Inbox
from contract import standard_webhooks
from tests.support.apps import hermetic_app
from tests.support.servers import free_port

V1 = Contract.load("v1")
REGISTRATION = registrations(V1)[0]


def _post(url: str, body: bytes = b"{}", **headers: str) -> int:
    return httpx.post(url, content=body, headers=headers, timeout=5).status_code


def test_the_inbox_records_each_box_apart_and_fails_the_first_deliveries_it_is_told_to() -> None:
    with Inbox() as inbox:
        plain, flaky, dead = inbox.box(), inbox.box(fail_first=1), inbox.box(fail_first=ALWAYS)
        assert [_post(plain.url, b'{"a":1}', **{"Webhook-Id": "m1"}) for _ in range(2)] == [204, 204]
        assert [_post(flaky.url) for _ in range(3)] == [500, 204, 204]
        assert [_post(dead.url) for _ in range(3)] == [500, 500, 500]
        assert _post(inbox.base_url + "/hooks/unknown") == 404
    assert [a.status for a in plain.arrivals] == [204, 204]
    assert plain.arrivals[0].body == b'{"a":1}' and plain.arrivals[0].header("webhook-id") == "m1"
    assert len(flaky.arrivals) == 3 and len(dead.arrivals) == 3


def test_the_inbox_keeps_what_it_was_sent_within_its_bounds() -> None:
    with Inbox(max_arrivals=3) as inbox:
        box = inbox.box()
        assert _post(box.url, b"x" * (MAX_BODY + 1)) == 413
        assert box.arrivals == []
        assert [_post(box.url, str(n).encode()) for n in range(5)] == [204] * 5
    assert [a.body for a in box.arrivals] == [b"0", b"1", b"2"]


def test_waiting_ends_when_the_delivery_arrives_not_at_the_deadline() -> None:
    with Inbox() as inbox:
        box = inbox.box()
        threading.Timer(0.2, _post, args=(box.url,)).start()
        assert inbox.wait(lambda: bool(box.arrivals), 10)
        assert not inbox.wait(lambda: len(box.arrivals) > 1, 0.3)


def test_behind_a_tunnel_the_boxes_are_registered_under_the_public_url() -> None:
    with Inbox(public_url="https://abc123.ngrok.app/") as inbox:
        box = inbox.box()
        assert box.url.startswith("https://abc123.ngrok.app/hooks/hsc")
        assert _post(f"http://127.0.0.1:{inbox.port}{box.path}") == 204
    assert len(box.arrivals) == 1


def test_a_fixed_inbox_port_that_is_taken_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = run_cli(["run", "--base-url", f"http://127.0.0.1:{free_port()}", "--api-key", "hss_x", "--api", "v1",
                        "--webhook-receiver-port", str(port)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"--webhook-receiver-port {port}: cannot listen on 127.0.0.1:{port}" in err


def test_a_tunnel_without_the_port_it_forwards_to_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli(["run", "--base-url", f"http://127.0.0.1:{free_port()}", "--api-key", "hss_x", "--api", "v1",
                    "--webhook-receiver-url", "https://abc123.ngrok.app"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--webhook-receiver-url needs --webhook-receiver-port" in err


def test_the_contract_declares_every_event_type_with_a_schema_and_an_example() -> None:
    assert len(REGISTRATION.event_types) == len(set(REGISTRATION.event_types)) >= 11
    assert REGISTRATION.operation.operation_id == "createWebhook"
    for event_type in REGISTRATION.event_types:
        callback = REGISTRATION.callback_for(event_type)
        assert callback is not None and event_type in callback.event_types
    example = REGISTRATION.example_for()
    assert example is not None and REGISTRATION.callback_for(example["type"]).payload_problems(example) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda e: e.pop("data"), "the payload"),
        (lambda e: e.update(created_at="yesterday"), "/created_at"),
        (lambda e: e.update(type="session.exploded"), "/type"),
        (lambda e: e["data"].update(created_at=1768473000), "/data"),
    ],
)
def test_a_payload_that_breaks_its_schema_is_named_where_it_breaks(change: Any, where: str) -> None:
    event = REGISTRATION.example_for()
    assert event is not None
    change(event)
    problems = REGISTRATION.callbacks[0].payload_problems(event)
    assert problems and problems[0].startswith(where), problems


def test_declared_headers_are_checked_by_their_schema() -> None:
    callback = REGISTRATION.callbacks[0]
    required = [name for name, needed, _ in callback.headers() if needed]
    assert required, "the contract declares the delivery headers"
    problems = callback.header_problems({})
    assert problems == [f"no {name} header" for name in required]


def test_resources_are_named_after_the_schemas_of_their_lists() -> None:
    assert resource_name({"$ref": "#/components/schemas/KnowledgeSource"}) == "knowledge_source"
    assert resource_name({"type": "object"}) is None


def test_the_api_causes_what_its_writes_make_and_the_trigger_the_rest() -> None:
    scenario = Scenario(Target("http://127.0.0.1:1", "hss_x"), V1, None, PROFILES["quick"])  # type: ignore[arg-type]
    through_api = {c.event_type: c.how for c in causes(scenario, REGISTRATION, None)}
    assert through_api == {
        "session.created": "createSession",
        "issue.created": "createIssue",
        "knowledge_source.created": "createKnowledgeSource",
        "customer.created": "importCustomers",
        "customer.updated": "importCustomers",
    }
    every = causes(scenario, REGISTRATION, "http://127.0.0.1:1/__mock/events")
    assert {c.event_type for c in every} == set(REGISTRATION.event_types)
    assert {c.event_type for c in every if c.how == TRIGGER} == set(REGISTRATION.event_types) - set(through_api)
    assert every[0].how != TRIGGER and every[0].events == 1, "the first cause is a single event through the API"


def test_the_internal_api_declares_no_deliveries_so_the_family_is_not_applicable() -> None:
    target = Target(base_url="", api_key="", app=hermetic_app())
    from conformance.target import from_mock

    report = engine.execute(from_mock(target), engine.RunOptions(apis=("internal",), checks=["webhooks"]))
    assert report.results and {r.status for r in report.results} == {Status.NOT_APPLICABLE}
    assert engine.exit_code(report) == engine.EXIT_UNUSABLE


def test_the_family_is_selected_by_name_and_lists_its_checks() -> None:
    assert select(["webhooks"]).wanted == {
        "webhooks.delivered", "webhooks.signature", "webhooks.timestamp", "webhooks.payload", "webhooks.retry",
        "webhooks.after_delete",
    }  # fmt: skip


def test_a_secret_is_whsec_and_base64() -> None:
    secret = standard_webhooks.new_secret()
    assert standard_webhooks.check_secret(secret) == secret
    for bad in ("hunter2", "whsec_", "whsec_not*base64"):
        with pytest.raises(ValueError):
            standard_webhooks.check_secret(bad)
