"""The ``webhooks`` family against the mock: it passes in-process and through the CLI against ``hissuno-mock serve``
(the issue's Done-when), through a tunnel, and without a trigger (what the API makes, the rest noted); a sender
that never delivers fails within the wait."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from conformance import engine
from conformance.checks import webhooks as family
from conformance.cli import run_cli
from conformance.results import RunReport, Status
from conformance.target import Target, from_mock
from conformance.webhook_inbox import InboxSettings
from tests.mutants.test_mutants import PROFILE
from tests.support.apps import hermetic_app
from tests.support.delivery_relay import RelayingMutant, Route
from tests.support.servers import free_port, live_mock

CHECKS = {name for check in (family.delivered, family.after_delete) for name in check.reports}
WAIT = 3.0


def _run(target: Target, inbox: InboxSettings | None = None) -> RunReport:
    options = engine.RunOptions(apis=("v1",), profile=PROFILE, seed=1, checks=["webhooks"],
                                webhook_inbox=inbox or InboxSettings(wait=WAIT))
    return engine.execute(target, options)


def _failures(report: RunReport) -> list[tuple[str, str]]:
    return [(r.check, r.message) for r in report.results if r.status is Status.FAILED]


def test_the_mock_passes_every_webhook_check_with_every_event_type_caused() -> None:
    report = _run(from_mock(Target(base_url="", api_key="", app=hermetic_app())))
    assert _failures(report) == []
    assert {r.check for r in report.results if r.status is Status.PASSED} == CHECKS
    assert report.notes == [], "with the mock's trigger, no event type is left out"
    assert engine.exit_code(report) == engine.EXIT_CONFORMANT


def test_without_a_trigger_what_the_api_makes_is_checked_and_the_rest_is_noted() -> None:
    target = replace(from_mock(Target(base_url="", api_key="", app=hermetic_app())), trigger_url=None)
    report = _run(target)
    assert _failures(report) == []
    assert {r.check for r in report.results if r.status is Status.PASSED} == CHECKS
    [note] = report.notes
    assert "could not be caused through the API" in note and "--trigger-url" in note
    assert "session.created" not in note, "a create makes it"


@contextmanager
def _tunnel(to_port: int) -> Iterator[tuple[int, list[int]]]:
    """A TCP forwarder standing in for ngrok: connections to its port are relayed to ``to_port``."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[int] = []

    def pipe(source: socket.socket, sink: socket.socket) -> None:
        with source, sink:
            while chunk := source.recv(65536):
                sink.sendall(chunk)

    def accept() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", to_port))
            connections.append(1)
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream.dup(), client.dup()), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        listener.close()


def test_behind_a_tunnel_deliveries_reach_the_inbox_on_its_fixed_port() -> None:
    inbox_port = free_port()
    with _tunnel(inbox_port) as (public_port, connections):
        inbox = InboxSettings(public_url=f"http://localhost:{public_port}", port=inbox_port, wait=WAIT)
        report = _run(from_mock(Target(base_url="", api_key="", app=hermetic_app())), inbox)
    assert _failures(report) == []
    assert {r.check for r in report.results if r.status is Status.PASSED} == CHECKS
    assert len(connections) >= len(CHECKS), "the deliveries came through the tunnel"


class DeliversNothing(RelayingMutant):
    """Takes every subscription and delivers nothing (answering the mock as if the receiver had)."""

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        return 204


def test_a_sender_that_never_delivers_fails_delivered_within_the_wait_and_proves_nothing_else() -> None:
    mutant = DeliversNothing()
    started = time.monotonic()
    try:
        report = _run(from_mock(Target(base_url="", api_key="", app=mutant)), InboxSettings(wait=1.0))
    finally:
        mutant.close()
    assert time.monotonic() - started < 15, "two waits of a second, and the requests"
    statuses = {r.check: r.status for r in report.results if r.status is not Status.NOT_APPLICABLE}
    assert statuses == {
        "webhooks.delivered": Status.FAILED,
        # Nothing arrived: nothing to judge, no retry asked for, no silence worth anything after the delete.
        "webhooks.signature": Status.SKIPPED,
        "webhooks.timestamp": Status.SKIPPED,
        "webhooks.payload": Status.SKIPPED,
        "webhooks.retry": Status.SKIPPED,
        "webhooks.after_delete": Status.SKIPPED,
    }
    delivered = next(r for r in report.results if r.check == "webhooks.delivered" and r.status is Status.FAILED)
    assert "session.created (caused by createSession) did not reach the webhook subscribed to it within 1.0 s" in {
        p.message for p in delivered.problems}


def test_run_checks_webhooks_with_mock_keys_passes_against_hissuno_mock_serve(tmp_path: Path) -> None:
    """The issue's Done-when: ``hissuno-conformance run --checks webhooks --mock-keys`` against the mock."""
    out = tmp_path / "webhooks.json"
    with live_mock() as mock:
        code = run_cli(["run", "--base-url", mock.base_url, "--mock-keys", "--checks", "webhooks", "--json", str(out),
                        "--no-progress"])
    data = json.loads(out.read_text())
    assert code == 0, data["failures"]
    assert {r["check"] for r in data["results"] if r["status"] == "passed"} == CHECKS
    assert data["notes"] == []
