"""Lists filter and page exactly as declared; creates are real and visible from both documents."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.client import MockClient, paginate
from tests.support.keys import Keys

NW = "proj_northwind"
INTERNAL = f"/api/projects/{NW}"


@pytest.fixture
def read(keys: Keys) -> str:
    return keys.get(NW, "read-only")


@pytest.fixture
def standard(keys: Keys) -> str:
    return keys.get(NW, "standard")


def everything(client: MockClient, path: str, key: str) -> list[dict]:
    return paginate(client, f"{path}?show_archived=true" if "knowledge" not in path else path, key)


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


# -- lists ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["sessions", "issues", "customers", "settings/knowledge-sources"])
def test_pages_cover_every_row_once_and_total_counts_them(client: MockClient, read: str, resource: str) -> None:
    path = f"{INTERNAL}/{resource}"
    first = client.get(f"{path}?limit=7", key=read).json()
    assert first["limit"] == 7 and first["offset"] == 0 and len(first["data"]) == min(7, first["total"])
    rows: list[dict] = []
    for offset in range(0, first["total"], 7):
        page = client.get(f"{path}?limit=7&offset={offset}", key=read).json()
        assert page["total"] == first["total"]
        rows.extend(page["data"])
    assert len(rows) == first["total"] == len({row["id"] for row in rows})
    past_the_end = client.get(f"{path}?offset={first['total'] + 5}", key=read).json()
    assert past_the_end["data"] == [] and past_the_end["total"] == first["total"]


def test_default_page_is_50(client: MockClient, read: str) -> None:
    page = client.get("/v1/sessions", key=read).json()
    assert page["limit"] == 50 and page["offset"] == 0


def test_sessions_sorted_by_last_activity_newest_first(client: MockClient, read: str) -> None:
    rows = everything(client, "/v1/sessions", read)
    assert [r["last_activity_at"] for r in rows] == sorted((r["last_activity_at"] for r in rows), reverse=True)


def test_issues_and_customers_sorted_by_updated_at(client: MockClient, read: str) -> None:
    for path in ("/v1/issues", "/v1/customers"):
        rows = everything(client, path, read)
        assert [r["updated_at"] for r in rows] == sorted((r["updated_at"] for r in rows), reverse=True)


def test_archived_rows_are_hidden_unless_asked_for(client: MockClient, read: str) -> None:
    for path in ("/v1/sessions", "/v1/issues", "/v1/customers"):
        visible = paginate(client, path, read)
        with_archived = everything(client, path, read)
        assert not any(r["is_archived"] for r in visible)
        assert len(with_archived) == len(visible) + sum(r["is_archived"] for r in with_archived)


@pytest.mark.parametrize(("query", "keep"), [
    ("status=closed", lambda s: s["status"] == "closed"),
    ("source=widget", lambda s: s["source"] == "widget"),
    ("session_type=meeting", lambda s: s["session_type"] == "meeting"),
    ("tags=bug,wins", lambda s: bool({"bug", "wins"} & set(s["tags"]))),
    ("search=EXPORT", lambda s: "export" in (s["name"] or "").lower() or "export" in (s["customer_email"] or "")),
    ("date_from=2026-01-01T00:00:00Z", lambda s: s["created_at"] >= "2026-01-01T00:00:00Z"),
    ("date_to=2025-12-01T00:00:00%2B01:00", lambda s: when(s["created_at"]) <= when("2025-12-01T00:00:00+01:00")),
])
def test_session_filters_match_a_brute_force_filter(client: MockClient, read: str, query: str, keep) -> None:
    expected = [s["id"] for s in paginate(client, "/v1/sessions", read) if keep(s)]
    got = paginate(client, f"/v1/sessions?{query}", read)
    assert [s["id"] for s in got] == expected
    assert client.get(f"/v1/sessions?{query}&limit=1", key=read).json()["total"] == len(expected)


def test_session_filter_by_customer(client: MockClient, read: str) -> None:
    sessions = paginate(client, "/v1/sessions", read)
    customer = next(s["customer_id"] for s in sessions if s["customer_id"])
    got = paginate(client, f"/v1/sessions?customer_id={customer}", read)
    assert got and all(s["customer_id"] == customer for s in got)
    assert len(got) == sum(s["customer_id"] == customer for s in sessions)


@pytest.mark.parametrize(("query", "keep"), [
    ("type=bug", lambda i: i["type"] == "bug"),
    ("priority=high", lambda i: i["priority"] == "high"),
    ("status=open", lambda i: i["status"] == "open"),
    ("search=csv", lambda i: "csv" in (i["title"] + i["description"]).lower()),
])
def test_issue_filters(client: MockClient, read: str, query: str, keep) -> None:
    expected = [i["id"] for i in paginate(client, "/v1/issues", read) if keep(i)]
    assert [i["id"] for i in paginate(client, f"/v1/issues?{query}", read)] == expected


@pytest.mark.parametrize(("query", "keep"), [
    ("is_champion=true", lambda c: c["is_champion"]),
    ("is_champion=false", lambda c: True),
    ("stage=active", lambda c: (c["company"] or {}).get("stage") == "active"),
    ("search=a", lambda c: "a" in c["name"].lower() or "a" in c["email"].lower()),
])
def test_customer_filters(client: MockClient, read: str, query: str, keep) -> None:
    expected = [c["id"] for c in paginate(client, "/v1/customers", read) if keep(c)]
    assert [c["id"] for c in paginate(client, f"/v1/customers?{query}", read)] == expected


def test_knowledge_source_filters(client: MockClient, read: str) -> None:
    sources = paginate(client, "/v1/knowledge-sources", read)
    assert [s["created_at"] for s in sources] == sorted((s["created_at"] for s in sources), reverse=True)
    for query, keep in (("type=website", lambda s: s["type"] == "website"),
                        ("status=completed", lambda s: s["status"] == "completed")):
        expected = [s["id"] for s in sources if keep(s)]
        assert [s["id"] for s in paginate(client, f"/v1/knowledge-sources?{query}", read)] == expected


# -- reads ---------------------------------------------------------------------------------------------


def test_session_detail_has_messages_and_linked_issues(client: MockClient, read: str) -> None:
    issues = {i["id"]: i for i in everything(client, "/v1/issues", read)}
    linked_seen = 0
    for summary in everything(client, "/v1/sessions", read):
        detail = client.get(f"/v1/sessions/{summary['id']}", key=read).json()
        assert {k: detail[k] for k in summary} == summary
        assert len(detail["messages"]) == detail["message_count"]
        assert [m["created_at"] for m in detail["messages"]] == sorted(m["created_at"] for m in detail["messages"])
        for link in detail["linked_issues"]:
            linked_seen += 1
            assert issues[link["id"]]["title"] == link["title"]
    assert linked_seen > 0


def test_issue_detail_lists_the_sessions_that_raised_it(client: MockClient, read: str) -> None:
    for summary in everything(client, "/v1/issues", read):
        detail = client.get(f"/v1/issues/{summary['id']}", key=read).json()
        assert detail["upvote_count"] >= len(detail["sessions"]) >= 0
        for session in detail["sessions"]:
            linked = client.get(f"/v1/sessions/{session['id']}", key=read).json()["linked_issues"]
            assert summary["id"] in {i["id"] for i in linked}


# -- creates -------------------------------------------------------------------------------------------


def test_created_session_is_readable_from_both_documents(client: MockClient, standard: str) -> None:
    before = client.get("/v1/sessions?limit=1", key=standard).json()["total"]
    response = client.post(f"{INTERNAL}/sessions", key=standard, json={
        "customer_email": "Ulla.Svensson@example.com", "message": "The export button is greyed out.",
        "name": "Export button disabled", "tags": ["bug"], "page_url": "https://app.northwind.io/reports",
        "page_title": "Reports", "user_metadata": {"plan": "pro"},
    })
    assert response.status_code == 201
    session = response.json()
    assert session["id"].startswith("sess_")
    assert response.headers["Location"] == f"{INTERNAL}/sessions/{session['id']}"
    assert (session["status"], session["source"], session["session_type"], session["message_count"]) == (
        "active", "api", "chat", 1)
    assert session["messages"] == [{"sender": "user", "content": "The export button is greyed out.",
                                    "created_at": session["created_at"]}]
    assert session["linked_issues"] == [] and session["tags"] == ["bug"]
    assert client.get(response.headers["Location"], key=standard).json() == session
    assert client.get(f"/v1/sessions/{session['id']}", key=standard).json() == session
    listed = client.get("/v1/sessions?limit=1", key=standard).json()
    assert listed["total"] == before + 1 and listed["data"][0]["id"] == session["id"]
    assert client.get("/v1/sessions?search=greyed", key=standard).json()["total"] == 0
    assert client.get("/v1/sessions?search=Export button disabled", key=standard).json()["total"] >= 1


def test_created_session_links_a_known_customer_by_email(client: MockClient, read: str, standard: str) -> None:
    customer = paginate(client, "/v1/customers", read)[0]
    session = client.post("/v1/sessions", key=standard,
                          json={"customer_email": customer["email"].upper(), "message": "Hi"}).json()
    assert session["customer_id"] == customer["id"]


def test_created_session_is_invisible_to_other_projects(client: MockClient, keys: Keys, standard: str) -> None:
    session = client.post("/v1/sessions", key=standard, json={"customer_email": "a@b.io", "message": "Hi"}).json()
    assert client.get(f"/v1/sessions/{session['id']}", key=keys.get("proj_lumen", "full")).status_code == 404


def test_customer_import_upserts_by_email(client: MockClient, read: str, standard: str) -> None:
    existing = paginate(client, "/v1/customers", read)[0]
    result = client.post("/v1/customers/import", key=standard, json={"customers": [
        {"email": existing["email"].upper(), "title": "Chief Feedback Officer"},
        {"name": "Dana Ruiz", "email": "dana@newco.io", "is_champion": True,
         "company": {"name": "NewCo", "domain": "newco.io", "stage": "active", "arr": 120000}},
        {"email": "missing-at.example.com"},
        {"name": "No email"},
        {"email": "x@newco.io", "company": {"domain": "newco.io", "stage": "unicorn"}},
        {"email": "y@newco.io", "company": {"name": "No domain"}},
        {"email": "dana@newco.io", "title": "VP Product"},
    ]}).json()
    assert result == {"created": 1, "updated": 2, "total": 7, "errors": [
        {"index": 2, "message": "Invalid email format."},
        {"index": 3, "message": "Missing email."},
        {"index": 4, "message": "Invalid company stage 'unicorn'."},
        {"index": 5, "message": "Company domain is required."},
    ]}
    updated = client.get(f"/v1/customers?search={existing['email']}", key=read).json()["data"][0]
    assert updated["id"] == existing["id"] and updated["title"] == "Chief Feedback Officer"
    assert updated["updated_at"] >= existing["updated_at"]
    dana = client.get("/v1/customers?search=dana@newco.io", key=read).json()
    assert dana["total"] == 1
    assert dana["data"][0]["title"] == "VP Product" and dana["data"][0]["company"]["stage"] == "active"


def test_customer_import_without_creating_companies(client: MockClient, read: str, standard: str) -> None:
    known = next(c["company"]["domain"] for c in paginate(client, "/v1/customers", read) if c["company"])
    result = client.post("/v1/customers/import", key=standard, json={"create_missing_companies": False, "customers": [
        {"email": "a@unknown.io", "company": {"domain": "unknown.io"}},
        {"email": f"new.person@{known}", "company": {"domain": known}},
    ]}).json()
    assert result["created"] == 1
    assert result["errors"] == [{"index": 0, "message": "Unknown company domain 'unknown.io'."}]


def test_company_change_shows_on_every_customer_of_that_company(client: MockClient, read: str, standard: str) -> None:
    customers = paginate(client, "/v1/customers", read)
    domain = next(c["company"]["domain"] for c in customers if c["company"])
    colleagues = [c["id"] for c in customers if (c["company"] or {}).get("domain") == domain]
    client.post("/v1/customers/import", key=standard,
                json={"customers": [{"email": f"new@{domain}", "company": {"domain": domain, "stage": "churned"}}]})
    after = {c["id"]: c for c in everything(client, "/v1/customers", read)}
    assert all(after[c]["company"]["stage"] == "churned" for c in colleagues)
    assert {c for c in after if after[c]["company"] and after[c]["company"]["domain"] == domain} >= set(colleagues)


def test_customer_import_accepts_500_rows(client: MockClient, standard: str) -> None:
    rows = [{"email": f"bulk{i}@bulk.io"} for i in range(500)]
    result = client.post("/v1/customers/import", key=standard, json={"customers": rows}).json()
    assert result == {"created": 500, "updated": 0, "errors": [], "total": 500}


@pytest.mark.parametrize("body", [
    {"type": "website", "name": "Marketing", "url": "https://www.example.com"},
    {"type": "docs_portal", "url": "http://docs.example.com"},
    {"type": "raw_text", "name": "FAQ", "content": "Pro costs $49.", "enabled": False},
])
def test_created_knowledge_source_starts_pending(client: MockClient, standard: str, body: dict) -> None:
    response = client.post("/v1/knowledge-sources", key=standard, json=body)
    assert response.status_code == 201
    source = response.json()
    assert source["id"].startswith("ks_") and source["status"] == "pending"
    assert source["enabled"] is body.get("enabled", True) and source["type"] == body["type"]
    assert source["analyzed_at"] is None and source["error_message"] is None
    assert response.headers["Location"] == f"/v1/knowledge-sources/{source['id']}"
    listed = client.get(f"{INTERNAL}/settings/knowledge-sources", key=standard).json()["data"]
    assert listed[0] == source


def test_second_codebase_is_409_naming_the_first(client: MockClient, keys: Keys) -> None:
    key = keys.get("proj_lumen", "standard")
    codebase = {"type": "codebase", "repository_url": "https://github.com/lumen/app", "repository_branch": "main"}
    first = client.post("/v1/knowledge-sources", key=key, json=codebase)
    assert first.status_code == 201
    second = client.post("/v1/knowledge-sources", key=key, json={**codebase, "repository_branch": "dev"})
    assert second.status_code == 409
    assert second.json() == {"error": f"The project already has a codebase source ({first.json()['id']}): "
                                      "a project has at most one."}
    listed = client.get("/v1/knowledge-sources?type=codebase", key=key).json()
    assert [source["id"] for source in listed["data"]] == [first.json()["id"]]


def test_webhook_lifecycle(client: MockClient, keys: Keys) -> None:
    standard, full = keys.get(NW, "standard"), keys.get(NW, "full")
    response = client.post("/v1/webhooks", key=standard, json={
        "url": "https://hooks.northwind.io/hissuno", "events": ["session.created", "issue.created"],
        "description": "Warehouse"})
    assert response.status_code == 201
    webhook = response.json()
    assert webhook["secret"].startswith("whsec_") and webhook["enabled"] is True
    assert response.headers["Location"] == f"/v1/webhooks/{webhook['id']}"
    public = {k: v for k, v in webhook.items() if k != "secret"}
    assert client.get(f"/v1/webhooks/{webhook['id']}", key=standard).json() == public
    listed = client.get("/v1/webhooks", key=standard).json()
    assert listed["data"] == [public] and listed["total"] == 1
    assert "whsec_" not in client.get("/v1/webhooks", key=standard).text
    assert client.get("/v1/webhooks", key=keys.get("proj_lumen", "full")).json()["total"] == 0
    assert client.delete(f"/v1/webhooks/{webhook['id']}", key=full).status_code == 204
    assert client.get(f"/v1/webhooks/{webhook['id']}", key=standard).status_code == 404
    assert client.delete(f"/v1/webhooks/{webhook['id']}", key=full).status_code == 404


def test_webhook_url_must_be_https_except_on_localhost(client: MockClient, standard: str) -> None:
    for url, status in (("http://localhost:3000/hooks", 201), ("http://127.0.0.1:9000/", 201),
                        ("http://example.com/hooks", 422), ("ftp://example.com", 422)):
        assert client.post("/v1/webhooks", key=standard,
                           json={"url": url, "events": ["session.created"]}).status_code == status, url
