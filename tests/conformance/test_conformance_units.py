"""Pure pieces of the suite, proven on small fake answers: bodies, curl, retry, keys, verdicts."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from requests.structures import CaseInsensitiveDict
from rich.console import Console

from conformance import engine
from conformance.breaker import Breaker, ServerSilent
from conformance.budget import Budget, OutOfTime
from conformance.checks import SCHEMATHESIS, select
from conformance.checks.base import unique_body
from conformance.checks.state import echo_differences
from conformance.client import Client, Credential, Exchange, render_curl
from conformance.operations import Contract
from conformance.reports.progress import LogProgress
from conformance.results import (
    Problem,
    RunReport,
    StageFinished,
    StageStarted,
    Status,
    Tally,
    Waiting,
    not_applicable,
    passed,
    skipped,
    verdict,
)
from conformance.retry import RetryPolicy, retry_after_seconds
from conformance.target import TargetError, choose_mock_keys


def _create(api: str, operation_id: str):
    operation = Contract.load(api).by_id(operation_id)
    assert operation is not None
    return operation


def test_unique_body_makes_emails_unique_and_marks_free_text() -> None:
    create = _create("v1", "createSession")
    example = {"customer_email": "jane@example.com", "message": "Hello there", "tags": ["bug"], "name": "Billing"}
    body = unique_body(create, example, "hsc123")
    assert body["customer_email"] == "jane+hsc123@example.com"
    assert body["message"] == "Hello there hsc123"
    assert body["tags"] == ["bug"], "a tag slug has a pattern the marker would break"
    assert body["name"] == "Billing", "only prose (with spaces) is marked, never slugs or domains"
    assert example["message"] == "Hello there", "the example itself is not changed"


def test_unique_body_follows_nested_items_and_discriminated_unions() -> None:
    bulk = _create("v1", "importCustomers")
    item = {"email": "d@n.io", "name": "Dana Ruiz", "company": {"domain": "n.io", "stage": "active"}}
    body = unique_body(bulk, {"customers": [item]}, "hscx")
    assert body["customers"][0] == {"email": "d+hscx@n.io", "name": "Dana Ruiz hscx", "company": item["company"]}
    source = _create("v1", "createKnowledgeSource")
    body = unique_body(source, {"type": "website", "name": "Marketing site", "url": "https://n.io/a?b=1"}, "hscy")
    assert body == {"type": "website", "name": "Marketing site hscy", "url": "https://n.io/a?b=1&hscy"}


def test_unique_body_gives_each_webhook_its_own_url() -> None:
    """One webhook per URL: two registrations of the spec's example must not send the same URL."""
    create = _create("v1", "createWebhook")
    example = {"url": "http://localhost:3000/webhooks/hissuno", "events": ["session.created"]}
    first, second = unique_body(create, example, "hsc1"), unique_body(create, example, "hsc2")
    assert first["url"] == "http://localhost:3000/webhooks/hissuno?hsc1" and second["url"].endswith("?hsc2")
    assert first["events"] == example["events"]


def test_curl_shows_the_key_as_a_variable() -> None:
    credential = Credential("HISSUNO_API_KEY", "hss_secret")
    curl = render_curl("POST", "http://h/v1/sessions", {"Authorization": "Bearer hss_secret"}, b'{"a": 1}', credential)
    assert "hss_secret" not in curl
    assert '"Authorization: Bearer $HISSUNO_API_KEY"' in curl
    assert "--data-raw '{\"a\": 1}'" in curl and curl.endswith("http://h/v1/sessions")


class _FakeSession:
    def __init__(self, answers: list[tuple[int, dict[str, str]]]) -> None:
        self.answers = answers
        self.calls = 0

    def request(self, method: str, url: str, **kwargs: object) -> SimpleNamespace:
        status, headers = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return SimpleNamespace(status_code=status, headers=CaseInsensitiveDict(headers), content=b"{}")


def test_client_waits_out_a_429_as_retry_after_says() -> None:
    waits: list[float] = []
    session = _FakeSession([(429, {"Retry-After": "2"}), (200, {})])
    client = Client(session, "http://h", retry=RetryPolicy(sleep=waits.append, margin=0))  # type: ignore[arg-type]
    exchange = client.send("GET", "/v1/issues")
    assert exchange.status == 200 and session.calls == 2
    assert waits == [2.0]


def test_client_reports_the_429_when_asked_not_to_wait() -> None:
    session = _FakeSession([(429, {"Retry-After": "2"}), (200, {})])
    client = Client(session, "http://h", retry=RetryPolicy(sleep=lambda s: None))  # type: ignore[arg-type]
    assert client.send("GET", "/x", honour_rate_limit=False).status == 429


