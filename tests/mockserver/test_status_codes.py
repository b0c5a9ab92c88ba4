"""Every operation of both documents, driven to each status code the mock can produce.

Requests are built from the spec (paths, request-body examples), and every response goes through the
contract checker, so each status is also proven to be documented with the right headers and body.
"""

from __future__ import annotations

import re

import pytest

from contract.pointer import resolve
from contract.spec import DOCUMENTS, bundled, operations
from mockserver.app import create_app
from mockserver.settings import Settings
from tests.support.client import MockClient
from tests.support.keys import Keys

NW = "proj_northwind"
NW_OWNER = "owner@northwind.io"
# Operations with no body to read, so the test's later requests with a full key (a broken body, an empty one) run
# them again: a session closed or under review is a 409 the second time.
REPEATS_CONFLICT = {"closeSession", "reviewSession"}
OPERATIONS = [(name, path, method, op) for name in DOCUMENTS for path, method, op in operations(bundled(name))]


def example_body(document: dict, operation: dict) -> dict:
    body = resolve(document, operation["requestBody"])["content"]["application/json"]
    example = next(iter(body["examples"].values()))
    return resolve(document, example)["value"]


def concrete(client: MockClient, keys: Keys, path: str, *, missing: bool = False) -> str:
    """The path with its parameters filled in: own project, and an existing (or a missing) resource id."""
    key = keys.get(NW, "full")
    if "{webhookId}" in path:
        webhook = "whk_missing" if missing else client.post("/v1/webhooks", key=key, json={
            "url": "https://hooks.example.com/x", "events": ["session.created"]}).json()["id"]
        path = path.replace("{webhookId}", webhook)
    if "{keyId}" in path:
        created = client.post(f"/api/projects/{NW}/api-keys", key=key, json={"name": "status codes"})
        path = path.replace("{keyId}", "key_missing" if missing else created.json()["id"])
    for name, resource in (("{sessionId}", "sessions"), ("{issueId}", "issues"), ("{sourceId}", "knowledge-sources")):
        if name in path:
            found = "x_missing" if missing else client.get(f"/v1/{resource}?limit=1", key=key).json()["data"][0]["id"]
            path = path.replace(name, found)
    return path.replace("{projectId}", NW)


def send(client: MockClient, method: str, path: str, key: str | None, body=None, **kwargs) -> int:
    return client.request(method.upper(), path, key=key, json=body, **kwargs).status_code


def accepts_empty_object(document: dict, operation: dict) -> bool:
    """Whether ``{}`` is a valid body (every field optional, as for an upvote)."""
    body = resolve(document, operation["requestBody"])["content"]["application/json"]
    schema = resolve(document, body["schema"])
    return not schema.get("required") and not schema.get("minProperties") and "oneOf" not in schema


def success_status(operation: dict) -> int:
    return int(next(code for code in operation["responses"] if code.startswith("2")))


@pytest.mark.parametrize(("name", "template", "method", "operation"), OPERATIONS,
                         ids=[f"{n}:{op['operationId']}" for n, _, _, op in OPERATIONS])
