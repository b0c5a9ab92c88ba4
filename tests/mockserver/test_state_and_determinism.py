"""Same seed, same bytes; creates are safe under concurrency; reset brings back the seeded state."""

from __future__ import annotations

import threading

import pytest

from mockserver.stores.memory import MemoryStore
from mockserver.stores.query import Filter, Query
from tests.support.client import MockClient
from tests.support.keys import Keys

NW = "proj_northwind"


def snapshot(client: MockClient, keys: Keys, label: str = "read-only") -> dict[str, bytes]:
    """The raw bytes of every list page and every detail, for every project (about 40 requests per key)."""
    bodies: dict[str, bytes] = {}
    for project in ("proj_northwind", "proj_lumen", "proj_orbital"):
        key = keys.get(project, label)
        for resource in ("sessions", "issues", "customers", "settings/knowledge-sources"):
            path = f"/api/projects/{project}/{resource}?limit=100&show_archived=true"
            response = client.get(path, key=key)
            bodies[path] = response.content
            if resource in ("sessions", "issues"):
                for item in response.json()["data"]:
                    detail = f"/api/projects/{project}/{resource}/{item['id']}"
                    bodies[detail] = client.get(detail, key=key).content
    return bodies


def test_same_seed_gives_byte_identical_responses(make_client, keys: Keys) -> None:
    first, second = make_client(seed=7), make_client(seed=7)
    a, b = snapshot(first, keys), snapshot(second, keys)
    assert len(a) > 150
    assert a == b


def test_different_seeds_give_different_data(make_client, keys: Keys) -> None:
    a, b = snapshot(make_client(seed=1), keys), snapshot(make_client(seed=2), keys)
    lists = [path for path in a if path.endswith("show_archived=true")]
    assert all(a[path] != b[path] for path in lists)


def test_reset_restores_the_seeded_bytes(client: MockClient, keys: Keys) -> None:
    before = snapshot(client, keys)
    standard = keys.get(NW, "standard")
    client.post("/v1/sessions", key=standard, json={"customer_email": "a@b.io", "message": "hi"})
    client.post("/v1/customers/import", key=standard, json={"customers": [{"email": "x@y.io"}]})
    existing = client.get("/v1/customers?limit=1", key=standard).json()["data"][0]
    client.post("/v1/customers/import", key=standard,
                json={"customers": [{"email": existing["email"], "title": "Changed"}]})
    client.post("/v1/knowledge-sources", key=standard, json={"type": "raw_text", "content": "x"})
    assert snapshot(client, keys, "full") != before  # another key: the free plan allows 60 a minute
    assert client.post("/__mock/reset", json={}).json()["reset"] is True
    assert snapshot(client, keys) == before


def test_concurrent_creates_lose_nothing_and_duplicate_nothing(client: MockClient, keys: Keys) -> None:
    standard = keys.get("proj_orbital", "standard")
    total = client.get("/v1/sessions?limit=1", key=standard).json()["total"]
    headers = {"Authorization": f"Bearer {standard}"}
    requests = [("POST", "/v1/sessions", {"headers": headers,
                                          "json": {"customer_email": f"c{i}@example.com", "message": f"#{i}"}})
                for i in range(64)]
    responses = client.gather(requests)
    assert [r.status_code for r in responses] == [201] * 64
    ids = [r.json()["id"] for r in responses]
    assert len(set(ids)) == 64
    listed = client.get("/v1/sessions?limit=100", key=standard).json()
    assert listed["total"] == total + 64
    assert set(ids) <= {s["id"] for s in listed["data"]}
    messages = {client.get(f"/v1/sessions/{i}", key=standard).json()["messages"][0]["content"] for i in ids}
    assert messages == {f"#{i}" for i in range(64)}


