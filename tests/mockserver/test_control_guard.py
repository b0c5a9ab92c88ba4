"""The ``/__mock/`` controls are not open to every web page (issue 13, item 4): allowed origins and ``Host`` names
only, no simple cross-site state change, an optional token; the API's own CORS stays open to any origin."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from typer.testing import CliRunner

from mockserver.cli import cli
from tests.support.client import MockClient
from tests.support.keys import Keys
from tests.support.servers import live_mock

EVIL = "https://evil.example"
LOCAL = "http://localhost:5173"
SESSION = {"customer_email": "jane@example.com", "message": "Still here?"}
JSON_BODY = {"json": {}}


def created_session(client: MockClient, keys: Keys) -> str:
    return client.post("/v1/sessions", key=keys.get("proj_northwind", "standard"), json=SESSION).json()["id"]


def still_there(client: MockClient, keys: Keys, session_id: str) -> bool:
    return client.get(f"/v1/sessions/{session_id}", key=keys.get("proj_northwind", "standard")).status_code == 200


# --- state changes from web pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "content", "status"), [
    ({"Origin": EVIL, "Content-Type": "text/plain"}, b"{}", 403),  # the example: a form on any page
    ({"Origin": "null", "Content-Type": "application/x-www-form-urlencoded"}, b"a=1", 403),  # a sandboxed frame
    ({"Origin": EVIL, "Content-Type": "application/json"}, b"{}", 403),
    ({"Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"}, b"", 403),
    ({"Content-Type": "text/plain"}, b"{}", 415),  # no Origin: still not a request a page sends with permission
    ({"Content-Type": "multipart/form-data; boundary=b"}, b"--b--\r\n", 415),
    ({}, b"", 415),
])
def test_simple_and_cross_site_requests_do_not_reset_the_mock(client: MockClient, keys: Keys, headers: dict,
                                                             content: bytes, status: int) -> None:
    session_id = created_session(client, keys)
    answer = client.post("/__mock/reset", headers=headers, content=content)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json" and answer.json()["error"].endswith(".")
    assert "access-control-allow-origin" not in answer.headers
    assert still_there(client, keys, session_id)


@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},
    {"Content-Type": "application/json; charset=utf-8", "Origin": LOCAL, "Sec-Fetch-Site": "same-site"},
    {"X-Hissuno-Mock": "1"},
    {"X-Hissuno-Mock": "1", "Origin": "http://127.0.0.1:3000"},
])
def test_local_pages_and_tools_still_reset(client: MockClient, keys: Keys, headers: dict) -> None:
    session_id = created_session(client, keys)
    answer = client.post("/__mock/reset", headers=headers, content=b"{}" if "Content-Type" in headers else b"")
    assert answer.status_code == 200 and answer.json()["reset"] is True
    assert not still_there(client, keys, session_id)
    if "Origin" in headers:
        assert answer.headers["access-control-allow-origin"] == headers["Origin"]


# --- CORS --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [LOCAL, "http://127.0.0.1:8080", "http://[::1]:3000", "http://localhost"])
def test_controls_answer_cors_for_local_origins(client: MockClient, origin: str) -> None:
    answer = client.get("/__mock/keys", headers={"Origin": origin})
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == origin
    preflight = client.request("OPTIONS", "/__mock/reset", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == origin
    assert "POST" in preflight.headers["access-control-allow-methods"]


@pytest.mark.parametrize("origin", [EVIL, "http://localhost.evil.example:5173", "http://127.0.0.1:5173.evil.example",
                                    "https://localhost:5173", "null", "http://evil.localhost:5173"])
def test_controls_refuse_other_origins_and_their_preflights(client: MockClient, origin: str) -> None:
    for method, path in (("GET", "/__mock/keys"), ("GET", "/__mock/deliveries")):
        answer = client.request(method, path, headers={"Origin": origin})
        assert answer.status_code == 403 and "access-control-allow-origin" not in answer.headers
        assert "--cors-origin" in answer.json()["error"]
    preflight = client.request("OPTIONS", "/__mock/reset", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403 and preflight.headers["content-type"] == "application/json"
    assert "access-control-allow-origin" not in preflight.headers


def test_a_preflight_for_a_method_the_controls_lack_is_refused_as_json(client: MockClient) -> None:
    preflight = client.request("OPTIONS", "/__mock/reset", headers={
        "Origin": LOCAL, "Access-Control-Request-Method": "PUT"})
    assert preflight.status_code == 403 and preflight.json()["error"].startswith("Disallowed CORS method")


def test_cors_origin_adds_an_origin_and_the_api_stays_open_to_any(make_client, keys: Keys) -> None:
    client = make_client(cors_origins=("http://dev.test:*",))
    assert client.get("/__mock/keys", headers={"Origin": "http://dev.test:5173"}).status_code == 200
    assert client.get("/__mock/keys", headers={"Origin": "http://other.test:5173"}).status_code == 403
    api = client.get("/v1/sessions?limit=1", key=keys.get("proj_northwind", "standard"), headers={"Origin": EVIL})
    assert api.status_code == 200 and api.headers["access-control-allow-origin"] == EVIL


# --- Host (DNS rebinding) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:4010", "localhost.evil.example",
                                  "127.0.0.1.nip.io", "mock", "localhostx"])
def test_controls_refuse_a_host_that_is_not_this_mock(client: MockClient, host: str) -> None:
    answer = client.get("/__mock/keys", headers={"Host": host})
    assert answer.status_code == 403 and "DNS rebinding" in answer.json()["error"]
    assert client.get("/v1/openapi.json", headers={"Host": host}).status_code == 200  # only the controls


@pytest.mark.parametrize("host", ["localhost", "localhost:4010", "127.0.0.1:4010", "[::1]:4010", "app.localhost",
                                  "192.168.1.20:4010", "[fd00::5]", "LOCALHOST."])
def test_controls_answer_local_names_and_addresses(client: MockClient, host: str) -> None:
    assert client.get("/__mock/keys", headers={"Host": host}).status_code == 200


def test_the_bound_host_and_allowed_hosts_are_answered(make_client) -> None:
    client = make_client(host="devbox.lan", allowed_hosts=("mock", "*.internal.test"))
    for host in ("devbox.lan:4010", "mock:4010", "a.internal.test", "b.a.internal.test"):
        assert client.get("/__mock/keys", headers={"Host": host}).status_code == 200, host
    assert client.get("/__mock/keys", headers={"Host": "internal.test.evil"}).status_code == 403


# --- the token ---------------------------------------------------------------------------------------------------


def test_the_control_token_guards_every_control(make_client, keys: Keys) -> None:
    client = make_client(control_token="s3cret-token")
    for method, path in (("GET", "/__mock/keys"), ("GET", "/__mock/deliveries"), ("POST", "/__mock/reset")):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token"}):
            answer = client.request(method, path, headers=headers, **JSON_BODY)
            assert answer.status_code == 401 and "control token" in answer.json()["error"], (path, headers)
        allowed = client.request(method, path, headers={"Authorization": "Bearer s3cret-token"}, **JSON_BODY)
        assert allowed.status_code == 200, path
    assert client.get("/v1/sessions?limit=1", key=keys.get("proj_northwind", "standard")).status_code == 200


# --- the command line --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--webhook-allow", "hooks.example.com:port"], "webhook allow entry 'hooks.example.com:port'"),
    (["--cors-origin", "dev.test:5173"], "CORS origin 'dev.test:5173'"),
    (["--allow-host", "a/b"], "allowed host 'a/b'"),
    (["--control-token", "two words"], "control token"),
])
def test_bad_guard_flags_are_one_line(args: list[str], message: str) -> None:
    result = subprocess.run([sys.executable, "-m", "mockserver.cli", "serve", *args], capture_output=True, text=True,
                            timeout=60)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and message in lines[0], result.stderr


def test_reset_sends_the_control_token() -> None:
    runner = CliRunner()
    with live_mock(control_token="tok-123") as mock:
        refused = runner.invoke(cli, ["reset", "--url", mock.base_url])
        flag = runner.invoke(cli, ["reset", "--url", mock.base_url, "--control-token", "tok-123"])
        variable = runner.invoke(cli, ["reset", "--url", mock.base_url], env={"HISSUNO_MOCK_CONTROL_TOKEN": "tok-123"})
        keys = httpx.get(f"{mock.base_url}/__mock/keys", timeout=10)
    assert refused.exit_code == 2 and "answered 401" in refused.output
    assert flag.exit_code == 0 and "proj_northwind" in flag.output
    assert variable.exit_code == 0
    assert keys.status_code == 401


def test_serving_beyond_loopback_warns_once() -> None:
    """Only 127.0.0.1 is ever called; the mock listens on every interface for a moment."""
    with live_mock("--host", "0.0.0.0", log_level=None) as mock:
        assert httpx.get(f"{mock.base_url}/__mock/keys", timeout=10).status_code == 200
    warnings = [line for line in mock.log.lines if "warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("hissuno-mock: warning: listening on 0.0.0.0: the fixture keys")
    assert "unguarded: set --control-token" in warnings[0]
    with live_mock(log_level=None) as quiet:
        pass
    assert not any("warning" in line for line in quiet.log.lines)