def test_client_gives_up_after_max_retries() -> None:
    session = _FakeSession([(429, {"Retry-After": "0"})])
    client = Client(session, "http://h", retry=RetryPolicy(max_retries=2, sleep=lambda s: None))  # type: ignore[arg-type]
    assert client.send("GET", "/x").status == 429 and session.calls == 3


@pytest.mark.parametrize(("value", "seconds"), [("12", 12.0), ("0", 0.0), ("soon", None), ("-1", None)])
def test_retry_after_parsing(value: str, seconds: float | None) -> None:
    assert retry_after_seconds({"Retry-After": value}) == seconds


def _key(key: str, project: str, plan: str, permission: str, status: str = "active", label: str = "") -> dict:
    return {"key": key, "project_id": project, "plan": plan, "permission": permission, "status": status, "label": label}


def test_mock_keys_pick_the_largest_plan_and_the_smallest_rate_limit() -> None:
    keys = [
        _key("hss_a_full", "a", "free", "full", label="full"),
        _key("hss_a_rl", "a", "free", "standard", label="rate-limit"),
        _key("hss_b_full", "b", "enterprise", "full", label="full"),
        _key("hss_b_ro", "b", "enterprise", "read-only", label="read-only"),
        _key("hss_b_std", "b", "enterprise", "standard", label="standard"),
        _key("hss_b_rev", "b", "enterprise", "full", status="revoked", label="revoked"),
        _key("hss_b_rl", "b", "enterprise", "standard", label="rate-limit"),
    ]
    chosen = choose_mock_keys(keys)
    assert chosen["api_key"] == "hss_b_full" and chosen["project_id"] == "b"
    assert chosen["other_api_key"] == "hss_a_full" and chosen["other_project_id"] == "a"
    assert chosen["read_only_key"] == "hss_b_ro" and chosen["standard_key"] == "hss_b_std"
    assert chosen["revoked_key"] == "hss_b_rev"
    assert chosen["rate_limit_key"] == "hss_a_rl"


def test_mock_keys_without_a_full_key_cannot_be_used() -> None:
    with pytest.raises(TargetError):
        choose_mock_keys([_key("hss_x", "a", "free", "read-only")])


def test_echo_compares_only_the_sent_fields() -> None:
    assert echo_differences({"a": 1, "b": {"c": 2}}, {"a": 1, "b": {"c": 2, "d": 3}, "e": 4}) == []
    assert echo_differences({"a": 1}, {"a": 2}) == ["a: sent 1, got 2"]
    assert echo_differences({"b": {"c": 2}}, {"b": None}) == ["b: sent an object, got None"]


def test_score_is_passed_over_applicable_and_coverage_what_ran() -> None:
    """A skip is never a pass (it lowers the score and the coverage); not applicable counts for nothing."""
    report = RunReport(
        results=[
            passed("GET /a", "x.one", "x"),
            passed("GET /a", "x.two", "x"),
            verdict("GET /a", "x.three", "x", [Problem("bad")]),
            skipped("GET /a", "x.four", "x", "needs --revoked-key"),
            not_applicable("GET /a", "x.five", "x", "cannot apply to this operation"),
        ]
    )
    assert (report.passed, report.failed, report.skipped, report.not_applicable) == (2, 1, 1, 1)
    assert report.score == pytest.approx(2 / 4)
    assert report.coverage == pytest.approx(3 / 4)
    assert not report.conformant


def test_a_run_of_passes_and_skips_is_conformant_but_scores_below_one() -> None:
    report = RunReport(results=[passed("GET /a", "x.one", "x"), skipped("GET /a", "x.two", "x", "needs --x")])
    assert report.conformant and report.score == 0.5 and report.coverage == 0.5
    report.required_coverage = 0.9
    assert report.coverage_shortfall and not report.conformant
    assert engine.exit_code(report) == engine.EXIT_FAILED


def test_the_tally_of_each_operation_is_kept_apart() -> None:
    report = RunReport(
        results=[
            passed("GET /a", "x.one", "x", api="v1"),
            verdict("GET /b", "x.one", "x", [Problem("bad")], api="v1"),
            skipped("GET /b", "x.two", "x", "needs --x", api="v1"),
        ]
    )
    tallies = report.by_operation()
    assert tallies[("v1", "GET /a")].score == 1.0
    assert (tallies[("v1", "GET /b")].score, tallies[("v1", "GET /b")].coverage) == (0.0, 0.5)


def test_verdict_collapses_duplicate_problems() -> None:
    from conformance.results import Problem

    result = verdict("GET /a", "x", "f", [Problem("same", "curl"), Problem("same", "curl")])
    assert result.status is Status.FAILED and len(result.problems) == 1


