"""Session-based auth on the internal API: the sign-in control, the cookie beside keys, members and owners,
cross-site writes refused, CORS with credentials for allowed origins only, rate limits per user and project."""

from __future__ import annotations

import time

import pytest

from tests.support.client import MockClient
from tests.support.judging import assert_error_envelope
from tests.support.keys import Keys

NW, LUMEN, ORBITAL = "proj_northwind", "proj_lumen", "proj_orbital"
OWNER, MEMBER = "owner@northwind.io", "member@northwind.io"  # OWNER is also a member of proj_lumen
LOCAL_PAGE, EVIL = "http://localhost:5173", "https://evil.example"
SESSION = {"customer_email": "jane@example.com", "message": "Signed in from the dashboard."}


def sessions_url(project: str = NW) -> str:
    return f"/api/projects/{project}/sessions"


def total(client: MockClient, key: str, project: str = NW) -> int:
    return client.get(f"{sessions_url(project)}?limit=1", key=key).json()["total"]


# --- the sign-in control -----------------------------------------------------------------------------------------


def test_sign_in_sets_an_http_only_lax_cookie_and_shows_no_token(client: MockClient) -> None:
    response = client.post("/__mock/session", json={"email": OWNER})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    name, _, rest = cookie.partition("=")
    token, *attributes = [part.strip() for part in rest.split(";")]
    assert name == "hissuno_session" and len(token) >= 32
    assert {"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"} <= set(attributes)
    body = response.json()
    assert body["signed_in"] == OWNER and body["cookie"] == "hissuno_session"
    assert {(p["project_id"], p["role"]) for p in body["projects"]} == {(NW, "owner"), (LUMEN, "member")}
    assert token not in response.text, "the token travels in the cookie only"


def test_members_control_lists_who_may_sign_in(client: MockClient) -> None:
    members = client.get("/__mock/members").json()
    assert {"email": OWNER, "project_id": NW, "role": "owner"} in members
    assert {m["role"] for m in members} == {"owner", "member"}


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"email": "nobody@northwind.io"}, 404, "GET /__mock/members"),
    ({}, 422, "email"),
    ({"email": OWNER, "expires_in": 0}, 422, "expires_in"),
    ({"email": OWNER, "expires_in": 31 * 86400}, 422, "expires_in"),
    ({"email": OWNER, "expires_in": True}, 422, "expires_in"),
    ([OWNER], 400, "object"),
])
def test_a_sign_in_the_control_cannot_do_is_one_json_error(client: MockClient, body: object, status: int,
                                                           says: str) -> None:
    response = client.post("/__mock/session", json=body)
    assert response.status_code == status
    assert says in assert_error_envelope(response)["error"]
    assert "set-cookie" not in response.headers


