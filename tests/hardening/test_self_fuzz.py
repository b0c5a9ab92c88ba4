"""Self-fuzz: Schemathesis against ``hissuno-mock serve`` over a real socket finds no 5xx and no violation.

`make test` runs a bounded size (``HISSUNO_FUZZ_REQUESTS``, default 3000: the all-phase round over both
documents, about half a minute here); ``python -m tests.hardening.fuzz --requests 10000`` is the full run.
A mutant mock with two faults proves the harness reports what it should.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.hardening.fuzz import FuzzReport, Slice, fuzz, read_ndjson
from tests.support.serve_mutant import mutant_command
from tests.support.servers import ServerLog, live_mock, raised_rate_limits

pytestmark = pytest.mark.slow

REQUESTS = int(os.environ.get("HISSUNO_FUZZ_REQUESTS", "3000"))


@pytest.fixture(scope="module")
def fuzzed() -> tuple[FuzzReport, bool, int]:
    """One fuzz run of the real mock: its report, whether the server survived, a normal request's status."""
    with live_mock(*raised_rate_limits(), log_level="info") as mock:
        report = fuzz(mock, requests=REQUESTS)
        _, key = mock.keys.of_plan("pro", "read-only")
        after = httpx.get(f"{mock.base_url}/v1/sessions", headers={"Authorization": f"Bearer {key}"}, timeout=10)
        return report, mock.alive(), after.status_code


def test_fuzz_sends_the_bounded_number_of_requests(fuzzed) -> None:
    report, _, _ = fuzzed
    print(report.summary())
    assert report.requests >= REQUESTS, report.summary()
    # Every request Schemathesis recorded was answered by the server (it also sends a few probes of its own).
    assert report.server_requests >= report.requests, report.summary()


def test_fuzz_finds_no_server_error_and_no_contract_violation(fuzzed) -> None:
    report, _, _ = fuzzed
    assert report.server_errors == 0, report.summary()
    assert report.failures == [], report.summary()
    assert report.errors == [], report.summary()


def test_fuzz_covers_positive_and_negative_cases_in_every_phase(fuzzed) -> None:
    report, _, _ = fuzzed
    assert report.modes["positive"] > 0 and report.modes["negative"] > 0, report.modes
    assert {"examples", "coverage", "fuzzing", "stateful"} <= set(report.phases), report.phases
    assert any(200 <= s < 300 for s in report.statuses) and any(400 <= s < 500 for s in report.statuses)
    for check in ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                  "response_headers_conformance", "response_schema_conformance", "negative_data_rejection"):
        assert report.checks[f"{check}:success"] > 0, (check, report.checks)


def test_mock_serves_normally_after_the_fuzz(fuzzed) -> None:
    _, alive, status = fuzzed
    assert alive and status == 200


def test_fuzz_catches_a_broken_mock() -> None:
    """A mock whose sessions list drops ``total`` and whose issues list answers 500 fails the fuzz."""
    broken = mutant_command("tests.hardening.mutants:BrokenLists")
    with live_mock(*raised_rate_limits(), log_level="info", command=broken) as mock:
        report = fuzz(mock, requests=1, first_examples=5, first_phases="examples,fuzzing",
                      first_slices=[Slice("v1", ("listSessions", "listIssues"))])
    assert not report.clean
    failed = " ".join(report.failures)
    assert "not_a_server_error on GET /v1/issues" in failed, report.summary()
    assert "response_schema_conformance on GET /v1/sessions" in failed, report.summary()
    assert report.server_statuses[500] > 0


def test_access_log_counts_statuses() -> None:
    log = "\n".join([
        'INFO: 127.0.0.1:50000 - "GET /v1/sessions HTTP/1.1" 200',
        'INFO: 127.0.0.1:50000 - "POST /v1/sessions?x=" HTTP/1.1" 422',
        'INFO:     127.0.0.1:50001 - "GET /v1/issues HTTP/1.1" 500 Internal Server Error',
        "WARNING: Invalid HTTP request received.",
    ])
    server_log = ServerLog(io.BytesIO(log.encode()))
    server_log.finish()
    assert Counter(request.status for request in server_log.requests()) == {200: 1, 422: 1, 500: 1}


def test_unfinished_report_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.ndjson"
    path.write_text('{"Initialize": {"seed": 1}}\n', encoding="utf-8")
    assert read_ndjson(path).errors