def test_select_by_family_and_by_name() -> None:
    auth = select(["auth"])
    assert auth.wanted and all(name.startswith("auth.") for name in auth.wanted)
    assert not auth.runs_schemathesis
    one = select(["not_a_server_error", "envelope.error_body"])
    assert one.builtin == ["not_a_server_error"] and one.response == ["hissuno_error_body"]
    assert select([SCHEMATHESIS]).runs_schemathesis
    every = select(None)
    assert {"ratelimit.window", "ratelimit.retry_after", "isolation.list"} <= every.wanted
    with pytest.raises(ValueError, match="unknown check"):
        select(["auth.nope"])


def test_exchange_reads_json_and_content_type() -> None:
    exchange = Exchange(
        "GET", "http://h/x", {}, None, 404, {"Content-Type": "application/json; charset=utf-8"}, b'{"error": "No."}'
    )
    assert exchange.json == {"error": "No."}
    assert exchange.content_type == "application/json"
    broken = Exchange("GET", "http://h/x", {}, None, 500, {"Content-Type": "text/html"}, b"<html>")
    assert broken.json is None
    assert re.match(r"curl -i -X GET", broken.curl())


def test_declared_response_checks_are_registered_with_schemathesis_and_catalogued() -> None:
    from schemathesis.checks import CHECKS

    from conformance.checks import RESPONSE_CHECKS, catalogue

    known = catalogue()
    assert len(RESPONSE_CHECKS) == 3
    for check in RESPONSE_CHECKS:
        assert CHECKS.get_one(check.registered) is check.judge
        assert known[check.name] == (check.family, check.proves)


def test_scenario_checks_run_keys_then_state_first_and_the_rate_limit_burst_last() -> None:
    """Keys first, while the project has room under its cap on keys (the other families create some too)."""
    from conformance.checks import RUN_ORDER, SCENARIO_CHECKS, SCENARIO_RUN

    assert sorted(check.name for check in SCENARIO_RUN) == sorted(SCENARIO_CHECKS.names())
    families = [check.family for check in SCENARIO_RUN]
    assert families == sorted(families, key=RUN_ORDER.index)
    assert families[0] == "keys" and families[-1] == "ratelimit"
    assert families.index("state") < families.index("isolation"), "state creates the rows isolation looks for"


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_stage_may_use_the_time_left_but_the_floor_of_the_stages_after_it() -> None:
    clock = _Clock()
    budget = Budget(60, clock=clock)
    # 5 s kept for the clean-up; of the other 55, the three later units keep half of their 3/4.
    assert budget.begin("first", weight=1, pending_weight=4) == pytest.approx(55 * (1 - 0.5 * 3 / 4))
    clock.now += 10  # a fast stage leaves its time to the next ones
    budget.end()
    assert budget.begin("last", weight=1, pending_weight=1) == pytest.approx(45)
    assert budget.timeout(10) == 10
    clock.now += 44.5
    assert budget.timeout(10) == pytest.approx(0.5), "a request near the deadline gets what is left"
    clock.now += 1
    with pytest.raises(OutOfTime, match=r"last used its share of --max-time 60 s"):
        budget.check()
    assert budget.cut == ["last"] and not budget.allows(1)


def test_an_unbounded_budget_never_stops_anything() -> None:
    budget = Budget(None)
    assert budget.begin("any", 1, 9) is None and budget.timeout(10) == 10 and budget.allows(1e9)


def test_the_breaker_opens_after_three_unanswered_requests_and_probes_later() -> None:
    clock = _Clock()
    silent = Breaker(clock=clock)
    for _ in range(2):
        silent.unanswered("timed out")
        silent.before()
    silent.unanswered("timed out")
    with pytest.raises(ServerSilent, match="did not answer the last 3 requests"):
        silent.before()
    clock.now += 30
    silent.before()  # one probe goes through
    with pytest.raises(ServerSilent):
        silent.before()
    silent.answered()
    silent.before()


def test_ci_logs_get_a_line_per_stage_and_per_wait() -> None:
    out = Console(record=True, width=200)
    log = LogProgress(out)
    log.show(StageStarted("v1: auth", 0))
    log.show(StageFinished("v1: auth", Tally(passed=3, failed=1, skipped=2), 1.25, "the check stopped"))
    log.show(Waiting(42.4, "the rate-limit window of key hss_…qz"))
    lines = out.export_text().splitlines()
    assert lines[0].endswith("] v1: auth: started")
    finished = "] v1: auth: finished in 1.2 s: 3 passed, 1 failed, 2 skipped, 0 not applicable"
    assert lines[1].endswith(f"{finished}; stopped early: the check stopped")
    assert lines[2].endswith("] waiting 42 s for the rate-limit window of key hss_…qz")
