"""``hissuno-conformance webhook-receiver`` against sample receivers built on the standardwebhooks library: the
correct one passes, each broken one fails with the check that names its bug, and the command behaves like ``run``
(exit codes, one-line errors, the JSON, JUnit and Markdown reports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance import receiver_check
from conformance.cli import run_cli
from conformance.operations import Contract
from conformance.webhook_contract import registrations
from contract import standard_webhooks
from tests.support import sample_receivers as samples
from tests.support.servers import free_port

SECRET = standard_webhooks.new_secret()
EVENT_TYPES = registrations(Contract.load("v1"))[0].event_types
EVERY_CHECK = {check.name for check in receiver_check.RECEIVER_CHECKS}


def _run(url: str, tmp_path: Path, *extra: str, secret: str = SECRET) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "receiver.json"
    code = run_cli(["webhook-receiver", "--url", url, "--secret", secret, "--timeout", "2", "--json", str(out), *extra])
    return code, json.loads(out.read_text())


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {result["check"]: result["status"] for result in report["results"]}


def test_the_sample_receiver_passes_every_check(tmp_path: Path) -> None:
    with samples.SampleReceiver(SECRET, EVENT_TYPES) as receiver:
        code, report = _run(receiver.url, tmp_path)
    assert code == 0, report["failures"]
    assert _statuses(report) == dict.fromkeys(EVERY_CHECK, "passed")
    # One delivery acknowledged; the replay, tampered, wrong-signature, two timestamps and unknown type refused.
    assert receiver.answers == [204, 409, 400, 400, 400, 400, 422]


@pytest.mark.parametrize(
    ("broken", "failing"),
    [
        (samples.IgnoresTimestamp, {"receiver.rejects_stale_timestamp"}),
        (samples.NoReplayProtection, {"receiver.rejects_replay"}),
        (samples.AcceptsEverything, EVERY_CHECK - {"receiver.accepts_valid"}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_each_broken_receiver_fails_with_the_check_naming_its_bug(
    broken: type[samples.SampleReceiver], failing: set[str], tmp_path: Path
) -> None:
    with broken(SECRET, EVENT_TYPES) as receiver:
        code, report = _run(receiver.url, tmp_path)
    assert code == 1
    statuses = _statuses(report)
    assert {name for name, status in statuses.items() if status == "failed"} == failing
    assert {name for name, status in statuses.items() if status == "passed"} == EVERY_CHECK - failing
    failure = report["failures"][0]
    assert "expected a refusal" in failure["message"] and "webhook-signature:" in failure["curl"]


def test_the_replay_is_the_valid_delivery_byte_for_byte(tmp_path: Path) -> None:
    with samples.NoReplayProtection(SECRET, EVENT_TYPES) as receiver:
        _, report = _run(receiver.url, tmp_path)
    replay = next(f for f in report["failures"] if f["check"] == "receiver.rejects_replay")
    assert "same webhook-id" in replay["message"] and "was answered 204" in replay["message"]


def test_unknown_event_types_are_refused_unless_the_flag_says_they_are_acknowledged(tmp_path: Path) -> None:
    with samples.SampleReceiver(SECRET, EVENT_TYPES, acknowledge_unknown=True) as lenient:
        code, report = _run(lenient.url, tmp_path)
        assert code == 1
        assert {f["check"] for f in report["failures"]} == {"receiver.unknown_event_type"}
        code, report = _run(lenient.url, tmp_path, "--acknowledge-unknown-events")
        assert code == 0, report["failures"]
    with samples.SampleReceiver(SECRET, EVENT_TYPES) as strict:
        code, report = _run(strict.url, tmp_path, "--acknowledge-unknown-events")
    assert code == 1
    assert [f["check"] for f in report["failures"]] == ["receiver.unknown_event_type"]
    assert "expected 2xx (--acknowledge-unknown-events)" in report["failures"][0]["message"]


def test_a_receiver_that_refuses_the_valid_delivery_proves_no_refusal(tmp_path: Path) -> None:
    """Refusing everything is not verifying: the valid delivery fails and the refusals are skipped, never passed."""
    with samples.RefusesEverything(SECRET, EVENT_TYPES) as receiver:
        code, report = _run(receiver.url, tmp_path)
    assert code == 1
    statuses = _statuses(report)
    assert statuses.pop("receiver.accepts_valid") == "failed"
    assert set(statuses.values()) == {"skipped"}
    assert report["passed"] == 0 and report["score"] == 0


def test_a_receiver_with_another_secret_fails_the_valid_delivery(tmp_path: Path) -> None:
    with samples.SampleReceiver(standard_webhooks.new_secret(), EVENT_TYPES) as receiver:
        code, report = _run(receiver.url, tmp_path)
    assert code == 1
    assert "a valid delivery was answered 400" in report["failures"][0]["message"]


def test_an_answer_slower_than_the_budget_counts_as_none(tmp_path: Path) -> None:
    with samples.SlowReceiver(SECRET, EVENT_TYPES, delay=1.0) as receiver:
        code, report = _run(receiver.url, tmp_path, "--timeout", "0.3")
    assert code == 1
    assert _statuses(report)["receiver.accepts_valid"] == "failed"
    assert "got no answer (nothing within 0.3 s)" in report["failures"][0]["message"]


def test_reports_are_those_of_run(tmp_path: Path) -> None:
    with samples.NoReplayProtection(SECRET, EVENT_TYPES) as receiver:
        code = run_cli(["webhook-receiver", "--url", receiver.url, "--secret", SECRET,
                        "--junit", str(tmp_path / "r.xml"), "--report", str(tmp_path / "r.md")])
    assert code == 1
    junit = (tmp_path / "r.xml").read_text()
    assert junit.count("<testcase") == len(EVERY_CHECK) and junit.count("<failure") == 1
    markdown = (tmp_path / "r.md").read_text()
    assert "### `receiver.rejects_replay` on `POST " in markdown and "| receiver | `POST " in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "127.0.0.1:9/hooks", "--secret", SECRET], "--url '127.0.0.1:9/hooks' is not an http://"),
        (["--url", "http://127.0.0.1:9/h", "--secret", "hunter2"], "--secret must start with 'whsec_'"),
        (["--url", "http://127.0.0.1:9/h", "--secret", "whsec_%%%"], "--secret must be 'whsec_' followed by base64"),
        (["--url", "http://127.0.0.1:9/h", "--secret", SECRET, "--event-type", "nope"], "'nope' is not an event"),
        (["--url", "http://127.0.0.1:9/h", "--secret", SECRET, "--timeout", "0"], "Invalid value for '--timeout'"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["webhook-receiver", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and message in err, err


def test_an_endpoint_nothing_listens_on_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks"
    assert run_cli(["webhook-receiver", "--url", url, "--secret", SECRET]) == 2
    err = capsys.readouterr().err
    assert err == f"hissuno-conformance: error: cannot reach {url}: connection refused\n"


def test_readme_lists_every_receiver_check_with_what_it_proves() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Checking your webhook receiver", 1)[1].split("\n### ", 1)[0]
    for check in receiver_check.RECEIVER_CHECKS:
        assert f"| `{check.name}` | {check.proves} |" in section, check.name
