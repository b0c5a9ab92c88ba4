"""What a frontend developer touches besides the contract: CORS, Swagger UI, and the /__mock/ controls."""

from __future__ import annotations

from tests.support.client import MockClient
from tests.support.keys import Keys

ORIGIN = "http://localhost:5173"


def test_preflight_is_answered_for_any_origin_with_authorization(client: MockClient) -> None:
    response = client.request("OPTIONS", "/v1/sessions", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_cors_headers_on_answers_and_errors_expose_rate_limits(client: MockClient, keys: Keys) -> None:
    for key, status in ((keys.get("proj_northwind", "standard"), 200), (None, 401)):
        response = client.get("/v1/sessions", key=key, headers={"Origin": "https://app.example.com"})
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
        exposed = response.headers["Access-Control-Expose-Headers"].lower()
        for header in ("x-ratelimit-remaining", "ratelimit", "retry-after", "location"):
            assert header in exposed


def test_cors_on_every_kind_of_answer_and_vary_without_origin(client: MockClient, keys: Keys) -> None:
    """Operation answers (2xx, 4xx, a 405 on a known path) and Connexion's (404 outside the contract) alike."""
    standard = keys.get("proj_northwind", "standard")
    cases = [("GET", "/v1/sessions", standard, 200), ("POST", "/v1/sessions", standard, 400),
             ("DELETE", "/v1/sessions", standard, 405), ("GET", "/v1/nothing-here", None, 404),
             ("GET", "/v1/issues", "hss_unknown", 401)]
    for method, path, key, status in cases:
        with_origin = client.request(method, path, key=key, headers={"Origin": ORIGIN})
        assert with_origin.status_code == status, (method, path)
        assert with_origin.headers["Access-Control-Allow-Origin"] == ORIGIN, (method, path)
        assert with_origin.headers["Access-Control-Allow-Credentials"] == "true", (method, path)
        assert "Origin" in with_origin.headers["Vary"]
        without = client.request(method, path, key=key)
        assert without.status_code == status
        assert "access-control-allow-origin" not in without.headers, (method, path)
        assert without.headers["Vary"] == "Origin", (method, path)


def test_swagger_ui_and_spec_for_each_document(client: MockClient) -> None:
    for base, title in (("/v1", "Hissuno public API"), ("/api", "Hissuno internal API")):
        ui = client.get(f"{base}/ui/")
        assert ui.status_code == 200 and "swagger" in ui.text.lower()
        spec = client.get(f"{base}/openapi.json").json()
        assert spec["info"]["title"] == title and all(path.startswith(f"{base}/") for path in spec["paths"])
        assert client.get(f"{base}/ui/swagger-ui.css").status_code == 200


def test_index_points_at_documents_and_controls(client: MockClient) -> None:
    index = client.get("/").json()
    assert index["documents"]["v1"]["swagger_ui"] == "/v1/ui/"
    assert index["documents"]["internal"]["openapi"] == "/api/openapi.json"


def test_keys_control_lists_every_fixture_key(client: MockClient, shared_app) -> None:
    listing = client.get("/__mock/keys").json()
    assert listing == shared_app.mock.registry.listing()
    assert {tuple(sorted(k)) for k in listing} == {("key", "label", "permission", "plan", "project_id", "status")}
    assert {k["status"] for k in listing} == {"active", "revoked", "expired"}
    assert sum(k["label"] == "rate-limit" for k in listing) == 3


def test_reset_is_post_only_and_needs_no_key(client: MockClient) -> None:
    assert client.get("/__mock/reset").status_code == 405
    response = client.post("/__mock/reset")
    assert response.status_code == 200
    assert response.json() == {"reset": True, "projects": ["proj_northwind", "proj_lumen", "proj_orbital"]}
