"""Real key authentication (401), project scoping and permission levels (403), in the contract's check order."""

from __future__ import annotations

import pytest

from tests.support.client import RATE_LIMIT_HEADERS, MockClient
from tests.support.judging import assert_error_envelope
from tests.support.keys import Keys

NW = "proj_northwind"
SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}


@pytest.mark.parametrize("authorization", [
    None,
    "",
    "Bearer",
    "Bearer ",
    "Basic aGVsbG86d29ybGQ=",
    "Token hss_qvt0akmt09f4s9g2cofgzjcngc99",
    "Bearer sk_live_123",
    "Bearer hiss_abcdef",
])
def test_missing_or_malformed_authorization_gets_401_unauthorized(client: MockClient, authorization) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/v1/sessions", headers=headers)
    assert response.status_code == 401
    assert assert_error_envelope(response) == {"error": "Unauthorized."}
    assert not any(h in response.headers for h in RATE_LIMIT_HEADERS)


@pytest.mark.parametrize("label", ["revoked", "expired"])
def test_revoked_and_expired_keys_get_401(client: MockClient, keys: Keys, label: str) -> None:
    response = client.get("/v1/sessions", key=keys.get(NW, label))
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key."}


def test_unknown_key_gets_401(client: MockClient) -> None:
    response = client.get(f"/api/projects/{NW}/sessions", key="hss_doesnotexist0000000000000000")
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key."}


def test_key_in_query_string_is_ignored(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "full")
    for name in ("api_key", "key", "access_token"):
        assert client.get(f"/v1/sessions?{name}={key}").status_code == 401


def test_bearer_scheme_is_case_insensitive(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "read-only")
    assert client.get("/v1/sessions", headers={"Authorization": f"bearer {key}"}).status_code == 200


def test_every_active_key_reads_its_own_project(client: MockClient, keys: Keys) -> None:
    active = [k for k in keys.listing if k["status"] == "active"]
    assert len(active) >= 12
    for key in active:
        assert client.get(f"/api/projects/{key['project_id']}/issues?limit=1", key=key["key"]).status_code == 200
        assert client.get("/v1/issues?limit=1", key=key["key"]).status_code == 200


def test_key_of_another_project_gets_403_that_leaks_nothing(client: MockClient, keys: Keys) -> None:
    other = keys.get("proj_lumen", "full")
    session_id = client.get(f"/api/projects/{NW}/sessions?limit=1", key=keys.get(NW, "full")).json()["data"][0]["id"]
    for path in (f"/api/projects/{NW}/sessions", f"/api/projects/{NW}/sessions/{session_id}",
                 f"/api/projects/{NW}/sessions/sess_doesnotexist", f"/api/projects/{NW}/issues",
                 f"/api/projects/{NW}/customers", f"/api/projects/{NW}/settings/knowledge-sources"):
        response = client.get(path, key=other)
        assert response.status_code == 403, path
        assert response.json() == {"error": "Forbidden."}
        assert session_id not in response.text and "northwind" not in response.text.lower()


def test_unknown_project_gets_403_like_another_project(client: MockClient, keys: Keys) -> None:
    response = client.get("/api/projects/proj_nobody/sessions", key=keys.get(NW, "full"))
    assert response.status_code == 403
    assert response.json() == {"error": "Forbidden."}


def test_v1_scopes_every_read_to_the_keys_project(client: MockClient, keys: Keys) -> None:
    def ids(project: str) -> set[str]:
        page = client.get("/v1/sessions?limit=100&show_archived=true", key=keys.get(project, "read-only")).json()
        return {s["id"] for s in page["data"]}

    ours, theirs = ids(NW), ids("proj_lumen")
    assert ours and theirs and not ours & theirs
    some_lumen_session = sorted(theirs)[0]
    assert client.get(f"/v1/sessions/{some_lumen_session}", key=keys.get(NW, "full")).status_code == 404


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/v1/sessions", SESSION),
    ("POST", f"/api/projects/{NW}/sessions", SESSION),
    ("POST", "/v1/customers/import", {"customers": [{"email": "a@b.io"}]}),
    ("POST", "/v1/knowledge-sources", {"type": "website", "url": "https://example.com"}),
    ("POST", "/v1/webhooks", {"url": "https://hooks.example.com/x", "events": ["session.created"]}),
    ("DELETE", "/v1/webhooks/whk_doesnotexist", None),
])
def test_read_only_key_cannot_write(client: MockClient, keys: Keys, method: str, path: str, body) -> None:
    response = client.request(method, path, key=keys.get(NW, "read-only"), json=body)
    assert response.status_code == 403
    assert response.json() == {"error": "Forbidden."}


def test_standard_key_creates_but_cannot_delete(client: MockClient, keys: Keys) -> None:
    standard, full = keys.get(NW, "standard"), keys.get(NW, "full")
    created = client.post("/v1/webhooks", key=standard,
                          json={"url": "https://hooks.example.com/x", "events": ["session.created"]})
    assert created.status_code == 201
    webhook = created.json()["id"]
    assert client.delete(f"/v1/webhooks/{webhook}", key=standard).status_code == 403
    assert client.get(f"/v1/webhooks/{webhook}", key=standard).status_code == 200
    assert client.delete(f"/v1/webhooks/{webhook}", key=full).status_code == 204


def test_check_order_401_before_403(client: MockClient) -> None:
    assert client.get("/api/projects/proj_lumen/sessions?limit=0", key="hss_unknown").status_code == 401


def test_check_order_project_before_permission_before_validation(client: MockClient, keys: Keys) -> None:
    read_only = keys.get(NW, "read-only")
    # Another project, a write, and an invalid body: the project check answers first.
    response = client.post("/api/projects/proj_lumen/sessions", key=read_only, json={"message": ""})
    assert response.status_code == 403
    # Own project, a write the key may not make, an invalid body: the permission check answers.
    response = client.post(f"/api/projects/{NW}/sessions", key=read_only, json={"message": ""})
    assert response.status_code == 403
    # Another project and a malformed query parameter: 403, not 400.
    response = client.get("/api/projects/proj_lumen/sessions?limit=0", key=read_only)
    assert response.status_code == 403


def test_check_order_400_before_422_and_404(client: MockClient, keys: Keys) -> None:
    standard = keys.get(NW, "standard")
    assert client.post("/v1/sessions", key=standard, content=b"{not json",
                       headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post("/v1/sessions", key=standard, json={"message": ""}).status_code == 422
    assert client.get("/v1/sessions/sess_unknown", key=standard).status_code == 404


def test_403_does_not_count_against_the_rate_limit(client: MockClient, keys: Keys) -> None:
    read_only = keys.get(NW, "read-only")
    before = int(client.get("/v1/sessions", key=read_only).headers["X-RateLimit-Remaining"])
    for _ in range(3):
        denied = client.post("/v1/sessions", key=read_only, json=SESSION)
        assert denied.status_code == 403
        assert int(denied.headers["X-RateLimit-Remaining"]) == before
    assert int(client.get("/v1/sessions", key=read_only).headers["X-RateLimit-Remaining"]) == before - 1
