"""The known-divergences register: what it accepts, what it makes known, and how it refuses to rot."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from conformance.checks import catalogue
from conformance.operations import Contract
from conformance.register import Register, RegisterError
from conformance.results import CheckResult, Problem, Status, passed, skipped, verdict

TODAY = date(2026, 6, 1)
LISTS = "GET /api/projects/{projectId}/sessions"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "register.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _operations() -> dict[str, list[tuple[str, str]]]:
    return {"internal": [(op.operation_id, op.label) for op in Contract.load("internal")]}


def _register(tmp_path: Path, body: str, profile: str | None = None) -> Register:
    register = Register.load(_write(tmp_path, body), today=TODAY, profile=profile)
    register.validate(catalogue(), _operations())
    return register


ENTRY = """
divergences:
  - id: lists-keyed
    check: [envelope.list_shape, envelope.pagination]
    operation: list*
    reason: Lists are keyed by resource.
"""


def _failed(check: str, operation: str = LISTS, operation_id: str = "listSessions") -> CheckResult:
    result = verdict(operation, check, check.split(".")[0], [Problem("bad")], api="internal")
    return replace(result, operation_id=operation_id)


def test_a_matching_failure_is_known_with_the_reason(tmp_path: Path) -> None:
    register = _register(tmp_path, ENTRY)
    known = register.judge(_failed("envelope.list_shape"))
    assert known.status is Status.KNOWN and known.reason == "known divergence lists-keyed: Lists are keyed by resource."
    other = register.judge(_failed("envelope.not_found", "GET /x/{id}", "getSession"))
    assert other.status is Status.FAILED, "a failure no entry names stays a failure"
    assert register.findings([known]) == []


def test_an_entry_whose_checks_now_pass_is_stale(tmp_path: Path) -> None:
    register = _register(tmp_path, ENTRY)
    result = replace(passed(LISTS, "envelope.list_shape", "envelope", api="internal"), operation_id="listSessions")
    findings = register.findings([result])
    assert [(f.entry, f.kind) for f in findings] == [("lists-keyed", "stale")]
    assert "now passes (envelope.list_shape on GET /api/projects/{projectId}/sessions)" in findings[0].message


def test_an_entry_whose_checks_did_not_run_is_unverified_not_stale(tmp_path: Path) -> None:
    register = _register(tmp_path, ENTRY)
    result = skipped(LISTS, "envelope.pagination", "envelope", "needs --x", api="internal")
    assert register.findings([result]) == []
    assert register.unverified([result]) == ["lists-keyed"]


def test_an_expired_entry_fails_and_no_longer_covers_its_failures(tmp_path: Path) -> None:
    register = _register(tmp_path, ENTRY + "    expires: 2026-05-31\n")
    failure = _failed("envelope.list_shape")
    assert register.judge(failure).status is Status.FAILED
    assert [(f.entry, f.kind) for f in register.findings([failure])] == [("lists-keyed", "expired")]


def test_an_entry_for_another_profile_is_left_out(tmp_path: Path) -> None:
    body = ENTRY + "    profile: full\n"
    assert _register(tmp_path, body, profile="quick").entries == ()
    assert len(_register(tmp_path, body, profile="full").entries) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("divergences: nope", "expected a mapping with a `divergences` list"),
        ("divergences:\n  - check: envelope.list_shape\n    operation: list*\n", "entry 1 needs a `reason`"),
        ("divergences:\n  - operation: list*\n    reason: r\n", "entry 1 needs a `check`"),
        ("divergences:\n  - check: x\n    reason: r\n", "entry 1 needs an `operation`"),
        ("divergences:\n  - check: x\n    operation: y\n    reason: r\n    when: now\n", "unknown fields ['when']"),
        (ENTRY + "    expires: soon\n", "`expires` must be a date (YYYY-MM-DD), got 'soon'"),
        (ENTRY.replace("envelope.pagination", "envelope.pages"), "names unknown checks ['envelope.pages']"),
        (ENTRY.replace("list*", "listThings"), "operation 'listThings' matches no operation"),
        (ENTRY + "    api: v1\n", "is for api 'v1', which is not checked"),
        (ENTRY + ENTRY.replace("divergences:\n", ""), "two entries have the id 'lists-keyed'"),
        ("divergences: [\n", "not valid YAML"),
    ],
)
def test_an_unusable_register_is_one_line_naming_the_entry(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(RegisterError) as caught:
        _register(tmp_path, body)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_missing_register_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match=r"cannot read the register .*nothing\.yaml: No such file or directory"):
        Register.load(tmp_path / "nothing.yaml")


def test_the_shipped_register_is_valid_for_the_internal_api() -> None:
    path = Path(__file__).resolve().parents[2] / "conformance" / "divergences" / "hissuno-backend.yaml"
    register = Register.load(path)
    register.validate([*catalogue(), "schemathesis_error"], _operations())
    assert len(register.entries) >= 10
    assert all(entry.api == "internal" and len(entry.reason) > 40 for entry in register.entries)
