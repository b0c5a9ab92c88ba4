"""The broken-document corpus through every command: the expected rule at the expected line, and never a
traceback, from ``lint``, ``review`` (the broken document as base and as head) and ``bundle``.

Each command runs in-process through its Typer app; a traceback would be an exception escaping it, so every
test asserts the only exception is the ``SystemExit`` of an exit code, and that nothing printed one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from contract.cli import app
from contract.lint.config import load_config
from contract.lint.rules import RULES
from contract.lint.runner import lint_paths
from tests.contract.corpus_cases import SETTINGS, VALID, Case, committed_cases, write_huge_document

CASES = committed_cases()
runner = CliRunner()


@pytest.fixture(scope="session")
def huge_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    return write_huge_document(tmp_path_factory.mktemp("huge") / "huge-10mb.yaml")


def invoke(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def test_the_corpus_holds_at_least_forty_cases_and_every_openapi_and_source_rule() -> None:
    assert len(CASES) + 1 >= 40  # + the 10 MB document, written by the fixture
    covered = {case.rule for case in CASES}
    expected = {rule.name for rule in RULES if rule.family != "house"} - {"lint-rule-failed", "document-too-large"}
    assert expected <= covered, expected - covered


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_lint_finds_the_expected_rule_at_the_expected_line(case: Case) -> None:
    findings = lint_paths([case.path], load_config(SETTINGS))
    assert (case.rule, case.file, case.line) in {(f.rule_id, f.file, f.line) for f in findings}, [
        (f.rule_id, f.file, f.line, f.message) for f in findings
    ]
    assert not [f for f in findings if f.rule_id == "lint-rule-failed"], findings


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_lint_command_exits_1_with_one_line_per_finding(case: Case) -> None:
    result = invoke("lint", str(case.path), "--config", str(SETTINGS), "--json")
    assert result.exit_code == 1
    reported = json.loads(result.stdout)
    assert {"rule": case.rule, "file": case.file, "line": case.line}.items() <= next(
        entry for entry in reported if entry["rule"] == case.rule and entry["line"] == case.line
    ).items()
    text = invoke("lint", str(case.path), "--config", str(SETTINGS))
    lines = text.stdout.strip().splitlines()
    assert len(lines) == len(reported) + 1 and lines[-1].startswith("lint: ")
    assert any(line.startswith(f"{case.file}:{case.line}:") and f" {case.rule}: " in line for line in lines)


@pytest.mark.slow
def test_a_10_mb_document_is_linted_to_the_line(huge_case: Case) -> None:
    assert huge_case.path.stat().st_size >= 10 * 1024 * 1024
    findings = lint_paths([huge_case.path], load_config(SETTINGS))
    assert [(f.rule_id, f.line) for f in findings] == [(huge_case.rule, huge_case.line)]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["lint", "/nonexistent/openapi"], "no such file or folder"),
        (["lint", str(Path(__file__).parent / "__pycache_nothing__")], "no such file or folder"),
    ],
)
def test_unusable_lint_input_is_one_line_and_exit_2(args: list[str], said: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_empty_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = invoke("lint", str(tmp_path))
    assert result.exit_code == 2
    assert "no OpenAPI documents" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_checkout_folder_is_linted_through_its_openapi_folder(tmp_path: Path) -> None:
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / "v1.yaml").write_text(VALID.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke("lint", str(tmp_path), "--config", str(SETTINGS))
    assert result.exit_code == 0, result.output


def test_a_document_over_32_mib_is_one_finding_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "enormous.yaml"
    with path.open("wb") as handle:
        handle.truncate(33 * 1024 * 1024)  # sparse: nothing is written, nothing would parse
    findings = lint_paths([path])
    assert [(f.rule_id, f.line) for f in findings] == [("document-too-large", 1)]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bundle_refuses_each_case_with_its_findings_and_one_closing_line(case: Case) -> None:
    result = invoke("bundle", "--from", str(case.path))
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith(f"{case.file}:{case.line}:") and f" {case.rule}: " in line for line in lines)
    assert lines[-1].startswith("hissuno-contract: error: bundle: ") and "nothing written" in lines[-1]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_review_with_the_case_as_head_lints_it_or_refuses_it_in_one_line(case: Case) -> None:
    result = invoke("review", "--base", str(VALID), "--head", str(case.path), "--format", "json")
    if case.unreadable:
        assert result.exit_code == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("hissuno-contract: error: ")
        return
    assert result.exit_code == 1 and result.stderr == ""
    lint = [finding for document in json.loads(result.stdout)["documents"] for finding in document["lint"]]
    assert (case.rule, case.file, case.line) in {(f["rule_id"], f["file"], f["line"]) for f in lint}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_review_with_the_case_as_base_compares_or_refuses_in_one_line(case: Case) -> None:
    result = invoke("review", "--base", str(case.path), "--head", str(VALID), "--format", "json")
    if case.unreadable:
        assert result.exit_code == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("hissuno-contract: error: ")
        return
    assert result.exit_code in (0, 1) and result.stderr == ""
    report = json.loads(result.stdout)
    assert report["exit_code"] == result.exit_code
    assert not [f for d in report["documents"] for f in d["changes"] if f["rule_id"] == "hissuno-rule-failed"]


@pytest.mark.slow
def test_the_10_mb_document_through_review_and_bundle(huge_case: Case) -> None:
    as_head = invoke("review", "--base", str(VALID), "--head", str(huge_case.path), "--format", "json")
    assert as_head.exit_code == 1
    lint = [f for document in json.loads(as_head.stdout)["documents"] for f in document["lint"]]
    assert (huge_case.rule, huge_case.line) in {(f["rule_id"], f["line"]) for f in lint}
    as_base = invoke("review", "--base", str(huge_case.path), "--head", str(VALID), "--no-lint")
    assert as_base.exit_code == 1 and as_base.stderr == ""  # thousands of operations removed
    bundled = invoke("bundle", "--from", str(huge_case.path))
    assert bundled.exit_code == 1 and f":{huge_case.line}:" in bundled.stderr
