"""``hissuno-mock``: keys, clear one-line errors, and serve/reset against a real process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from mockserver.cli import cli
from mockserver.settings import Settings, default_fixtures, env_var
from tests.support.servers import live_mock, mock_environment

runner = CliRunner()
MOCK = [sys.executable, "-m", "mockserver.cli"]


def test_keys_json_lists_every_key() -> None:
    result = runner.invoke(cli, ["keys", "--json"])
    assert result.exit_code == 0
    keys = json.loads(result.stdout)
    assert len(keys) == 18
    assert {k["status"] for k in keys} == {"active", "revoked", "expired"}
    assert all(set(k) == {"key", "project_id", "plan", "permission", "status", "label"} for k in keys)


def test_keys_table() -> None:
    result = runner.invoke(cli, ["keys"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PROJECT_ID", "PLAN", "PERMISSION", "STATUS", "LABEL", "KEY"]
    assert len(lines) == 19 and "hss_" in lines[1]


def test_keys_from_another_fixture_file(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(default_fixtures().read_text())
    result = runner.invoke(cli, ["keys", "--json", "--fixtures", str(path)])
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 18


@pytest.mark.parametrize(("args", "message"), [
    (["keys", "--fixtures", "/nonexistent/fixture.yaml"], "fixture file not found"),
    (["serve", "--fixtures", "/nonexistent/fixture.yaml"], "fixture file not found"),
    (["serve", "--rate-limit", "gold=1/minute"], "unknown plan 'gold'"),
    (["serve", "--rate-limit", "free"], "PLAN=LIMIT"),
    (["serve", "--workers", "2"], "in-memory store"),
    (["serve", "--state", "mongodb://localhost:27017"], "unknown store"),
    (["serve", "--state", "sqlite:///no/such/dir/mock.db"], "does not exist"),
    (["serve", "--port", "http"], "Invalid value for '--port'"),
    (["serve", "--bogus"], "No such option: --bogus"),
    (["nope"], "No such command 'nope'"),
])
def test_user_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = subprocess.run([*MOCK, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("hissuno-mock: error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("environ", "args", "message"), [
    ({"HISSUNO_MOCK_PORT": "http"}, [], "(env var: 'HISSUNO_MOCK_PORT')"),
    ({"HISSUNO_MOCK_VALIDATE_RESPONSES": "sometimes"}, [], "(env var: 'HISSUNO_MOCK_VALIDATE_RESPONSES')"),
    ({"HISSUNO_MOCK_LOG_LEVEL": "loud"}, [], "log level must be one of"),
    ({"HISSUNO_MOCK_RATE_LIMITS": "free=5/10seconds,gold=1/minute"}, [], "unknown plan 'gold'"),
    ({"HISSUNO_MOCK_STATE": "mongodb://localhost:27017"}, [], "unknown store"),
    # the flag wins over its variable: the flag's own mistake is reported
    ({"HISSUNO_MOCK_STATE": "mongodb://localhost:27017"}, ["--state", "sqlite:///no/such/dir/mock.db"],
     "does not exist"),
])
def test_variables_reach_serve_as_one_line_errors(environ: dict, args: list[str], message: str) -> None:
    result = subprocess.run([*MOCK, "serve", *args], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **environ})
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and message in lines[0], result.stderr


def test_serve_help_shows_every_variable() -> None:
    result = runner.invoke(cli, ["serve", "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    shown = " ".join(result.stdout.split())
    missing = [env_var(name) for name in Settings.__dataclass_fields__ if env_var(name) not in shown]
    assert missing == [], f"--help does not name {missing}"
    assert "[env var: HISSUNO_MOCK_PORT; default: 4010]" in shown


def test_keys_reads_the_fixture_variable_and_the_flag_wins(tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_text(default_fixtures().read_text().split("\n  - id: proj_lumen")[0] + "\n")
    from_variable = runner.invoke(cli, ["keys", "--json"], env={"HISSUNO_MOCK_FIXTURES": str(small)})
    flag_wins = runner.invoke(cli, ["keys", "--json", "--fixtures", str(default_fixtures())],
                              env={"HISSUNO_MOCK_FIXTURES": str(small)})
    assert from_variable.exit_code == 0 and len(json.loads(from_variable.stdout)) == 6
    assert flag_wins.exit_code == 0 and len(json.loads(flag_wins.stdout)) == 18


def test_version() -> None:
    result = subprocess.run([*MOCK, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("hissuno-mock ") and result.stdout.strip()[-1].isdigit()


def test_bad_fixture_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("projects: [unclosed\n")
    result = subprocess.run([*MOCK, "serve", "--fixtures", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    # the parser's own words: libyaml's ("did not find expected ',' or ']'") or pure Python's
    assert result.stderr.strip().startswith(f"hissuno-mock: error: {path}: not valid YAML at line 2, column 1: ")
    assert "expected ',' or ']'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_port_in_use_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([*MOCK, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"hissuno-mock: error: port {port} on 127.0.0.1 is already in use "
                                     f"(another mock running? try --port {port + 1})")


def test_serve_answers_and_reset_restores(tmp_path: Path) -> None:
    env = mock_environment(HISSUNO_MOCK_SEED="5", HISSUNO_MOCK_RATE_LIMITS="pro=1000/minute")
    key = {"Authorization": "Bearer hss_ivw74krcwb07bolzkrhcsuvrz8wj"}
    with live_mock("--cache-dir", str(tmp_path / "cache"), log_level=None, env=env) as mock:
        base = mock.base_url
        response = httpx.get(f"{base}/v1/sessions?limit=1", headers=key, timeout=10)
        assert response.status_code == 200 and response.headers["X-RateLimit-Limit"] == "1000"
        total = response.json()["total"]
        created = httpx.post(f"{base}/v1/sessions", headers=key, json={"customer_email": "a@b.io", "message": "x"})
        assert created.status_code == 201
        assert httpx.get(f"{base}/v1/sessions?limit=1", headers=key).json()["total"] == total + 1
        result = runner.invoke(cli, ["reset", "--url", base])
        assert result.exit_code == 0 and "proj_northwind" in result.stdout
        assert httpx.get(f"{base}/v1/sessions?limit=1", headers=key).json()["total"] == total
    log = [line for line in mock.log.lines if line.strip()]
    assert base in log[0]
    assert log[1:] == [], "quiet by default: no line per request"
    assert len(list((tmp_path / "cache" / "valid-openapi").iterdir())) == 2, "a verdict for each document"


def test_reset_of_an_unreachable_mock_is_one_line(free_port: int) -> None:
    result = runner.invoke(cli, ["reset", "--url", f"http://127.0.0.1:{free_port}"])
    assert result.exit_code == 2
    assert result.output.startswith(f"hissuno-mock: error: cannot reach the mock at http://127.0.0.1:{free_port}")


def test_keys_and_reset_read_their_variables(free_port: int) -> None:
    listing = runner.invoke(cli, ["keys"], env={"HISSUNO_MOCK_KEYS_JSON": "1"})
    assert listing.exit_code == 0 and len(json.loads(listing.stdout)) == 18
    unreachable = f"http://127.0.0.1:{free_port}"
    result = runner.invoke(cli, ["reset"], env={"HISSUNO_MOCK_URL": unreachable})
    assert result.exit_code == 2 and f"cannot reach the mock at {unreachable}" in result.output
