"""A run ends, and names what failed, whatever the server does: fail everything, never answer, answer slowly,
set no rate limits, or store nothing (Prism). Small budgets here; the full-size times are in ``make bench``.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.prism import ensure_prism, prism_argv, write_spec
from conformance import breaker, engine
from conformance.budget import Budget
from conformance.cli import run_cli
from conformance.profiles import PROFILES
from conformance.results import RunReport, Status
from conformance.target import Target, from_mock
from tests.conformance.doubles.faulty import always_500, never_answering
from tests.conformance.doubles.wrapped import Slowed, WithoutRateLimits, unlimited_settings
from tests.support.apps import hermetic_app
from tests.support.servers import REPO, free_port, stop

SEED = 7
KEYS = ["--api-key", "hss_main", "--project-id", "proj_a", "--other-api-key", "hss_other", "--other-project-id",
        "proj_b", "--revoked-key", "hss_revoked", "--rate-limit-key", "hss_limit", "--read-only-key", "hss_ro",
        "--standard-key", "hss_std"]  # fmt: skip
CHECKS_OF_OURS = "state,isolation,envelope.pagination,envelope.out_of_range,envelope.not_found,envelope.bad_body"
EVERY_FAMILY = {"schemathesis", "auth", "isolation", "state", "ratelimit", "envelope", "webhooks"}


def _keyed(app: object) -> Target:
    return Target(base_url="", api_key="hss_main", other_api_key="hss_other", revoked_key="hss_revoked",
                  rate_limit_key="hss_limit", read_only_key="hss_ro", standard_key="hss_std", app=app)  # fmt: skip


def _mock_keyed(app: object) -> Target:
    return from_mock(Target(base_url="", api_key="", app=app))


def _v1(target: Target, **options: object) -> RunReport:
    return engine.execute(target, engine.RunOptions(apis=("v1",), profile=PROFILES["quick"], seed=SEED, **options))


def test_a_server_that_never_answers_costs_a_few_timeouts_then_every_family_fails(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    with never_answering() as silent:
        code = run_cli(["run", "--base-url", silent.url, *KEYS, "--request-timeout", "0.5", "--json", str(report)])
        connections = silent.connections
    data = json.loads(report.read_text())
    assert code == 1
    assert {r["family"] for r in data["results"] if r["status"] == "failed"} == EVERY_FAMILY
    # The probe, the key check and the snapshot time out; then the breaker sends nothing more.
    assert connections <= breaker.THRESHOLD + 1
    messages = {r["message"] for r in data["results"] if r["status"] == "failed"}
    assert any("did not answer the last 3 requests" in m for m in messages), messages


def test_a_server_that_answers_500_to_everything_fails_with_capped_checks() -> None:
    report = _v1(_keyed(always_500))
    assert engine.exit_code(report) == engine.EXIT_FAILED
    assert set(report.failed_families()) == EVERY_FAMILY - {"isolation"}, "nothing to isolate: every list is a 500"
    missing_key = [r for r in report.results if r.check == "auth.missing_key"]
    assert [r.status for r in missing_key].count(Status.FAILED) == engine.DEFAULT_MAX_FAILURES
    capped = [r for r in missing_key if r.status is Status.SKIPPED]
    assert capped and all("stopped after 10 failing operations (--max-failures)" in r.reason for r in capped)


def test_a_slow_server_is_stopped_by_the_budget_and_the_run_says_where() -> None:
    started = time.monotonic()
    target = _mock_keyed(Slowed(hermetic_app(), delay=0.05))
    report = _v1(target, budget=Budget(6), checks=["schemathesis", "auth", "state"])
    assert time.monotonic() - started < 6 + 5, "the budget, plus the time to fill in and sort the results"
    assert engine.exit_code(report) == engine.EXIT_FAILED and report.failed == 0
    assert report.budget_cut, "the stages the budget stopped are named"
    reasons = {r.reason for r in report.results if r.status is Status.SKIPPED}
    assert any("time budget ran out" in reason for reason in reasons), reasons
    assert 0 < report.coverage < 1


def test_a_server_without_rate_limits_fails_the_rate_limit_checks_only() -> None:
    app = WithoutRateLimits(hermetic_app(**unlimited_settings()))
    checks = ["ratelimit", "response_headers_conformance", "state.create_echo", "auth.missing_key"]
    report = _v1(_mock_keyed(app), checks=checks)
    assert engine.exit_code(report) == engine.EXIT_FAILED
    assert set(report.failed_families()) == {"ratelimit", "schemathesis"}
    assert {"ratelimit.window", "ratelimit.headers", "response_headers_conformance"} <= report.failed_checks()


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    """Stoplight Prism 5.16 mocking our internal document, installed the way the benchmarks install it."""
    work = REPO / "benchmarks" / ".work"
    binary, spec = ensure_prism(work), write_spec(work, "internal")
    port = free_port()
    process = subprocess.Popen(prism_argv(binary, spec, port, dynamic=False), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def test_prism_which_stores_nothing_ends_with_state_and_envelope_failing(prism: str, tmp_path: Path) -> None:
    """Prism answers every create but stores nothing: the suite once created rows for ever to fill a page.

    Our own checks only: some generated bodies crash Prism 5.16 (an invalid character in its `sl-violations`
    header), and a dead server is not what this test is about. (A body that is not JSON gets no answer from
    Prism at all: the request timeout ends that wait.)"""
    har, report = tmp_path / "prism.har", tmp_path / "prism.json"
    args = ["run", "--base-url", prism, *KEYS, "--api", "internal", "--request-timeout", "2", "--max-time", "45",
            "--checks", CHECKS_OF_OURS, "--har", str(har), "--json", str(report)]  # fmt: skip
    assert run_cli(args) == 1
    data = json.loads(report.read_text())
    failed = [r for r in data["results"] if r["status"] == "failed"]
    assert {r["family"] for r in failed} == {"state", "envelope", "isolation"}
    assert not [r for r in failed if "connection refused" in r["message"]], "Prism stayed up"
    creates = [e for e in json.loads(har.read_text())["log"]["entries"] if e["request"]["method"] == "POST"]
    assert 0 < len(creates) < 300, "every loop that creates is bounded"
