"""The suite against a backend that is not ours: a double of today's Hissuno backend (tests/conformance/doubles).

Without the register of known divergences the run fails on many checks; with it the run passes; the register
cannot rot: every entry is needed, and fixing a divergence makes its entry stale. The run is deterministic
(fixed seed, in-process), so its results can be judged again with a different register the way the run
judges them (``Register.judge`` for each result, then ``Register.findings``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conformance import engine
from conformance.operations import Contract
from conformance.profiles import PROFILES
from conformance.register import Register
from conformance.results import RunReport, Status
from conformance.target import Target
from tests.conformance.doubles.backend import PROJECT_A, PROJECT_B, Backend
from tests.conformance.doubles.serve import double_process

SEED = 7
REGISTER = Path(__file__).resolve().parents[2] / "conformance" / "divergences" / "hissuno-backend.yaml"


def _target(backend: Backend) -> Target:
    return Target(
        base_url="",
        api_key=backend.main_key,
        project_id=PROJECT_A,
        other_api_key=backend.other_key,
        other_project_id=PROJECT_B,
        revoked_key=backend.revoked_key,
        rate_limit_key=backend.spare_key,
        app=backend.app(),
    )


def _run(backend: Backend, register: Register | None = None) -> RunReport:
    options = engine.RunOptions(apis=("internal",), profile=PROFILES["quick"], seed=SEED, register=register)
    return engine.execute(_target(backend), options)


def _judged(report: RunReport, register: Register) -> RunReport:
    """The report as a run with this register would have judged it."""
    results = [
        register.judge(replace(r, status=Status.FAILED) if r.status is Status.KNOWN else r) for r in report.results
    ]
    judged = replace(report, results=results)
    judged.register_findings = register.findings(results)
    return judged


@pytest.fixture(scope="module")
def unregistered() -> RunReport:
    return _run(Backend())


def test_without_the_register_the_run_fails_on_many_distinct_checks(unregistered: RunReport) -> None:
    failing = unregistered.failed_checks()
    assert engine.exit_code(unregistered) == engine.EXIT_FAILED
    assert len(failing) >= 15, sorted(failing)
    assert {"envelope.list_shape", "ratelimit.window", "state.create_echo", "envelope.bad_body"} <= failing
    # The backend has no read-only or standard keys: those checks are skipped, never passed.
    read_only = [
        r for r in unregistered.results if r.check == "auth.read_only_read" and r.status is not Status.NOT_APPLICABLE
    ]
    assert read_only and {r.status for r in read_only} == {Status.SKIPPED}


def test_with_the_register_the_run_passes_and_every_failure_is_known(tmp_path: Path) -> None:
    paths = {"json": tmp_path / "out" / "r.json", "report": tmp_path / "out" / "r.md"}
    with double_process("backend") as backend:
        code = engine_cli(["--base-url", backend.url, *backend.keys, "--known-divergences", str(REGISTER)], paths)
    data = json.loads(paths["json"].read_text())
    assert code == 0, data["failures"]
    assert data["failed"] == 0 and data["known"] >= 40 and data["register"] == []
    assert data["score"] < 0.6, "known divergences are not passes"
    readiness = paths["report"].read_text().split("## Readiness", 1)[1]
    assert f"0 of {len(Contract.load('internal').operations)} operations meet the contract" in readiness
    assert "- [ ] known divergence lists-keyed-by-resource: Lists are keyed by resource" in readiness


def engine_cli(args: list[str], paths: dict[str, Path]) -> int:
    from conformance.cli import run_cli

    reports = [arg for name, path in paths.items() for arg in (f"--{name}", str(path))]
    return run_cli(["run", "--seed", str(SEED), "--no-progress", *args, *reports])


def test_removing_any_one_entry_makes_the_run_fail(unregistered: RunReport) -> None:
    register = Register.load(REGISTER, profile="quick")
    assert engine.exit_code(_judged(unregistered, register)) == engine.EXIT_CONFORMANT
    for entry in register.entries:
        without = replace(register, entries=tuple(e for e in register.entries if e is not entry))
        judged = _judged(unregistered, without)
        assert engine.exit_code(judged) == engine.EXIT_FAILED, f"{entry.id} covers nothing only it covers"
        assert judged.failed > 0


def test_fixing_a_divergence_makes_its_entry_stale_and_the_run_fail() -> None:
    report = _run(Backend(fixes={"non_uuid_issue_is_404"}), Register.load(REGISTER, profile="quick"))
    assert engine.exit_code(report) == engine.EXIT_FAILED
    assert report.failed == 0
    assert [(f.entry, f.kind) for f in report.register_findings] == [("non-uuid-issue-id-is-500", "stale")]
