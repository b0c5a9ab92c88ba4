"""Waivers (``.hissuno-review-ignore.yaml``), ``--fail-on`` and the JUnit report, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from contract.cli import app
from contract.spec import spec_dir
from tests.review.conftest import bumped, contract_version
from tests.support.yaml_edit import edit_yaml, set_version

runner = CliRunner()
PAGE_TITLE = "/components/schemas/Session/properties/page_title"


def review(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["review", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def remove_page_title(components: dict) -> None:
    del components["components"]["schemas"]["Session"]["properties"]["page_title"]


def widen_session_name(components: dict) -> None:
    components["components"]["schemas"]["Session"]["properties"]["name"]["maxLength"] = 500  # a response warning


def waiver_file(folder: Path, *entries: str) -> Path:
    path = folder / ".hissuno-review-ignore.yaml"
    path.write_text("waivers:\n" + "".join(entries), encoding="utf-8")
    return path


PAGE_TITLE_WAIVERS = (
    f"  - rule: response-optional-property-removed\n    location: {PAGE_TITLE}\n"
    "    reason: Never filled in; the frontend does not read it.\n",
    f"  - rule: hissuno-webhook-payload-field-removed\n    location: {PAGE_TITLE}\n"
    "    reason: Never filled in; no receiver reads it.\n",
)


@pytest.fixture
def removed(spec_copy: Path) -> Path:
    """The contract with a response field removed (breaking for /v1 and internal), and the patch bump any
    edit needs."""
    edit_yaml(spec_copy / "components.yaml", remove_page_title)
    edit_yaml(spec_copy / "v1.yaml", set_version(bumped(contract_version("v1"), "patch")))
    return spec_copy


def test_waived_breaking_changes_pass_and_are_shown_with_their_reason(removed: Path, tmp_path: Path) -> None:
    waivers = waiver_file(tmp_path, *PAGE_TITLE_WAIVERS)
    args = ("--base", str(spec_dir()), "--head", str(removed), "--no-lint")
    code, out, _ = review(*args, "--waivers", str(waivers))
    assert code == 0, out
    assert "<summary><b>Waived (2)</b></summary>" in out and "Every change is waived (below)." in out
    assert "Never filled in; the frontend does not read it." in out
    code, out, _ = review(*args, "--format", "json", "--waivers", str(waivers))
    v1 = json.loads(out)["documents"][0]
    assert {item["rule_id"] for item in v1["waived"]} >= {"response-optional-property-removed"}
    assert not [change for change in v1["changes"] if change["level"] == "breaking"]
    assert review(*args)[0] == 1  # without the waivers, the same change fails


def test_a_location_pattern_covers_every_place_it_matches(removed: Path, tmp_path: Path) -> None:
    waivers = waiver_file(tmp_path, "  - rule: '*-removed'\n    location: /components/schemas/Session/properties/*\n"
                                    "    reason: Never filled in.\n")
    code, out, _ = review("--base", str(spec_dir()), "--head", str(removed), "--no-lint", "--waivers", str(waivers))
    assert code == 1, out  # the rule id is not a pattern: nothing is waived
    waivers = waiver_file(tmp_path, *(entry.replace(PAGE_TITLE, "/components/schemas/Session/properties/page_*")
                                      for entry in PAGE_TITLE_WAIVERS))
    code, out, _ = review("--base", str(spec_dir()), "--head", str(removed), "--no-lint", "--waivers", str(waivers))
    assert code == 0, out


def test_the_waiver_file_in_the_repository_is_read_by_default(removed: Path) -> None:
    repo = removed.parent
    waiver_file(repo, *PAGE_TITLE_WAIVERS)
    code, out, _ = review("--base", str(spec_dir()), "--head", str(removed), "--no-lint", "--repo", str(repo))
    assert code == 0, out


def test_an_expired_waiver_no_longer_covers_and_says_so(removed: Path, tmp_path: Path) -> None:
    expired = [entry + "    expires: 2020-01-01\n" for entry in PAGE_TITLE_WAIVERS]
    waivers = waiver_file(tmp_path, *expired)
    code, out, _ = review("--base", str(spec_dir()), "--head", str(removed), "--no-lint", "--waivers", str(waivers))
    assert code == 1
    assert "### Waivers" in out and "expired on 2020-01-01; the finding counts again" in out


def test_an_unused_waiver_is_a_warning_that_fails_only_with_fail_on_warning(spec_copy: Path, tmp_path: Path) -> None:
    waivers = waiver_file(tmp_path, PAGE_TITLE_WAIVERS[0])
    args = ("--base", str(spec_dir()), "--head", str(spec_copy), "--no-lint", "--waivers", str(waivers))
    code, out, _ = review(*args)
    assert code == 0, out
    assert "covers nothing in this review; remove it" in out
    code, out, _ = review(*args, "--fail-on", "warning")
    assert code == 1 and "stale waiver" in out
    code, out, _ = review(*args, "--format", "github")
    assert f"::warning file={waivers},line=2,title=waivers%3A hissuno-waiver-unused::" in out


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (f"  - rule: x\n    location: {PAGE_TITLE}\n", ":2: a waiver needs a `reason` saying why"),
        (f"  - rule: x\n    location: {PAGE_TITLE}\n    reason: r\n    until: 2030-01-01\n",
         "unknown waiver field 'until'"),
        (f"  - rule: x\n    location: {PAGE_TITLE}\n    reason: r\n    expires: soon\n", "`expires` must be a date"),
        ("  - just a line\n", "a waiver is a mapping"),
    ],
)
def test_a_malformed_waiver_file_is_one_line_and_exit_2(tmp_path: Path, entry: str, said: str) -> None:
    waivers = waiver_file(tmp_path, entry)
    code, _, err = review("--base", str(spec_dir()), "--head", str(spec_dir()), "--waivers", str(waivers))
    assert code == 2 and said in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("level", ["warning", "WARN", "warn"])
def test_fail_on_warning_fails_on_a_warning_that_breaking_lets_pass(spec_copy: Path, level: str) -> None:
    edit_yaml(spec_copy / "components.yaml", widen_session_name)
    edit_yaml(spec_copy / "v1.yaml", set_version(bumped(contract_version("v1"), "minor")))
    args = ("--base", str(spec_dir()), "--head", str(spec_copy), "--no-lint")
    code, out, _ = review(*args)
    assert code == 0, out
    assert "response-property-max-length-increased" in out or "Warnings" in out
    for fail_on in ("breaking", "ERR"):
        assert review(*args, "--fail-on", fail_on)[0] == 0
    code, out, _ = review(*args, "--fail-on", level)
    assert code == 1 and "(--fail-on warning)" in out


def test_an_unknown_fail_on_level_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from contract.cli_style import run

    with pytest.raises(SystemExit) as exited:
        run(app, "hissuno-contract", ["review", "--base", str(spec_dir()), "--fail-on", "loud"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "'loud' is not one of breaking, warning" in err
    assert err.startswith("hissuno-contract: error: ") and len(err.strip().splitlines()) == 1


def test_junit_has_a_failure_per_counted_finding_and_skips_waived_ones(removed: Path, tmp_path: Path) -> None:
    args = ("--base", str(spec_dir()), "--head", str(removed), "--no-lint", "--format", "junit")
    code, out, _ = review(*args)
    assert code == 1
    root = ElementTree.fromstring(out.split("\n", 1)[1])
    assert root.tag == "testsuites" and int(root.get("failures", "0")) > 0
    v1 = next(suite for suite in root if suite.get("name") == "contract review: v1")
    failed = [case for case in v1 if case.find("failure") is not None]
    assert {case.get("name").split(" at ")[0] for case in failed} >= {"response-optional-property-removed"}
    assert int(v1.get("tests", "0")) == len(list(v1)) and int(v1.get("failures", "0")) == len(failed)
    internal = next(suite for suite in root if suite.get("name") == "contract review: internal")
    assert not [case for case in internal if case.find("failure") is not None]  # reported only

    waivers = waiver_file(tmp_path, *PAGE_TITLE_WAIVERS)
    code, out, _ = review(*args, "--waivers", str(waivers))
    assert code == 0, out
    v1 = next(suite for suite in ElementTree.fromstring(out.split("\n", 1)[1]) if suite.get("name").endswith("v1"))
    skipped = [case.find("skipped") for case in v1 if case.find("skipped") is not None]
    assert len(skipped) == 2 and all(item.get("message").startswith("waived: Never filled in") for item in skipped)
    assert v1.get("failures") == "0"