def test_concurrent_imports_of_the_same_emails_create_each_once(client: MockClient, keys: Keys) -> None:
    standard = keys.get(NW, "standard")
    body = {"customers": [{"email": f"same{i}@dup.io"} for i in range(20)]}
    headers = {"Authorization": f"Bearer {standard}"}
    imports = [("POST", "/v1/customers/import", {"headers": headers, "json": body})] * 8
    results = [r.json() for r in client.gather(imports)]
    assert sum(r["created"] for r in results) == 20
    assert sum(r["updated"] for r in results) == 20 * 7
    assert client.get("/v1/customers?search=@dup.io", key=standard).json()["total"] == 20


def test_store_is_safe_across_threads() -> None:
    store = MemoryStore({"p": {"sessions": []}}, seed=1)
    created: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(200):
            doc = store.create("p", "sessions", {"created_at": "2026-01-01T00:00:00Z"}, "sess_")
            with lock:
                created.append(doc["id"])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(created) == len(set(created)) == 1600
    assert store.list("p", "sessions", Query(limit=100)).total == 1600


def test_store_announces_creates_and_updates() -> None:
    events: list[tuple[str, str, dict]] = []
    store = MemoryStore({"p": {}}, present=lambda kind, doc: {k: v for k, v in doc.items() if k != "secret"})
    store.subscribe(lambda project, event, data: events.append((project, event, data)))
    session = store.create("p", "sessions", {"name": "x"}, "sess_")
    store.put("p", "customers", {"id": "cus_1", "email": "a@b.io"})
    store.put("p", "customers", {"id": "cus_1", "email": "a@b.io", "title": "CTO"})
    store.put("p", "customers", {"id": "cus_1", "email": "a@b.io"}, announce=False)
    store.create("p", "knowledge_sources", {"type": "website"}, "ks_")
    store.create("p", "webhooks", {"url": "https://x.io", "secret": "whsec_x"}, "whk_")
    assert [(p, e) for p, e, _ in events] == [("p", "session.created"), ("p", "customer.created"),
                                             ("p", "customer.updated"), ("p", "knowledge_source.created")]
    assert events[0][2] == session


def test_api_creates_reach_event_subscribers(client: MockClient, keys: Keys, shared_app) -> None:
    events: list[tuple[str, str, dict]] = []
    def record(project: str, event: str, data: dict) -> None:
        events.append((project, event, data))

    shared_app.mock.store.subscribe(record)
    standard = keys.get(NW, "standard")
    session = client.post("/v1/sessions", key=standard, json={"customer_email": "a@b.io", "message": "hi"}).json()
    client.post("/v1/customers/import", key=standard, json={"customers": [{"email": "ev@x.io"}]})
    client.post("/v1/knowledge-sources", key=standard, json={"type": "website", "url": "https://x.io"})
    types = [e for _, e, _ in events]
    assert types[-3:] == ["session.created", "customer.created", "knowledge_source.created"]
    data = next(d for _, e, d in events if e == "session.created" and d["id"] == session["id"])
    assert "messages" not in data and data == {k: v for k, v in session.items()
                                               if k not in ("messages", "linked_issues")}
    shared_app.mock.store._hooks.remove(record)  # the app's own subscriber (webhook deliveries) stays


@pytest.mark.parametrize(("filters", "expected"), [
    ((Filter("a", "eq", 1),), ["x3", "x1"]),
    ((Filter("tags", "any", ("t2",)),), ["x2"]),
    ((Filter("", "search", "HeL", ("name",)),), ["x3", "x1"]),
    ((Filter("nested.flag", "true"),), ["x2"]),
])
def test_store_filters(filters: tuple, expected: list[str]) -> None:
    docs = [
        {"id": "x1", "a": 1, "tags": ["t1"], "name": "hello", "nested": {"flag": False}, "created_at": "1"},
        {"id": "x2", "a": 2, "tags": ["t2"], "name": "world", "nested": {"flag": True}, "created_at": "2"},
        {"id": "x3", "a": 1, "tags": [], "name": "Shell", "nested": None, "created_at": "3"},
    ]
    store = MemoryStore({"p": {"k": docs}})
    page = store.list("p", "k", Query(filters=filters))
    assert [d["id"] for d in page.items] == expected and page.total == len(expected)
