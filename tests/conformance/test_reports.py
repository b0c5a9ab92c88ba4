"""Every report is a small consumer of the same RunReport; the JSON one is read by other tools."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from rich.console import Console

from conformance.reports import console, junit, markdown
from conformance.reports import json as json_report
from conformance.results import CheckResult, Problem, RunReport, Status, not_applicable, passed, skipped, verdict


def _report() -> RunReport:
    return RunReport(
        results=[
            passed("GET /v1/sessions", "not_a_server_error", "schemathesis", api="v1"),
            verdict(
                "GET /v1/sessions",
                "envelope.pagination",
                "envelope",
                [Problem("page {'limit': 2, 'offset': 2} repeats rows", "curl -i -X GET 'http://h/v1/sessions'")],
                api="v1",
            ),
            skipped("GET /v1/sessions", "auth.revoked_key", "auth", "needs --revoked-key", api="v1"),
            CheckResult(
                "GET /v1/sessions",
                "envelope.out_of_range",
                "envelope",
                Status.KNOWN,
                (Problem("limit=abc answered 200"),),
                "known divergence no-bounds: limit is not validated",
                "v1",
            ),
            not_applicable("GET /v1/sessions", "state.upsert", "state", "cannot apply to this operation", api="v1"),
        ],
        target="http://h",
        profile="quick",
        seed=7,
        apis=("v1",),
        duration=1.5,
    )


def test_json_report_has_the_fields_other_tools_read(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    json_report.write(_report(), path)
    data = json.loads(path.read_text())
    assert data["score"] == 0.25 and data["coverage"] == 0.75
    counts = (data["passed"], data["failed"], data["known"], data["skipped"], data["not_applicable"])
    assert counts == (1, 1, 1, 1, 1)
    assert data["operations"] == [
        {
            "api": "v1",
            "operation": "GET /v1/sessions",
            "passed": 1,
            "failed": 1,
            "known": 1,
            "skipped": 1,
            "not_applicable": 1,
            "coverage": 0.75,
            "score": 0.25,
        }
    ]
    assert data["interrupted"] is False and data["conformant"] is False
    assert data["failures"] == [
        {
            "operation": "GET /v1/sessions",
            "check": "envelope.pagination",
            "family": "envelope",
            "api": "v1",
            "message": "page {'limit': 2, 'offset': 2} repeats rows",
            "curl": "curl -i -X GET 'http://h/v1/sessions'",
        }
    ]
    assert [r["status"] for r in data["results"]] == ["passed", "failed", "skipped", "known", "not_applicable"]


def test_junit_has_a_case_per_result_with_failures_and_skips(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    junit.write(_report(), path)
    suite = ElementTree.parse(path).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "4" and suite.get("failures") == "1"
    assert suite.get("skipped") == "2", "skipped and known are skipped cases; not applicable is left out"
    cases = suite.findall("testcase")
    assert cases[1].find("failure") is not None and "curl" in (cases[1].find("failure").text or "")
    assert cases[2].find("skipped").get("message") == "needs --revoked-key"
    assert cases[3].find("skipped").get("message").startswith("known divergence no-bounds")


def test_markdown_has_score_matrix_failure_curl_and_skips() -> None:
    text = markdown.render(_report())
    assert "Conformance score: 25.0%**, coverage 75.0%" in text
    assert "| v1 | `GET /v1/sessions` | 1 | 1 | 1 | 1 | 1 | 75% | 25% |" in text
    assert "```sh\ncurl -i -X GET 'http://h/v1/sessions'\n```" in text
    assert "- needs --revoked-key: `auth.revoked_key` on `GET /v1/sessions`" in text


def test_the_readiness_report_lists_what_still_differs_per_operation() -> None:
    text = markdown.render(_report())
    section = text.split("## Readiness", 1)[1]
    assert "0 of 1 operations meet the contract" in section
    assert "### `GET /v1/sessions` (v1): not ready, score 25%, coverage 75%" in section
    assert "- [ ] known divergence no-bounds: limit is not validated (`envelope.out_of_range`)" in section
    assert "- [ ] **new**: `envelope.pagination`: page {'limit': 2, 'offset': 2} repeats rows" in section
    assert "- [ ] not verified (needs --revoked-key): `auth.revoked_key`" in section


def test_console_prints_table_failures_with_curl_skips_and_score() -> None:
    out = Console(record=True, width=200)
    console.print_report(_report(), out)
    text = out.export_text()
    assert "GET /v1/sessions" in text and "✗ 1/2" in text and "75.0%" in text
    assert "envelope.pagination" in text and "curl -i -X GET" in text
    assert "needs --revoked-key: auth.revoked_key (1)" in text
    assert "known divergence no-bounds: limit is not validated: envelope.out_of_range (1)" in text
    assert (
        "Conformance score: 25.0% · coverage 75.0% (1 passed, 1 failed, 1 known, 1 skipped, 1 not applicable)" in text
    )


def test_readme_lists_every_check_with_what_it_proves() -> None:
    from conformance.checks import catalogue

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Conformance suite", 1)[1].split("\n## ", 1)[0]
    missing = [name for name, (family, _) in catalogue().items() if f"| `{name}` | {family} |" not in section]
    assert missing == []
