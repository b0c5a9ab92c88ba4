"""The reports: Markdown against a golden file, JSON and GitHub annotations from the same review.

Regenerate the golden file after an intended change with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/review``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from contract.findings import Finding, Level
from contract.lint.runner import DocumentFile
from contract.review.engine import review
from contract.review.loader import open_snapshot
from contract.review.locate import SourceLocator
from contract.review.model import ConformanceFailure, ConformanceSummary, Review
from contract.review.report import format_score, github, grouped, markdown
from contract.review.report import json as json_report
from contract.spec import spec_dir
from tests.review.repo_helpers import pin_v1_version
from tests.support.yaml_edit import edit_yaml

GOLDEN = Path(__file__).parent / "golden" / "review.md"


def fake_lint(documents: list[DocumentFile]) -> list[Finding]:
    """One lint finding in the internal document, so the report shows a lint section."""
    where = "/paths/~1api~1projects~1{projectId}/get"
    return [Finding("operation-metadata", Level.ERROR, "internal", where, "no summary")]


def pull_request_changes(components: dict) -> None:
    schemas = components["components"]["schemas"]
    del schemas["Session"]["properties"]["page_title"]  # breaking
    schemas["Issue"]["properties"]["reach_score"] = {"type": "integer", "nullable": True}  # addition
    schemas["Session"]["properties"]["name"]["maxLength"] = 200  # response widened: a warning


@pytest.fixture
def golden_review(spec_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Review, SourceLocator]:
    base_copy = tmp_path / "base" / "openapi"
    shutil.copytree(spec_copy, base_copy)
    pin_v1_version(base_copy)
    pin_v1_version(spec_copy)
    edit_yaml(spec_copy / "components.yaml", pull_request_changes)
    conformance = ConformanceSummary(
        score=0.975,
        passed=39,
        failed=1,
        failures=(ConformanceFailure("POST /v1/webhooks", "status_code_conformance", "got 500 | expected 201"),),
    )
    monkeypatch.chdir(spec_copy.parent)  # so that files are shown as openapi/...
    with open_snapshot(str(base_copy), spec_dir()) as base, open_snapshot("openapi", spec_dir()) as head:
        base = dataclasses.replace(base, label="origin/main")
        head = dataclasses.replace(head, label="pr-42")
        result = review(base, head, lint=fake_lint, conformance=conformance)
        return result, SourceLocator(head)


def test_markdown_report_matches_golden_file(golden_review: tuple[Review, SourceLocator]) -> None:
    rendered = markdown.render(golden_review[0])
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8")


def test_markdown_report_shape(golden_review: tuple[Review, SourceLocator]) -> None:
    lines = markdown.render(golden_review[0]).splitlines()
    assert lines[0] == "## Spec review: ❌ 4 problems"
    assert lines[2].startswith("`v1` 1.0.0 → 1.0.0: ") and "conformance 97.5% (1 failed)" in lines[2]
    assert lines.count("<details open>") >= 2 and "<details>" in lines
    assert lines.count("<details open>") + lines.count("<details>") == lines.count("</details>")
    sections = [line for line in lines if line.startswith("### ")]
    assert [section.split()[1] for section in sections] == ["`v1`", "`internal`", "Conformance"]
    assert "got 500 \\| expected 201" in "\n".join(lines)  # table cells are escaped


def test_json_report_carries_every_finding(golden_review: tuple[Review, SourceLocator]) -> None:
    result = golden_review[0]
    data = json.loads(json_report.render(result))
    assert data["verdict"] == "fail" and data["exit_code"] == 1
    assert data["base"] == "origin/main" and data["head"] == "pr-42"
    assert [document["name"] for document in data["documents"]] == ["v1", "internal"]
    v1 = data["documents"][0]
    assert len(v1["changes"]) == len(result.documents[0].changes)
    assert {"rule_id", "level", "document", "pointer", "message", "method", "path", "bump"} <= set(v1["changes"][0])
    assert data["conformance"]["failures"][0]["check"] == "status_code_conformance"
    assert data["documents"][1]["lint"][0]["level"] == "error"


def test_github_annotations(golden_review: tuple[Review, SourceLocator]) -> None:
    result, locate = golden_review
    lines = github.render(result, locate).splitlines()
    removed = [line for line in lines if "v1%3A response-optional-property-removed" in line]
    assert removed and all(line.startswith("::error file=openapi/components.yaml,line=") for line in removed)
    internal_removed = [line for line in lines if "internal%3A response-optional-property-removed" in line]
    assert internal_removed and all(line.startswith("::warning ") for line in internal_removed)  # not enforced
    assert any(line.startswith("::notice ") and "response-optional-property-added" in line for line in lines)
    assert any(line.startswith("::error ") and "internal%3A operation-metadata" in line for line in lines)
    version = next(line for line in lines if "v1%3A version bump" in line)
    assert version.startswith("::error file=openapi/v1.yaml,line=")
    assert "::error title=conformance%3A status_code_conformance::POST /v1/webhooks" in "\n".join(lines)


def test_locator_maps_pointers_to_the_right_file_and_line(golden_review: tuple[Review, SourceLocator]) -> None:
    _, locate = golden_review
    file, line = locate("v1", "/info/version")
    assert file == "openapi/v1.yaml"
    assert line is not None and "version:" in (spec_dir() / "v1.yaml").read_text().splitlines()[line - 1]
    file, line = locate("v1", "/components/schemas/Issue/properties/title")
    assert file == "openapi/components.yaml"
    assert line is not None


def test_github_command_escaping() -> None:
    text = github.command("error", "50% done\nnext", title="a: b, c", file="x,y.yaml", line=3)
    assert text == "::error file=x%2Cy.yaml,line=3,title=a%3A b%2C c::50%25 done%0Anext"


def test_grouping_folds_operations_and_orders_by_level(golden_review: tuple[Review, SourceLocator]) -> None:
    groups = grouped(golden_review[0].documents[0].changes)
    assert [group.level for group in groups] == sorted((group.level for group in groups), key=lambda level: level.rank)
    keys = [(group.rule_id, group.pointer, group.message) for group in groups]
    assert len(keys) == len(set(keys))
    assert any(len(group.operations) > 1 for group in groups) or all(group.level is Level.ERROR for group in groups)


@pytest.mark.parametrize(("score", "shown"), [(0.975, "97.5%"), (1.0, "100.0%"), (0.0, "0.0%"), (87.5, "87.5%")])
def test_score_formatting(score: float, shown: str) -> None:
    assert format_score(score) == shown
