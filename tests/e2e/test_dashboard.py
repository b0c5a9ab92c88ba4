"""Issue 16's "done when": a dashboard page on http://localhost:5173, in headless Chromium, against a live mock.

The page (``tests/e2e/dashboard/``) signs a member in through the session control, lists sessions with the
cookie, creates a key on the Access endpoints, registers a webhook with it, revokes it, closes a session and
signs out; it writes each step's result into the DOM. The test reads them, and a receiver on 127.0.0.1 must
get ``session.closed`` for the closed session. Two mutants (``tests/e2e/mutants.py``) show the flow failing
where only a browser or a receiver notices.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Response

from tests.support.browser import headless_chromium, static_site
from tests.support.serve_mutant import mutant_command
from tests.support.servers import live_mock
from tests.support.webhook_receiver import Receiver

PAGE = Path(__file__).with_name("dashboard")
EMAIL = "owner@northwind.io"
PROJECT = "proj_northwind"
DELIVERY_TIMEOUT_S = 10.0


@dataclass
class Run:
    """What the page reported, what the browser kept and what the receiver got."""

    outcome: str
    steps: dict[str, Any]
    set_cookie: str
    cookies_at_the_end: list[dict[str, Any]]
    receiver: Receiver

    def step(self, name: str) -> Any:
        assert name in self.steps, f"the page never reported {name} ({self.outcome}); it did: {self.steps}"
        return self.steps[name]

    def closed_events(self, session_id: str, timeout_s: float) -> list[dict[str, Any]]:
        """``session.closed`` deliveries for ``session_id``, waiting up to ``timeout_s`` for the first."""
        deadline = time.monotonic() + timeout_s
        while True:
            events = [json.loads(r["body"]) for r in self.receiver.requests]
            found = [e for e in events if e["type"] == "session.closed" and e["data"]["id"] == session_id]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def is_sign_in(response: Response) -> bool:
    return response.url.endswith("/__mock/session") and response.request.method == "POST"


def run_dashboard(mock_port: int, receiver: Receiver) -> Run:
    """Open the page against the mock on ``mock_port`` and wait for it to finish or fail."""
    query = urlencode({"api": f"http://localhost:{mock_port}", "hook": receiver.url, "email": EMAIL,
                       "project": PROJECT})
    with static_site(PAGE) as site, headless_chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        with page.expect_response(is_sign_in) as sign_in:
            page.goto(f"{site}/?{query}")
        page.wait_for_selector("#outcome:not([data-state=running])", timeout=20_000)
        steps = {item.get_attribute("data-step"): json.loads(item.locator("pre").inner_text())
                 for item in page.locator("#steps > li").all()}
        set_cookie = sign_in.value.header_value("set-cookie") or ""
        return Run(page.locator("#outcome").inner_text(), steps, set_cookie, context.cookies(), receiver)


def check_flow(run: Run, delivery_timeout_s: float = DELIVERY_TIMEOUT_S) -> None:
    """Every step of the dashboard as the contract and issue 16 say; AssertionError on the first that is not."""
    signed_in = run.step("sign-in")
    assert signed_in["status"] == 200 and signed_in["signed_in"] == EMAIL, signed_in
    assert {"project_id": PROJECT, "role": "owner"} in signed_in["projects"], signed_in
    assert "hissuno_session" not in signed_in["document_cookie"], "the page could read the session cookie"
    attributes = [part.strip().lower() for part in run.set_cookie.split(";")]
    assert run.set_cookie.startswith("hissuno_session=") and "httponly" in attributes, run.set_cookie
    assert "samesite=lax" in attributes, run.set_cookie

    sessions = run.step("list-sessions")
    assert sessions["status"] == 200 and sessions["total"] >= 1 and sessions["ids"], sessions

    keys = run.step("api-keys")
    created, row = keys["created"], keys["listed"]["row"]
    assert created["status"] == 201 and created["key"].startswith(created["prefix"]), created
    assert keys["listed"]["status"] == 200 and row is not None, keys["listed"]
    assert row["prefix"] == created["key"][:12] and "key" not in row, f"the list shows more than a prefix: {row}"
    assert not any(created["key"] in str(value) for value in row.values()), row
    assert keys["webhook"]["status"] == 201 and keys["webhook"]["has_secret"], keys["webhook"]
    assert keys["revoked"] == {"status": 200, "key_status": "revoked"}, keys["revoked"]
    assert keys["after_revoke"] == {"status": 401, "error": "Invalid API key."}, keys["after_revoke"]

    closed = run.step("close-session")
    assert closed == {"status": 200, "id": sessions["ids"][0], "session_status": "closed"}, closed
    assert run.step("sign-out") == {"status": 200, "after_sign_out": 401}
    assert not [c for c in run.cookies_at_the_end if c["name"] == "hissuno_session"], "sign-out left the cookie"
    assert run.outcome == "done", run.outcome

    events = run.closed_events(closed["id"], delivery_timeout_s)
    assert events, f"no session.closed for {closed['id']} within {delivery_timeout_s} s: {run.receiver.requests}"
    assert events[0]["type"] == "session.closed" and events[0]["data"]["status"] == "closed", events[0]


def dashboard_against(receiver: Receiver, command: Sequence[str] | None = None) -> Run:
    with live_mock(command=command) as mock:
        return run_dashboard(mock.port, receiver)


def test_a_dashboard_page_signs_in_manages_keys_and_closes_a_session(receiver: Receiver) -> None:
    check_flow(dashboard_against(receiver))


def test_fails_when_the_api_does_not_allow_credentials_from_the_page(receiver: Receiver) -> None:
    run = dashboard_against(receiver, mutant_command("tests.e2e.mutants:CookieWithoutCredentialsCors"))
    with pytest.raises(AssertionError, match="never reported list-sessions"):
        check_flow(run)
    assert run.step("sign-in")["status"] == 200  # the control still answers: only the API's CORS is broken


def test_fails_when_closing_a_session_fires_nothing(receiver: Receiver) -> None:
    run = dashboard_against(receiver, mutant_command("tests.e2e.mutants:CloseFiresNothing"))
    assert run.outcome == "done" and run.step("close-session")["session_status"] == "closed"
    with pytest.raises(AssertionError, match=r"no session\.closed"):
        check_flow(run, delivery_timeout_s=2.0)  # a real delivery arrives in milliseconds
