"""The contract's own history passes its own review: HEAD against the first committed contract, with the version
bumps and the waivers (``.hissuno-review-ignore.yaml``) for what changed since. Needs the full git history."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from contract.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _first_contract_commit() -> str:
    listed = subprocess.run(["git", "-C", str(ROOT), "log", "--reverse", "--format=%H", "--", "openapi/"],
                            capture_output=True, text=True, check=True).stdout.split()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert listed and listed[0] != head, "the contract's history is missing: a shallow clone? (git fetch --unshallow)"
    return listed[0]


def _review(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["review", "--base", _first_contract_commit(), "--head", "HEAD", "--repo", str(ROOT),
                                 "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, json.loads(result.stdout)


def test_head_against_the_first_committed_contract_passes() -> None:
    code, report = _review()
    assert code == 0, report["problems"]
    v1 = next(document for document in report["documents"] if document["name"] == "v1")
    assert {item["rule_id"] for item in v1["waived"]} == {"request-parameter-min-items-set",
                                                           "request-property-max-length-set"}
    assert v1["version"]["ok"] and v1["version"]["given"] in ("minor", "major")
    assert report["waivers"] == []  # every waiver in force was used


def test_without_its_waivers_the_history_fails_on_the_v1_break(tmp_path: Path) -> None:
    empty = tmp_path / "none.yaml"
    empty.write_text("waivers: []\n")
    code, report = _review("--waivers", str(empty))
    assert code == 1
    assert any(re.search(r"v1: \d+ breaking changes? to /v1, which a version bump cannot make safe", problem)
               for problem in report["problems"])
