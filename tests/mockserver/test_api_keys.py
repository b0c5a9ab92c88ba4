"""The Access page: list (prefix only), create (the key shown once), read, revoke one, revoke all; owner only;
a created key works and a revoked one is refused from the next request on, on every worker; the active-key cap."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mockserver.api_keys import MAX_UNREVOKED_KEYS
from tests.support.apps import hermetic_app
from tests.support.client import MockClient
from tests.support.judging import assert_error_envelope
from tests.support.keys import Keys

NW, LUMEN = "proj_northwind", "proj_lumen"
KEYS = f"/api/projects/{NW}/api-keys"
OWNER, MEMBER = "owner@northwind.io", "member@northwind.io"


def create(client: MockClient, key: str | None = None, headers: dict[str, str] | None = None, **body: object):
    return client.post(KEYS, key=key, json={"name": "CI pipeline", **body}, headers=headers)


def lists_sessions(client: MockClient, key: str, project: str = NW) -> int:
    return client.get(f"/api/projects/{project}/sessions?limit=1", key=key).status_code


def test_a_created_key_is_shown_once_and_works_on_the_next_request(client: MockClient, keys: Keys) -> None:
    response = create(client, keys.get(NW, "full"))
    assert response.status_code == 201
    made = response.json()
    assert re.fullmatch(r"hss_[a-z0-9]{28}", made["key"]) and made["prefix"] == made["key"][:12]
    assert made["status"] == "active" and made["permission"] == "full" and made["expires_at"] is None
    assert response.headers["location"] == f"{KEYS}/{made['id']}"
    used = client.get("/v1/issues?limit=1", key=made["key"])
    assert used.status_code == 200 and used.headers["x-ratelimit-limit"] == "300", "the project's plan (pro)"
    read_back = client.get(response.headers["location"], key=keys.get(NW, "full"))
    assert read_back.status_code == 200 and "key" not in read_back.json()
    assert read_back.json() == {name: value for name, value in made.items() if name != "key"}


def test_the_list_shows_every_key_by_prefix_and_never_a_key(client: MockClient, keys: Keys) -> None:
    owner = client.sign_in(OWNER)
    made = create(client, headers=owner, permission="read-only").json()
    listing = client.get(f"{KEYS}?limit=100", headers=owner)
    assert listing.status_code == 200
    page = listing.json()
    assert page["data"][0]["id"] == made["id"], "newest first"
    assert {k["status"] for k in page["data"]} == {"active", "revoked", "expired"}
    assert page["total"] == len(page["data"]) == 7
    every_key = [made["key"], *(entry["key"] for entry in keys.listing)]
    assert not any(secret in listing.text for secret in every_key)
    assert not any(secret[:13] in listing.text for secret in every_key), "nothing beyond the 12-character prefix"
    assert all(set(item) == {"id", "name", "prefix", "permission", "status", "created_at", "expires_at",
                             "revoked_at"} for item in page["data"])


def test_a_created_key_has_the_permission_asked_for(client: MockClient, keys: Keys) -> None:
    read_only = create(client, keys.get(NW, "full"), permission="read-only").json()["key"]
    assert lists_sessions(client, read_only) == 200
    refused = client.post(f"/api/projects/{NW}/sessions", key=read_only,
                          json={"customer_email": "a@b.io", "message": "Hello there."})
    assert refused.status_code == 403


def test_a_revoked_key_is_refused_on_the_next_request_and_stays_listed(client: MockClient, keys: Keys) -> None:
    full = keys.get(NW, "full")
    made = create(client, full).json()
    assert lists_sessions(client, made["key"]) == 200
    revoked = client.post(f"{KEYS}/{made['id']}/revoke", key=full)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    refused = client.get(f"/api/projects/{NW}/sessions", key=made["key"])
    assert refused.status_code == 401 and refused.json() == {"error": "Invalid API key."}
    again = client.post(f"{KEYS}/{made['id']}/revoke", key=full)
    assert again.status_code == 200 and again.json() == revoked.json(), "revoking a revoked key changes nothing"
    listed = client.get(f"{KEYS}?limit=100", key=full).json()["data"]
    assert next(k for k in listed if k["id"] == made["id"])["status"] == "revoked"


def test_revoking_every_key_refuses_them_all_even_the_callers_until_a_reset(client: MockClient, keys: Keys) -> None:
    full = keys.get(NW, "full")
    made = create(client, full).json()
    answer = client.delete(KEYS, key=full)
    assert answer.status_code == 200 and answer.json() == {"revoked": 6}, "5 unrevoked fixture keys and the new one"
    for key in (made["key"], full, keys.get(NW, "read-only"), keys.get(NW, "rate-limit")):
        assert lists_sessions(client, key) == 401, key
    assert lists_sessions(client, keys.get(LUMEN, "read-only"), LUMEN) == 200, "another project's keys stay"
    statuses = {k["label"]: k["status"] for k in client.get("/__mock/keys").json() if k["project_id"] == NW}
    assert set(statuses.values()) == {"revoked"}, "the controls show the fixture keys as they are now"
    owner = client.sign_in(OWNER)
    assert client.delete(KEYS, headers=owner).json() == {"revoked": 0}
    client.post("/__mock/reset", json={})
    assert lists_sessions(client, full) == 200


def test_an_expiring_key_works_until_its_expiry(client: MockClient, keys: Keys) -> None:
    soon = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
    made = create(client, keys.get(NW, "full"), expires_at=soon.isoformat()).json()
    assert made["expires_at"] == soon.strftime("%Y-%m-%dT%H:%M:%SZ") and made["status"] == "active"
    assert lists_sessions(client, made["key"]) == 200
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    assert lists_sessions(client, made["key"]) == 401
    assert client.get(f"{KEYS}/{made['id']}", key=keys.get(NW, "full")).json()["status"] == "expired"


@pytest.mark.parametrize("expires_at", ["2020-01-01T00:00:00Z", "2026-01-20T12:00:00+09:00"])
def test_an_expiry_in_the_past_is_422_naming_the_field(client: MockClient, keys: Keys, expires_at: str) -> None:
    response = create(client, keys.get(NW, "full"), expires_at=expires_at)
    assert response.status_code == 422
    assert [d["field"] for d in assert_error_envelope(response)["details"]] == ["expires_at"]


def test_the_cap_on_unrevoked_keys_is_a_409_until_one_is_revoked(client: MockClient, keys: Keys) -> None:
    full = keys.get(NW, "full")
    room = MAX_UNREVOKED_KEYS - 5  # the fixture's 5 unrevoked keys (its expired one counts until revoked)
    made = [create(client, full, name=f"key {n}") for n in range(room)]
    assert {r.status_code for r in made} == {201}
    refused = create(client, full, name="one too many")
    assert refused.status_code == 409
    assert assert_error_envelope(refused)["error"].startswith(f"A project can have at most {MAX_UNREVOKED_KEYS}")
    assert "x-ratelimit-limit" in refused.headers
    elsewhere = client.post(f"/api/projects/{LUMEN}/api-keys", key=keys.get(LUMEN, "full"), json={"name": "x"})
    assert elsewhere.status_code == 201, "the cap is per project"
    client.post(f"{KEYS}/{made[0].json()['id']}/revoke", key=full)
    assert create(client, full, name="room again").status_code == 201


def test_past_max_created_a_create_is_507_about_keys(make_client, keys: Keys) -> None:
    client = make_client(max_created=2)
    full = keys.get(NW, "full")
    assert [create(client, full).status_code for _ in range(2)] == [201, 201]
    full_store = create(client, full)
    assert full_store.status_code == 507
    assert assert_error_envelope(full_store)["error"].startswith("This mock keeps at most 2 created API keys")


def test_owner_only_a_member_or_a_non_full_key_gets_403(client: MockClient, keys: Keys) -> None:
    member = client.sign_in(MEMBER)
    made = create(client, keys.get(NW, "full")).json()
    calls = [("GET", KEYS, None), ("POST", KEYS, {"name": "x"}), ("DELETE", KEYS, None),
             ("GET", f"{KEYS}/{made['id']}", None), ("POST", f"{KEYS}/{made['id']}/revoke", None)]
    for method, url, body in calls:
        for credentials in ({"key": keys.get(NW, "standard")}, {"key": keys.get(NW, "read-only")},
                            {"key": keys.get(LUMEN, "full")}, {"headers": member}):
            refused = client.request(method, url, json=body, **credentials)
            assert refused.status_code == 403 and refused.json() == {"error": "Forbidden."}, (method, url, credentials)
    assert lists_sessions(client, made["key"]) == 200, "nothing was revoked"


def test_another_projects_key_ids_are_404(client: MockClient, keys: Keys) -> None:
    theirs = create(client, keys.get(NW, "full")).json()["id"]
    lumen = keys.get(LUMEN, "full")
    for method, url in (("GET", f"/api/projects/{LUMEN}/api-keys/{theirs}"),
                        ("POST", f"/api/projects/{LUMEN}/api-keys/{theirs}/revoke"),
                        ("GET", f"/api/projects/{LUMEN}/api-keys/key_unknown")):
        response = client.request(method, url, key=lumen)
        assert response.status_code == 404 and response.json() == {"error": "API key not found."}


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_keys_created_or_revoked_on_one_worker_count_on_another(backend: str, tmp_path: Path,
                                                                 request: pytest.FixtureRequest) -> None:
    """Two apps on one shared store, as two workers: a key made through one works through the other at once, and
    a revocation through the second is refused by the first on the next request (each had read the key)."""
    state = f"sqlite:///{tmp_path / 'mock.db'}" if backend == "sqlite" else request.getfixturevalue("redis_url")
    first, second = MockClient(hermetic_app(state=state), None), MockClient(hermetic_app(state=state), None)
    try:
        full = Keys(first.get("/__mock/keys").json()).get(NW, "full")
        made = create(first, full).json()
        assert lists_sessions(second, made["key"]) == 200
        assert lists_sessions(first, made["key"]) == 200
        assert second.post(f"{KEYS}/{made['id']}/revoke", key=full).status_code == 200
        assert lists_sessions(first, made["key"]) == 401
        owner = first.sign_in(OWNER)
        assert lists_sessions(second, full) == 200 and second.get(KEYS, headers=owner).status_code == 200
        first.delete("/__mock/session", headers={**owner, "X-Hissuno-Mock": "1"})
        assert second.get(KEYS, headers=owner).status_code == 401, "signed out through the other worker"
    finally:
        first.close()
        second.close()
