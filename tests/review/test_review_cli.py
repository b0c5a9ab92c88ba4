"""`hissuno-contract review` end to end: inputs (git refs, folders, files), exit codes and outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contract.cli import app
from contract.spec import spec_dir
from tests.review.conftest import bumped, contract_version
from tests.review.repo_helpers import git
from tests.support.yaml_edit import edit_yaml, set_version

runner = CliRunner()


def review(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["review", *args])
    return result.exit_code, result.stdout, result.stderr


def remove_session_page_title(components: dict) -> None:
    del components["components"]["schemas"]["Session"]["properties"]["page_title"]


def add_optional_issue_field(components: dict) -> None:
    components["components"]["schemas"]["Issue"]["properties"]["reach_score"] = {
        "type": "integer",
        "minimum": 0,
        "nullable": True,
    }


# --- Done when: removing a response field fails naming rule and place; an optional field + minor bump passes.


def test_removing_a_response_field_from_v1_exits_1_naming_rule_and_location(spec_copy: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", remove_session_page_title)
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy))
    assert code == 1
    assert "response-optional-property-removed" in out
    assert "/components/schemas/Session/properties/page_title" in out
    assert "GET /v1/sessions/{sessionId}" in out
    assert "breaking changes to /v1, which a version bump cannot make safe" in out
    assert "new path version (/v2)" in out and ".hissuno-review-ignore.yaml" in out


def test_adding_an_optional_field_with_a_minor_bump_exits_0(spec_copy: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", add_optional_issue_field)
    edit_yaml(spec_copy / "v1.yaml", set_version(bumped(contract_version("v1"), "minor")))
    code, out, err = review("--base", str(spec_dir()), "--head", str(spec_copy))
    assert code == 0, out + err
    assert "response-optional-property-added" in out
    assert "✅" in out.splitlines()[0]


def test_adding_an_optional_field_without_a_bump_exits_1(spec_copy: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", add_optional_issue_field)
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy), "--no-lint")
    assert code == 1
    assert "needs a minor version bump" in out


def test_a_breaking_change_to_v1_fails_even_with_a_major_bump(spec_copy: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", remove_session_page_title)
    edit_yaml(spec_copy / "v1.yaml", set_version(bumped(contract_version("v1"), "major")))
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy), "--no-lint")
    assert code == 1, out
    assert "✅ safe to merge" not in out and out.startswith("## Spec review: ❌")
    assert "v1: 2 breaking changes to /v1, which a version bump cannot make safe" in out


def test_internal_only_breaking_change_exits_0_unless_strict(spec_copy: Path) -> None:
    def drop_internal_import(document: dict) -> None:
        del document["paths"]["/api/projects/{projectId}/customers/import"]

    edit_yaml(spec_copy / "internal.yaml", drop_internal_import)
    args = ("--base", str(spec_dir()), "--head", str(spec_copy), "--no-lint")
    code, out, _ = review(*args)
    assert code == 0, out
    assert "api-path-removed-without-deprecation" in out
    strict_code, strict_out, _ = review(*args, "--strict-internal")
    assert strict_code == 1
    assert "--strict-internal" in strict_out


def test_lint_error_in_head_exits_1(spec_copy: Path) -> None:
    def drop_summary(document: dict) -> None:
        del document["paths"]["/api/projects/{projectId}/issues"]["get"]["summary"]

    edit_yaml(spec_copy / "internal.yaml", drop_summary)
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy))
    assert code == 1
    assert "operation-metadata" in out
    assert "lint error" in out


# --- Git refs, resolved in a throwaway repository.


def test_git_ref_base_against_modified_working_tree(repo: Path) -> None:
    code, out, _ = review("--base", "HEAD", "--repo", str(repo), "--no-lint")
    assert code == 0, out
    assert "Base `HEAD` → head `working tree`" in out
    edit_yaml(repo / "openapi" / "components.yaml", remove_session_page_title)
    code, out, _ = review("--base", "HEAD", "--repo", str(repo), "--no-lint")
    assert code == 1
    assert "response-optional-property-removed" in out


def test_git_refs_on_both_sides(repo: Path) -> None:
    base_version = contract_version("v1")
    head_version = bumped(base_version, "minor")
    edit_yaml(repo / "openapi" / "components.yaml", add_optional_issue_field)
    edit_yaml(repo / "openapi" / "v1.yaml", set_version(head_version))
    git(repo, "commit", "-q", "-am", "add reach_score")
    code, out, _ = review("--base", "HEAD~1", "--head", "HEAD", "--repo", str(repo), "--format", "json", "--no-lint")
    assert code == 0, out
    report = json.loads(out)
    assert report["base"] == "HEAD~1" and report["head"] == "HEAD"
    v1 = next(document for document in report["documents"] if document["name"] == "v1")
    assert v1["version"] == {
        "base_version": base_version,
        "head_version": head_version,
        "required": "minor",
        "given": "minor",
        "ok": True,
        "reason": f"{base_version} → {head_version} is a minor bump; minor needed",
    }
    assert {change["rule_id"] for change in v1["changes"]} == {
        "response-optional-property-added",
        "hissuno-webhook-payload-field-added",  # issues are also delivered to webhooks
    }


def test_git_ref_lint_runs_on_the_checked_out_files(repo: Path) -> None:
    code, out, _ = review("--base", "HEAD", "--head", "HEAD", "--repo", str(repo))
    assert code == 0, out
    assert "lint clean" in out


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("no-such-branch", "unknown git ref or missing path: 'no-such-branch'"),
        ("HEAD~1", "HEAD~1: there is no openapi/ folder at that commit"),
    ],
)
def test_bad_git_ref_exits_2_with_one_line(repo: Path, base: str, expected: str) -> None:
    code, out, err = review("--base", base, "--repo", str(repo))
    assert code == 2
    assert out == ""
    assert err.strip() == f"hissuno-contract: error: {expected}"


def test_git_ref_outside_a_repository_exits_2(tmp_path: Path) -> None:
    shutil.copytree(spec_dir(), tmp_path / "openapi")
    code, _, err = review("--base", "main", "--repo", str(tmp_path))
    assert code == 2
    assert "is not a git repository" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda path: path.write_text("openapi: 3.0.3\npaths: [unclosed\n"), "not valid YAML"),
        (lambda path: path.write_text("- just\n- a list\n"), "expected a mapping"),
        (lambda path: path.write_bytes(b"\x89PNG\r\n\x00\x00"), "the file is binary"),
        (lambda path: path.write_text(""), "the file is empty"),
    ],
)
def test_unreadable_spec_exits_2_without_traceback(spec_copy: Path, breakage, expected: str) -> None:
    target = spec_copy / "v1.yaml"
    breakage(target)
    code, out, err = review("--base", str(spec_dir()), "--head", str(spec_copy))
    assert code == 2
    assert expected in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_a_dangling_reference_in_head_is_a_lint_finding_not_unusable_input(spec_copy: Path) -> None:
    shared = spec_copy / "components.yaml"
    shared.write_text(shared.read_text().replace("schemas/SessionList'", "schemas/NoSuchList'"), encoding="utf-8")
    code, out, err = review("--base", str(spec_dir()), "--head", str(spec_copy))
    assert code == 1 and err == ""
    assert "`invalid-ref`" in out and "NoSuchList" in out


def test_single_document_files_are_compared(spec_copy: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", remove_session_page_title)
    code, out, _ = review("--base", str(spec_dir() / "v1.yaml"), "--head", str(spec_copy / "v1.yaml"), "--no-lint")
    assert code == 1
    assert "### `v1`" in out and "### `internal`" not in out


def test_checkout_folder_with_openapi_subfolder_is_accepted(spec_copy: Path) -> None:
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy.parent), "--no-lint")
    assert code == 0, out


# --- Conformance results.


def write_conformance(path: Path, failed: int, **extra: object) -> Path:
    failures = [{"operation": "GET /v1/sessions", "check": "rate_limit_headers", "message": "missing RateLimit"}]
    data = {"score": 0.95 if failed else 1.0, "passed": 40, "failed": failed, "failures": failures[:failed], **extra}
    path.write_text(json.dumps(data))
    return path


def test_failed_conformance_exits_1_and_is_reported(tmp_path: Path) -> None:
    result = write_conformance(tmp_path / "conformance.json", failed=1, profile="quick", duration_s=3.2)
    code, out, _ = review(
        "--base", str(spec_dir()), "--head", str(spec_dir()), "--no-lint", "--conformance-json", str(result)
    )
    assert code == 1
    assert "conformance: 1 check failed" in out
    assert "| `GET /v1/sessions` | `rate_limit_headers` | missing RateLimit |" in out
    assert "95.0%" in out


def test_passing_conformance_keeps_exit_0(tmp_path: Path) -> None:
    result = write_conformance(tmp_path / "conformance.json", failed=0)
    code, out, _ = review(
        "--base", str(spec_dir()), "--head", str(spec_dir()), "--no-lint", "--conformance-json", str(result)
    )
    assert code == 0, out
    assert "Score **100.0%**" in out


@pytest.mark.parametrize("content", ["not json", "[]", '{"score": "high", "passed": 1, "failed": 0}', "{}"])
def test_malformed_conformance_json_exits_2(tmp_path: Path, content: str) -> None:
    path = tmp_path / "conformance.json"
    path.write_text(content)
    code, _, err = review(
        "--base", str(spec_dir()), "--head", str(spec_dir()), "--no-lint", "--conformance-json", str(path)
    )
    assert code == 2
    assert err.startswith("hissuno-contract: error: ") and len(err.strip().splitlines()) == 1


def test_missing_conformance_json_exits_2(tmp_path: Path) -> None:
    code, _, err = review("--base", str(spec_dir()), "--conformance-json", str(tmp_path / "nope.json"))
    assert code == 2
    assert "cannot read the conformance JSON" in err


# --- Output formats.


def test_json_file_and_output_file(spec_copy: Path, tmp_path: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", remove_session_page_title)
    json_path, markdown_path = tmp_path / "review.json", tmp_path / "review.md"
    code, out, _ = review(
        "--base",
        str(spec_dir()),
        "--head",
        str(spec_copy),
        "--no-lint",
        "--json",
        str(json_path),
        "-o",
        str(markdown_path),
    )
    assert code == 1
    assert out == ""
    report = json.loads(json_path.read_text())
    assert report["verdict"] == "fail" and report["exit_code"] == 1
    change = next(c for c in report["documents"][0]["changes"] if c["rule_id"] == "response-optional-property-removed")
    assert change["pointer"] == "/components/schemas/Session/properties/page_title"
    assert change["level"] == "breaking" and change["bump"] == "major"
    assert markdown_path.read_text().startswith("## Spec review: ❌")


def test_github_format_annotates_the_source_line(spec_copy: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", remove_session_page_title)
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy), "--no-lint", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    errors = [line for line in lines if line.startswith("::error ") and "response-optional-property-removed" in line]
    assert errors
    properties = errors[0].split("::")[1]
    assert f"file={spec_copy}/components.yaml" in properties
    line = int(properties.split("line=")[1].split(",")[0])
    source = (spec_copy / "components.yaml").read_text().splitlines()
    assert source[line - 1].strip().startswith("properties:")  # the object the field was removed from
    assert any(line.startswith("::error ") and "version bump" in line and "v1.yaml" in line for line in lines)
    assert lines[-1].startswith("Spec review failed: ")


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "hissuno-contract"
    result = subprocess.run(
        [str(script), "review", "--base", str(spec_dir()), "--no-lint", "--repo", str(spec_dir().parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## Spec review: ✅")


def test_reads_the_json_hissuno_conformance_writes(tmp_path: Path) -> None:
    from conformance.reports import json as conformance_json
    from conformance.results import Problem, RunReport, passed, verdict

    report = RunReport(
        results=[
            passed("GET /v1/sessions", "envelope", "envelope"),
            verdict("GET /v1/issues", "rate_limit_headers", "ratelimit", [Problem("no RateLimit header", "curl ...")]),
        ],
        target="http://127.0.0.1:4010",
        profile="quick",
    )
    path = tmp_path / "conformance.json"
    conformance_json.write(report, path)
    code, out, _ = review(
        "--base", str(spec_dir()), "--head", str(spec_dir()), "--no-lint", "--conformance-json", str(path)
    )
    assert code == 1
    assert "Score **50.0%**: 1 passed, 1 failed." in out
    assert "| `GET /v1/issues` | `rate_limit_headers` | no RateLimit header |" in out


def test_one_document_against_a_folder_compares_its_namesake_only(spec_copy: Path) -> None:
    edit_yaml(spec_copy / "components.yaml", remove_session_page_title)
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy / "v1.yaml"), "--no-lint")
    assert code == 1
    assert "### `v1`" in out and "### `internal`" not in out
    assert "hissuno-document-removed" not in out


def test_a_document_missing_from_a_folder_is_a_breaking_change(spec_copy: Path) -> None:
    (spec_copy / "v1.yaml").unlink()
    code, out, _ = review("--base", str(spec_dir()), "--head", str(spec_copy), "--no-lint")
    assert code == 1
    assert "hissuno-document-removed" in out
    assert "the document was removed" in out
