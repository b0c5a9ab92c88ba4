"""The pull-request workflow is valid and does what the README says: lint, review, mock, conformance,
review again with the conformance result, and post the report as a comment.

There is no GitHub runner here, so the test checks the structure GitHub requires (trigger, jobs, steps
with exactly one of ``uses``/``run``) and that every ``hissuno-contract review`` option the workflow uses
exists on the command.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from contract.cli import app

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "contract.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def runs(steps: list[dict[str, Any]]) -> str:
    return "\n".join(step.get("run", "") for step in steps)


def test_triggers_on_pull_requests_touching_openapi_or_the_waivers(workflow: dict[str, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert set(triggers) == {"pull_request"}
    assert triggers["pull_request"]["paths"] == ["openapi/**", ".hissuno-review-ignore.yaml"]
    assert workflow["permissions"]["pull-requests"] == "write"


def test_job_and_steps_are_well_formed(workflow: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    assert list(workflow["jobs"]) == ["review"]
    job = workflow["jobs"]["review"]
    assert job["runs-on"] == "ubuntu-latest"
    ids = [step["id"] for step in steps if "id" in step]
    assert len(ids) == len(set(ids))
    for step in steps:
        assert step.get("name"), step
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]
    referenced = set(re.findall(r"steps\.([\w-]+)\.", WORKFLOW.read_text()))
    assert referenced <= set(ids)


def test_checkout_and_python(steps: list[dict[str, Any]]) -> None:
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.11"


def test_steps_run_in_order(steps: list[dict[str, Any]]) -> None:
    script = runs(steps)
    order = [
        "make lint",
        "hissuno-contract review --base origin/${{ github.base_ref }} --format markdown > review.md",
        ".venv/bin/hissuno-mock serve",
        "hissuno-conformance run --base-url http://127.0.0.1:4010 --mock-keys --profile quick --json conformance.json",
        "--conformance-json conformance.json",
    ]
    positions = [script.index(fragment) for fragment in order]
    assert positions == sorted(positions)
    assert "curl -fsS http://127.0.0.1:4010/__mock/keys" in script  # waits for the mock


def test_report_is_posted_as_a_comment_even_when_something_failed(steps: list[dict[str, Any]]) -> None:
    comment = next(step for step in steps if "sticky-pull-request-comment" in step.get("uses", ""))
    assert comment["with"]["path"] == "review.md"
    assert comment["if"].startswith("always()")
    last = steps[-1]
    assert last["if"] == "always()" and "steps.final.outputs.exit" in last["run"]


def test_review_options_used_by_the_workflow_exist(steps: list[dict[str, Any]]) -> None:
    command = get_command(app).commands["review"]  # type: ignore[attr-defined]
    known = {option for parameter in command.params for option in (*parameter.opts, *parameter.secondary_opts)}
    calls = [line for line in runs(steps).splitlines() if "hissuno-contract review" in line]
    assert len(calls) >= 3
    for call in calls:
        words = shlex.split(call.split(">")[0].replace('"${extra[@]}"', "--conformance-json x"))
        used = {word for word in words if word.startswith("--")}
        assert used <= known, used - known


def test_bundle_options_used_by_the_workflow_exist_and_the_artifacts_are_kept(steps: list[dict[str, Any]]) -> None:
    command = get_command(app).commands["bundle"]  # type: ignore[attr-defined]
    known = {option for parameter in command.params for option in parameter.opts}
    calls = [line for line in runs(steps).splitlines() if "hissuno-contract bundle" in line]
    assert len(calls) == 2
    for call in calls:
        used = {word for word in shlex.split(call.replace('"$api"', "v1")) if word.startswith("-")}
        assert used <= known, used - known
    assert "--format junit" in runs(steps)
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "contract-artifacts/" and upload["if"] == "always()"


def test_conformance_and_mock_options_used_by_the_workflow_exist(steps: list[dict[str, Any]]) -> None:
    from conformance.cli import app as conformance_app

    command = get_command(conformance_app).commands["run"]  # type: ignore[attr-defined]
    known = {option for parameter in command.params for option in (*parameter.opts, *parameter.secondary_opts)}
    call = next(line for line in runs(steps).splitlines() if "hissuno-conformance run" in line)
    used = {word for word in shlex.split(call) if word.startswith("--")}
    assert used <= known, used - known
    assert "serve" in runs(steps).split(".venv/bin/hissuno-mock", 1)[1].split()[0]
