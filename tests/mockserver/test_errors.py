"""Every error is ``application/json`` ``{"error": "..."}``: routing, validation, bad bodies and server faults."""

from __future__ import annotations

import pytest

from tests.support.client import MockClient
from tests.support.judging import assert_error_envelope
from tests.support.keys import Keys

NW = "proj_northwind"


@pytest.fixture
def standard(keys: Keys) -> str:
    return keys.get(NW, "standard")


def test_unknown_path_is_a_json_404(client: MockClient) -> None:
    for path in ("/nope", "/v1/nope", "/api/projects", "/__mock/nope", "/v1/sessions/a/b"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert assert_error_envelope(response) == {"error": "Not found."}


def test_unknown_id_is_a_404_naming_the_resource(client: MockClient, standard: str) -> None:
    cases = {"/v1/sessions/sess_nope": "Session not found.", "/v1/issues/iss_nope": "Issue not found.",
             "/v1/webhooks/whk_nope": "Webhook not found.",
             f"/api/projects/{NW}/sessions/iss_wrongprefix": "Session not found.",
             f"/api/projects/{NW}/issues/sess_wrongprefix": "Issue not found."}
    for path, message in cases.items():
        response = client.get(path, key=standard)
        assert response.status_code == 404, path
        assert response.json() == {"error": message}


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/v1/sessions", {"GET", "HEAD", "POST"}),
    ("PUT", "/v1/webhooks", {"GET", "HEAD", "POST"}),
    ("POST", "/v1/webhooks/whk_1", {"GET", "HEAD", "DELETE"}),
    ("PUT", f"/api/projects/{NW}/sessions/sess_1", {"GET", "HEAD", "PATCH"}),
    ("OPTIONS", f"/api/projects/{NW}/settings/knowledge-sources", {"GET", "HEAD", "POST"}),
    ("GET", f"/api/projects/{NW}/customers/import", {"POST"}),
])
def test_wrong_method_is_a_json_405_with_the_complete_allow_header(client: MockClient, method: str, path: str,
                                                                   allowed: set[str]) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert assert_error_envelope(response) == {"error": "Method not allowed."}
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


def test_malformed_json_is_400(client: MockClient, standard: str) -> None:
    for body in (b"{", b"{'single': 'quotes'}", b"[1, 2,]", b"NaN", b'{"a": Infinity}', b"\x00"):
        response = client.post("/v1/sessions", key=standard, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, body
        assert response.json() == {"error": "Request body is not valid JSON."}


def test_body_that_is_not_utf8_is_400_not_500(client: MockClient, standard: str) -> None:
    for body in (b"\xff\xfe\xfd", b'{"customer_email": "\xe9@x.io", "message": "caf\xe9"}', b"\xc3\x28"):
        response = client.post("/v1/sessions", key=standard, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json() == {"error": "Request body is not valid JSON."}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          "application/xml"])