def test_sign_in_bodies_are_bounded_and_json_only(client: MockClient) -> None:
    too_big = client.post("/__mock/session", json={"email": OWNER, "padding": "x" * 5000})
    assert too_big.status_code == 413 and assert_error_envelope(too_big)
    broken = client.post("/__mock/session", content=b"{email", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and assert_error_envelope(broken)
    as_form = client.post("/__mock/session", content=b"email=x", headers={"Content-Type": "text/plain"})
    assert as_form.status_code == 415, "the controls' guard: a page cannot sign anybody in with a plain form"
    from_evil = client.post("/__mock/session", json={"email": OWNER}, headers={"Origin": EVIL})
    assert from_evil.status_code == 403


# --- the cookie on the internal API ------------------------------------------------------------------------------


def test_a_member_lists_with_the_cookie_and_the_project_plans_window(client: MockClient) -> None:
    cookie = client.sign_in(MEMBER)
    response = client.get(sessions_url(), headers=cookie)
    assert response.status_code == 200 and response.json()["total"] > 0
    assert response.headers["x-ratelimit-limit"] == "300" and response.headers["ratelimit-policy"].startswith('"pro"')
    assert client.post(sessions_url(), json=SESSION, headers=cookie).status_code == 201


def test_another_project_is_403_and_shows_nothing_of_it(client: MockClient, keys: Keys) -> None:
    cookie = client.sign_in(MEMBER)
    response = client.get(sessions_url(ORBITAL), headers=cookie)
    assert response.status_code == 403 and assert_error_envelope(response) == {"error": "Forbidden."}
    assert "x-ratelimit-limit" in response.headers
    made_up = client.get(sessions_url("proj_made_up"), headers=cookie)
    assert made_up.status_code == 403
    orbital_ids = [s["id"] for s in client.get(f"{sessions_url(ORBITAL)}?limit=5",
                                               key=keys.get(ORBITAL, "full")).json()["data"]]
    assert not any(item in response.text for item in orbital_ids)


def test_one_person_in_two_projects_acts_in_both(client: MockClient) -> None:
    cookie = client.sign_in(OWNER)
    assert client.get(sessions_url(LUMEN), headers=cookie).status_code == 200
    assert client.get(f"/api/projects/{LUMEN}/api-keys", headers=cookie).status_code == 403, "a member in lumen"
    assert client.get(f"/api/projects/{NW}/api-keys", headers=cookie).status_code == 200, "the owner in northwind"


@pytest.mark.parametrize("value", ["not-a-session", "x" * 43, ""])
def test_an_unknown_session_is_401(client: MockClient, value: str) -> None:
    response = client.get(sessions_url(), headers={"Cookie": f"hissuno_session={value}"})
    assert response.status_code == 401
    expected = "Session expired or unknown; sign in again." if value else "Unauthorized."
    assert assert_error_envelope(response)["error"] == expected


def test_an_expired_session_can_be_rehearsed_with_prefer(client: MockClient) -> None:
    response = client.get(sessions_url(), headers={"Prefer": "code=401, example=invalid_session"})
    assert response.status_code == 401
    assert response.json() == {"error": "Session expired or unknown; sign in again."}


def test_an_expired_session_is_401(client: MockClient) -> None:
    cookie = client.sign_in(OWNER, expires_in=1)
    assert client.get(sessions_url(), headers=cookie).status_code == 200
    time.sleep(1.1)
    expired = client.get(sessions_url(), headers=cookie)
    assert expired.status_code == 401 and "Session expired" in expired.json()["error"]


def test_signing_out_ends_the_session_everywhere(client: MockClient) -> None:
    cookie = client.sign_in(OWNER)
    out = client.delete("/__mock/session", headers={**cookie, "X-Hissuno-Mock": "1"})
    assert out.status_code == 200 and out.json() == {"signed_out": True}
    assert "Max-Age=0" in out.headers["set-cookie"]
    assert client.get(sessions_url(), headers=cookie).status_code == 401, "the token is dead, not just the cookie"
    again = client.delete("/__mock/session", headers={**cookie, "X-Hissuno-Mock": "1"})
    assert again.json() == {"signed_out": False}


def test_reset_signs_everybody_out(client: MockClient) -> None:
    cookie = client.sign_in(OWNER)
    assert client.post("/__mock/reset", json={}).status_code == 200
    assert client.get(sessions_url(), headers=cookie).status_code == 401


def test_the_cookie_wins_over_a_key(client: MockClient, keys: Keys) -> None:
    cookie = client.sign_in(MEMBER)
    for key in (keys.get(ORBITAL, "full"), keys.get(NW, "revoked"), "hss_unknown0000000000000000000"):
        response = client.get(sessions_url(), key=key, headers=cookie)
        assert response.status_code == 200, key
        assert response.headers["x-ratelimit-limit"] == "300"
    owner_only = client.get(f"/api/projects/{NW}/api-keys", key=keys.get(NW, "full"), headers=cookie)
    assert owner_only.status_code == 403, "the member's session decides, not the full key beside it"


def test_a_dead_cookie_beside_a_key_lets_the_key_decide(client: MockClient, keys: Keys) -> None:
    dead = {"Cookie": "hissuno_session=signed-out-long-ago"}
    assert client.get(sessions_url(), key=keys.get(NW, "read-only"), headers=dead).status_code == 200
    assert client.get(sessions_url(), key=keys.get(ORBITAL, "full"), headers=dead).status_code == 403


def test_v1_takes_keys_only(client: MockClient, keys: Keys) -> None:
    cookie = client.sign_in(OWNER)
    alone = client.get("/v1/sessions", headers=cookie)
    assert alone.status_code == 401 and alone.json() == {"error": "Unauthorized."}
    with_key = client.get("/v1/sessions?limit=1", key=keys.get(ORBITAL, "read-only"), headers=cookie)
    assert with_key.status_code == 200 and with_key.headers["x-ratelimit-limit"] == "1000", "the key's project"


# --- cross-site writes -------------------------------------------------------------------------------------------


def test_a_write_with_the_cookie_from_a_foreign_page_is_refused(client: MockClient, keys: Keys) -> None:
    cookie, full = client.sign_in(OWNER), keys.get(NW, "full")
    before = total(client, full)
    for headers in ({"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        response = client.post(sessions_url(), json=SESSION, headers={**cookie, **headers})
        assert response.status_code == 403, headers
        assert "session cookie" in assert_error_envelope(response)["error"]
        assert "x-ratelimit-remaining" in response.headers
    revoke_all = client.delete(f"/api/projects/{NW}/api-keys", headers={**cookie, "Origin": EVIL})
    assert revoke_all.status_code == 403
    assert total(client, full) == before, "nothing was created"
    assert client.get(sessions_url(), headers={**cookie, "Origin": EVIL}).status_code == 200, "reads are safe"


def test_a_write_with_the_cookie_from_an_allowed_page_or_no_page_goes_through(client: MockClient) -> None:
    cookie = client.sign_in(OWNER)
    for headers in ({"Origin": LOCAL_PAGE}, {"Origin": "http://127.0.0.1:3000", "Sec-Fetch-Site": "same-site"}, {}):
        assert client.post(sessions_url(), json=SESSION, headers={**cookie, **headers}).status_code == 201, headers


def test_a_key_is_no_browser_credential_so_any_page_may_write_with_one(client: MockClient, keys: Keys) -> None:
    response = client.post(sessions_url(), json=SESSION, key=keys.get(NW, "standard"), headers={"Origin": EVIL})
    assert response.status_code == 201


def test_cors_origin_allows_a_page_to_write_with_the_cookie(make_client) -> None:
    client = make_client(cors_origins=("http://dashboard.test:*",))
    cookie = client.sign_in(OWNER)
    page = {"Origin": "http://dashboard.test:8080"}
    assert client.post(sessions_url(), json=SESSION, headers={**cookie, **page}).status_code == 201
    assert client.post(sessions_url(), json=SESSION, headers={**cookie, "Origin": EVIL}).status_code == 403


# --- CORS with credentials -----------------------------------------------------------------------------------------


def test_credentials_are_allowed_to_local_pages_only(client: MockClient) -> None:
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    local = client.request("OPTIONS", sessions_url(), headers={"Origin": LOCAL_PAGE, **ask})
    assert local.status_code == 200 and local.headers["access-control-allow-origin"] == LOCAL_PAGE
    assert local.headers["access-control-allow-credentials"] == "true"
    foreign = client.request("OPTIONS", sessions_url(), headers={"Origin": EVIL, **ask})
    assert foreign.status_code == 200, "any page may still call the API with a key"
    assert "access-control-allow-credentials" not in foreign.headers
    cookie = client.sign_in(OWNER)
    read = client.get(sessions_url(), headers={**cookie, "Origin": LOCAL_PAGE})
    assert read.headers["access-control-allow-credentials"] == "true"
    stolen = client.get(sessions_url(), headers={**cookie, "Origin": EVIL})
    assert "access-control-allow-credentials" not in stolen.headers, "the browser hides the answer from that page"


def test_the_sign_in_control_answers_a_local_page_with_credentials(client: MockClient) -> None:
    preflight = client.request("OPTIONS", "/__mock/session", headers={
        "Origin": LOCAL_PAGE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-credentials"] == "true"
    response = client.post("/__mock/session", json={"email": OWNER}, headers={"Origin": LOCAL_PAGE})
    assert response.status_code == 200 and response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-origin"] == LOCAL_PAGE


# --- roles and rate limits ---------------------------------------------------------------------------------------


def test_a_member_may_not_use_the_owner_only_access_page(client: MockClient) -> None:
    member, owner = client.sign_in(MEMBER), client.sign_in(OWNER)
    keys_url = f"/api/projects/{NW}/api-keys"
    calls = (("GET", keys_url, None), ("POST", keys_url, {"name": "mine"}), ("DELETE", keys_url, None))
    for method, url, body in calls:
        refused = client.request(method, url, json=body, headers=member)
        assert refused.status_code == 403 and refused.json() == {"error": "Forbidden."}, method
    assert client.get(keys_url, headers=owner).status_code == 200


def test_cookie_requests_are_limited_per_user_and_project_by_the_plan(make_client, keys: Keys) -> None:
    client = make_client(rate_limits={"pro": "2/minute", "free": "3/minute"})
    owner, member = client.sign_in(OWNER), client.sign_in(MEMBER)
    statuses = [client.get(sessions_url(), headers=owner).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.get(sessions_url(), headers=owner)
    assert limited.headers["x-ratelimit-remaining"] == "0" and int(limited.headers["retry-after"]) >= 1
    assert client.get(sessions_url(LUMEN), headers=owner).headers["x-ratelimit-limit"] == "3", "lumen: free"
    assert client.get(sessions_url(), headers=member).status_code == 200, "another user: a window of their own"
    assert client.get(sessions_url(), key=keys.get(NW, "standard")).status_code == 200, "keys: windows of their own"