def test_each_status_the_mock_produces(client: MockClient, keys: Keys, name: str, template: str, method: str,
                                       operation: dict) -> None:
    document = bundled(name)
    declared = {int(code) for code in operation["responses"]}
    full, read_only = keys.get(NW, "full"), keys.get(NW, "read-only")
    body = example_body(document, operation) if "requestBody" in operation else None
    path = concrete(client, keys, template)
    produced = set()

    produced.add(send(client, method, path, full, body))
    assert success_status(operation) in produced

    produced.add(send(client, method, path, None, body))
    if method != "get":
        produced.add(send(client, method, path, read_only, body))
    if "{projectId}" in template:
        produced.add(send(client, method, path, keys.get("proj_lumen", "full"), body))
    if method in ("post", "patch"):
        produced.add(send(client, method, path, full, None, content=b"{oops",
                          headers={"Content-Type": "application/json"}))
        produced.add(send(client, method, path, full, {}))
    elif any(p.get("in") == "query" for p in map(lambda p: resolve(document, p), operation.get("parameters", ()))):
        produced.add(send(client, method, f"{path}?limit=0", full))
    if "{" in template.replace("{projectId}", ""):
        produced.add(send(client, method, concrete(client, keys, template, missing=True), full, body))
        too_long = re.sub(r"\{(?!projectId\})[^}]+\}", "x" * 200, template).replace("{projectId}", NW)
        produced.add(send(client, method, too_long, full, body))

    expected = {success_status(operation), 401}
    expected |= {403} if method != "get" or "{projectId}" in template else set()
    has_query = any(resolve(document, p).get("in") == "query" for p in operation.get("parameters", ()))
    has_id = "{" in template.replace("{projectId}", "")
    expected |= {400} if method in ("post", "patch") or has_query or has_id else set()
    expected |= {422} if "requestBody" in operation and not accepts_empty_object(document, operation) else set()
    expected |= {409} if operation["operationId"] in REPEATS_CONFLICT else set()
    expected |= {404} if has_id else set()
    assert produced == expected
    assert produced <= declared


@pytest.fixture(scope="module")
def limited(judge):
    """One app for every operation, where the pro plan allows a single request a minute."""
    mock = MockClient(create_app(Settings(rate_limits={"pro": "1/minute"})), judge)
    yield mock
    mock.close()


@pytest.mark.parametrize(("name", "template", "method", "operation"), OPERATIONS,
                         ids=[f"{n}:{op['operationId']}" for n, _, _, op in OPERATIONS])
def test_each_operation_answers_429_past_the_limit(limited: MockClient, keys: Keys, name: str, template: str,
                                                   method: str, operation: dict) -> None:
    limited.post("/__mock/reset", json={})
    document = bundled(name)
    body = example_body(document, operation) if "requestBody" in operation else None
    path = template.replace("{projectId}", NW).replace("{sessionId}", "sess_x").replace(
        "{issueId}", "iss_x").replace("{webhookId}", "whk_x").replace("{keyId}", "key_x").replace(
        "{sourceId}", "ks_x")
    # The internal API as the project's owner, with the session cookie (revoking every key revokes the caller's)
    key, cookie = (None, limited.sign_in(NW_OWNER)) if name == "internal" else (keys.get(NW, "full"), {})
    send(limited, method, path, key, body, headers=cookie)
    response = limited.request(method.upper(), path, key=key, json=body, headers=cookie)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert 429 in {int(code) for code in operation["responses"]}


def provocations(key: str) -> dict[str, list[tuple[bytes, bytes]]]:
    """Headers that once drew an undeclared status (413 on a GET) or a 500 (a superscript digit)."""
    auth = (b"Authorization", f"Bearer {key}".encode())
    return {
        "two Authorization headers": [auth, auth],
        "a superscript digit as Prefer delay": [auth, (b"Prefer", b"delay=\xb2")],
        "a 6 MiB Content-Length": [auth, (b"Content-Length", str(6 * 1024 * 1024).encode())],
        "a key with a trailing no-break space": [(b"Authorization", auth[1] + b"\xa0")],
    }


@pytest.mark.parametrize(("name", "template", "method", "operation"), OPERATIONS,
                         ids=[f"{n}:{op['operationId']}" for n, _, _, op in OPERATIONS])
def test_every_answer_to_a_malformed_request_is_declared(client: MockClient, keys: Keys, name: str, template: str,
                                                         method: str, operation: dict) -> None:
    """Each provocation on each operation gets a 4xx its operation declares (the client's judge checks the
    status, headers and body), never a 5xx."""
    path = concrete(client, keys, template)
    declared = {int(code) for code in operation["responses"]}
    for provocation, headers in provocations(keys.get(NW, "full")).items():
        response = client.run(client.http.request(method.upper(), path, headers=headers))
        client.inspect(response)
        assert 400 <= response.status_code < 500 or response.status_code == success_status(operation), provocation
        assert response.status_code in declared, (provocation, response.status_code)