def test_wrong_content_type_is_400(client: MockClient, standard: str, content_type: str) -> None:
    response = client.post("/v1/sessions", key=standard, content=b'{"customer_email": "a@b.io", "message": "hi"}',
                           headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json() == {"error": "Content-Type must be application/json."}


def test_missing_body_is_400(client: MockClient, standard: str) -> None:
    response = client.post("/v1/sessions", key=standard, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "Request body is required."}


def test_large_integers_are_still_json(client: MockClient, standard: str) -> None:
    """orjson stops at 64-bit integers; valid JSON with a bigger one must not become a 400."""
    body = b'{"customers": [{"email": "big@numbers.io", "company": {"domain": "numbers.io", ' \
           b'"employee_count": 123456789012345678901234567890}}]}'
    response = client.post("/v1/customers/import", key=standard, content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["created"] == 1


def test_bad_query_parameters_are_400_listing_each(client: MockClient, standard: str) -> None:
    response = client.get("/v1/sessions?limit=0&offset=-1&status=zzz&show_archived=maybe", key=standard)
    assert response.status_code == 400
    body = response.json()
    assert {d["field"] for d in body["details"]} == {"limit", "offset", "status", "show_archived"}
    assert body["error"].startswith("Invalid parameters:")


def test_one_bad_query_parameter_is_named_in_the_message(client: MockClient, standard: str) -> None:
    response = client.get("/v1/issues?limit=101", key=standard)
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid query parameter 'limit': 101 is greater than the maximum of 100."
    for query in ("limit=abc", "offset=1.5", "type=question", "priority=urgent", "date_from=yesterday",
                  "tags=Not-A-Slug", f"search={'x' * 201}"):
        path = "/v1/sessions" if query.split("=")[0] in ("date_from", "tags") else "/v1/issues"
        assert client.get(f"{path}?{query}", key=standard).status_code == 400, query


def test_unknown_query_parameters_are_ignored(client: MockClient, standard: str) -> None:
    assert client.get("/v1/sessions?foo=bar&limit=3", key=standard).json()["limit"] == 3


def test_422_lists_every_failing_field(client: MockClient, standard: str) -> None:
    response = client.post("/v1/sessions", key=standard, json={
        "message": "   ", "tags": ["Bad Tag"], "page_url": "not a url", "user_metadata": {"a": 1}, "name": "x" * 121,
    })
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "Validation failed."
    fields = {d["field"] for d in body["details"]}
    assert fields == {"customer_email", "message", "tags.0", "page_url", "user_metadata.a", "name"}
    assert all(d["message"] for d in body["details"])


def test_422_for_wrong_types_enums_and_emails(client: MockClient, standard: str) -> None:
    checks = [
        ("/v1/sessions", {"customer_email": "not-an-email", "message": "hi"}, {"customer_email"}),
        ("/v1/sessions", {"customer_email": 42, "message": ["hi"]}, {"customer_email", "message"}),
        ("/v1/sessions", [], {"body"}),
        ("/v1/webhooks", {"url": "http://example.com/hook", "events": ["session.exploded"]}, {"url", "events.0"}),
        ("/v1/webhooks", {"url": "https://example.com", "events": []}, {"events"}),
        ("/v1/customers/import", {"customers": []}, {"customers"}),
        ("/v1/customers/import", {}, {"customers"}),
        ("/v1/customers/import", {"customers": [{"email": "a@b.io", "company": {"health_score": 101}}]},
         {"customers.0.company.health_score"}),
    ]
    for path, body, fields in checks:
        response = client.post(path, key=standard, json=body)
        assert response.status_code == 422, (path, body, response.text)
        assert {d["field"] for d in response.json()["details"]} == fields, (path, response.text)


def test_422_for_a_knowledge_source_reports_the_branch_its_type_chose(client: MockClient, standard: str) -> None:
    response = client.post("/v1/knowledge-sources", key=standard, json={"type": "website", "name": "Site"})
    assert response.status_code == 422
    assert response.json()["details"] == [{"field": "url", "message": "'url' is a required property"}]
    response = client.post("/v1/knowledge-sources", key=standard,
                           json={"type": "codebase", "repository_url": "http://github.com/x/y"})
    assert {d["field"] for d in response.json()["details"]} == {"repository_branch", "repository_url"}
    response = client.post("/v1/knowledge-sources", key=standard, json={"type": "uploaded_doc", "name": "a.pdf"})
    assert response.status_code == 422
    (detail,) = response.json()["details"]
    assert detail["field"] == "type" and "uploaded_doc" in detail["message"]
    response = client.post("/v1/knowledge-sources", key=standard, json={"name": "no type"})
    assert response.status_code == 422
    assert response.json()["details"] == [{"field": "type", "message": "'type' is a required property"}]


def test_oversized_values_are_summarised_not_echoed(client: MockClient, standard: str) -> None:
    response = client.post("/v1/customers/import", key=standard, json={"customers": [{"email": "a@b.io"}] * 501})
    assert response.status_code == 422
    (detail,) = response.json()["details"]
    assert detail == {"field": "customers", "message": "Expected at most 500 items, got 501"}
    assert len(response.content) < 300


def test_a_handler_crash_is_a_json_500_without_details(make_client, keys: Keys) -> None:
    mock = make_client()
    mock.app.mock.store.list = lambda *a, **k: 1 / 0  # a deliberately broken store
    response = mock.get("/v1/issues", key=keys.get(NW, "standard"))
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error."}
    assert "ZeroDivision" not in response.text
