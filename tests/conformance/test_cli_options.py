"""The command line as a staging user meets it: its flags and their environment variables, what it records, how it
reports a bad argument, and how it stops on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from conformance.cli import app, run_cli
from tests.conformance.doubles.serve import double_process
from tests.support.apps import hermetic_app
from tests.support.servers import free_port, live_mock

PROGRAM = [str(Path(sys.executable).with_name("hissuno-conformance"))]


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--version"]) == 0
    assert capsys.readouterr().out.strip() == "hissuno-conformance 0.1.0"


@pytest.mark.parametrize("url", ["127.0.0.1:4010", "ftp://127.0.0.1:4010", "http://"])
def test_a_base_url_without_an_http_scheme_is_one_line_and_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["run", "--base-url", url, "--api-key", "hss_x", "--api", "v1"]) == 2
    assert f"--base-url {url!r} is not an http:// or https:// URL" in _one_line(capsys)


def test_every_option_reads_an_environment_variable_shown_in_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    run_cli(["run", "--help"])
    help_text = capsys.readouterr().out
    import typer.main

    command = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    for parameter in command.params:
        if parameter.name in ("help",):
            continue
        variable = parameter.envvar or ("HISSUNO_HEADERS" if parameter.name == "header" else None)
        assert variable and str(variable).startswith("HISSUNO_"), parameter.name
        assert str(variable) in help_text, f"{variable} is not shown in --help"


def test_the_environment_fills_in_what_the_flags_leave_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HISSUNO_BASE_URL", "127.0.0.1:9")
    monkeypatch.setenv("HISSUNO_HEADERS", "X-One: 1\nnot a header")
    assert run_cli(["run", "--api-key", "hss_x"]) == 2
    assert "'127.0.0.1:9' is not an http" in _one_line(capsys)
    monkeypatch.setenv("HISSUNO_BASE_URL", "http://127.0.0.1:9")
    assert run_cli(["run", "--api-key", "hss_x"]) == 2
    assert "--header 'not a header' is not a header" in _one_line(capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--include-operation", "listThings"], "--include/--exclude-operation 'listThings' matches no operationId"),
        (["--exclude-operation", "*"], "leave no operation to check"),
        (["--known-divergences", "/nonexistent.yaml"], "cannot read the register /nonexistent.yaml"),
        (["--cacert", "/nonexistent.pem"], "Invalid value for '--cacert'"),
        (["--request-timeout", "0"], "Invalid value for '--request-timeout'"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["run", "--base-url", "http://127.0.0.1:9", "--api-key", "hss_x", "--api", "v1", *args]) == 2
    assert message in _one_line(capsys)


def test_headers_filters_examples_and_the_har_recording_against_a_live_mock(tmp_path: Path) -> None:
    """What a staging run needs: a header on every request (Schemathesis' and ours), the operations and checks
    asked for only, fewer examples, and every exchange recorded (keys filtered) in a HAR file in a new folder."""
    har, report = tmp_path / "records" / "run.har", tmp_path / "reports" / "deep" / "run.json"
    with live_mock() as mock:
        code = run_cli(
            ["run", "--base-url", mock.base_url, "--mock-keys", "--api", "v1", "--header", "X-Trace: staging 42",
             "--include-operation", "*Session*", "--exclude-operation", "c*Session", "--exclude-operation",
             "updateSession", "--checks",
             "schemathesis,auth.missing_key", "--max-examples", "2", "--har", str(har), "--json", str(report),
             "--seed", "7", "--no-progress"]
        )  # fmt: skip
        short = run_cli(["run", "--base-url", mock.base_url, "--mock-keys", "--api", "v1", "--include-operation",
                         "listSessions", "--checks", "schemathesis", "--max-examples", "1", "--require-coverage", "95",
                         "--seed", "7", "--no-progress"])  # fmt: skip
    assert code == 0
    assert short == 1, "the quick profile does not run unsupported_method: coverage is below 95 %"
    data = json.loads(report.read_text())
    assert {r["operation_id"] for r in data["results"]} == {"listSessions", "getSession"}
    entries = json.loads(har.read_text())["log"]["entries"]
    ours = [e for e in entries if e.get("comment") == "hissuno-conformance check"]
    assert ours and len(ours) < len(entries), "both Schemathesis' exchanges and ours are recorded"
    for entry in entries:
        headers = {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}
        assert headers.get("x-trace") == "staging 42"
        assert "hss_" not in json.dumps(entry["request"]), "keys are filtered out of the recording"
    methods_and_paths = {
        (e["request"]["method"], e["request"]["url"].split("?")[0].rsplit("/v1/", 1)[-1]) for e in entries
    }
    assert ("POST", "sessions") not in methods_and_paths


@pytest.fixture
def https_mock(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The mock over TLS with a self-signed certificate (made by the openssl command), and that certificate."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    config = uvicorn.Config(hermetic_app(), host="127.0.0.1", port=port, log_level="error", ssl_keyfile=str(key),
                            ssl_certfile=str(cert), lifespan="on", timeout_graceful_shutdown=1)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"https://127.0.0.1:{port}", cert
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_tls_is_verified_against_the_system_store_a_cacert_or_not_at_all(
    https_mock: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, cert = https_mock
    small = ["run", "--base-url", url, "--mock-keys", "--api", "v1", "--include-operation", "listSessions",
             "--checks", "auth.missing_key,not_a_server_error", "--max-examples", "1", "--no-progress"]  # fmt: skip
    assert run_cli(small) == 2
    err = _one_line(capsys)
    assert "cannot reach https://127.0.0.1" in err and "certificate verify failed" in err
    assert run_cli([*small, "--cacert", str(cert)]) == 0
    assert run_cli([*small, "--no-tls-verify"]) == 0


def test_ctrl_c_stops_within_two_seconds_with_partial_reports_marked_interrupted(tmp_path: Path) -> None:
    reports = tmp_path / "new" / "folder"
    with double_process("slow") as slow:
        reports_args = ["--json", str(reports / "r.json"), "--junit", str(reports / "r.xml"), "--report",
                        str(reports / "r.md"), "--har", str(reports / "r.har")]  # fmt: skip
        process = subprocess.Popen(
            [*PROGRAM, "run", "--base-url", slow.url, "--mock-keys", "--checks", "schemathesis,auth", *reports_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "COLUMNS": "200", "PYTHONFAULTHANDLER": "1"},
            # A shell's background job (`make test &`) ignores SIGINT, and a child would inherit that: the command
            # gets Ctrl-C as a terminal would send it.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            if "v1: Schemathesis: started" in line:
                break
        time.sleep(1.0)
        interrupted_at = time.monotonic()
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # the fault handler prints every thread's stack
            raise AssertionError("still running 30 s after Ctrl-C:\n" + process.communicate()[0][-8000:]) from None
        stopped_in = time.monotonic() - interrupted_at
    assert process.returncode == 130
    assert stopped_in < 2.0
    data = json.loads((reports / "r.json").read_text())
    assert data["interrupted"] is True and data["conformant"] is False
    assert any("interrupted (Ctrl-C)" in r["message"] for r in data["results"] if r["status"] == "skipped")
    assert "Interrupted" in (reports / "r.md").read_text()
    assert "interrupted" in (reports / "r.xml").read_text()
    assert json.loads((reports / "r.har").read_text())["log"]["entries"]
