"""Every data store backend behaves the same, and the shared ones (SQLite, a real Redis) are shared.

Two store objects on one SQLite file or one Redis database stand for two worker processes: what one
writes, the other lists at once (its cached list snapshot is invalidated by the version bump).
"""

from __future__ import annotations

import random
import re
import threading
from pathlib import Path

import pytest

from mockserver.stores.base import StoreError
from mockserver.stores.factory import open_store
from mockserver.stores.ids import ID_ALPHABET, random_id
from mockserver.stores.memory import MemoryStore
from mockserver.stores.query import Filter, Query
from mockserver.stores.sqlite import SQLiteStore, sqlite_path

DATASET = {
    "p": {
        "sessions": [{"id": "sess_seed1", "created_at": "2026-01-01T00:00:00Z", "name": "first"},
                     {"id": "sess_seed2", "created_at": "2026-01-02T00:00:00Z", "name": "second"}],
        "customers": [{"id": "cus_seed", "email": "a@b.io", "created_at": "2026-01-01T00:00:00Z"}],
    },
    "q": {"sessions": []},
}
BACKENDS = ("memory", "sqlite", "redis")


@pytest.fixture(params=BACKENDS)
def uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mock.db'}"
    return request.getfixturevalue("redis_url") + "/0"


def ids(store, project: str = "p", kind: str = "sessions") -> list[str]:
    return [doc["id"] for doc in store.list(project, kind, Query(limit=1000)).items]


def test_seeded_documents_are_listed_newest_first(uri: str) -> None:
    store = open_store(uri, DATASET)
    assert ids(store) == ["sess_seed2", "sess_seed1"]
    assert store.get("p", "sessions", "sess_seed1")["name"] == "first"
    assert store.get("p", "sessions", "nope") is None and store.get("zz", "sessions", "sess_seed1") is None
    assert store.project_ids == ["p", "q"]
    store.close()


def test_create_put_delete_and_reset(uri: str) -> None:
    store = open_store(uri, DATASET)
    events: list[tuple[str, str, str]] = []
    store.subscribe(lambda project, event, data: events.append((project, event, data["id"])))
    doc = store.create("p", "sessions", {"created_at": "2026-02-01T00:00:00Z", "big": 2**70}, "sess_")
    assert doc["id"].startswith("sess_") and ids(store)[0] == doc["id"]
    assert store.get("p", "sessions", doc["id"]) == doc  # integers beyond 64 bits survive
    assert store.put("p", "customers", {"id": "cus_seed", "email": "a@b.io", "title": "CTO"}) is False
    assert store.put("p", "customers", {"id": "cus_new", "email": "c@d.io"}) is True
    assert store.get("p", "customers", "cus_seed")["title"] == "CTO"
    assert store.delete("p", "sessions", "sess_seed1") is True and store.delete("p", "sessions", "sess_seed1") is False
    assert events == [("p", "session.created", doc["id"]), ("p", "customer.updated", "cus_seed"),
                      ("p", "customer.created", "cus_new")]
    with store.atomic("p"):
        store.create("p", "sessions", {"created_at": "2026-03-01T00:00:00Z"}, "sess_")
    store.reset()
    assert ids(store) == ["sess_seed2", "sess_seed1"]
    assert store.get("p", "customers", "cus_seed").get("title") is None
    assert store.get("p", "customers", "cus_new") is None
    store.close()


def test_an_error_inside_atomic_leaves_the_store_usable(uri: str) -> None:
    store = open_store(uri, DATASET)
    with pytest.raises(ValueError), store.atomic("p"):
        raise ValueError("boom")
    assert store.create("p", "sessions", {"created_at": "x"}, "sess_")["id"] in ids(store)
    store.close()


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_two_processes_share_one_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    uri = f"sqlite:///{tmp_path / 'shared.db'}" if backend == "sqlite" else request.getfixturevalue("redis_url")
    first, second = open_store(uri, DATASET), open_store(uri, DATASET)
    assert ids(second) == ["sess_seed2", "sess_seed1"]  # cached in the second "worker"
    created = first.create("p", "sessions", {"created_at": "2026-05-01T00:00:00Z"}, "sess_")
    assert ids(second)[0] == created["id"]
    assert second.get("p", "sessions", created["id"]) == created
    renamed = {**created, "name": "renamed"}
    first.put("p", "sessions", renamed)
    assert second.get("p", "sessions", created["id"]) == renamed  # not the copy it listed a moment ago
    assert second.find("p", "customers", "email", "A@B.IO")["id"] == "cus_seed"
    first.put("p", "customers", {"id": "cus_seed", "email": "moved@b.io"})
    assert second.find("p", "customers", "email", "a@b.io") is None
    assert second.find("p", "customers", "email", "MOVED@b.io")["id"] == "cus_seed"
    assert second.delete("p", "sessions", created["id"])
    assert created["id"] not in ids(first)
    first.create("p", "sessions", {"created_at": "2026-06-01T00:00:00Z"}, "sess_")
    second.reset()
    assert ids(first) == ["sess_seed2", "sess_seed1"]
    first.close()
    second.close()


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_worker_follows_its_own_writes_but_not_past_another_workers(backend: str, tmp_path: Path,
                                                                       request: pytest.FixtureRequest) -> None:
    """A worker's snapshot takes in its own writes (no re-read of the kind after each), and is dropped when
    another worker wrote in between."""
    uri = f"sqlite:///{tmp_path / 'follow.db'}" if backend == "sqlite" else request.getfixturevalue("redis_url")
    first, second = open_store(uri, DATASET), open_store(uri, DATASET)
    assert first.find("p", "customers", "email", "a@b.io")["id"] == "cus_seed"  # first's snapshot
    first.put("p", "customers", {"id": "cus_one", "email": "one@b.io"})
    assert first.find("p", "customers", "email", "ONE@b.io")["id"] == "cus_one"
    second.put("p", "customers", {"id": "cus_two", "email": "two@b.io"})
    first.delete("p", "customers", "cus_seed")  # first's snapshot is one write behind: it must not follow
    assert first.find("p", "customers", "email", "two@b.io")["id"] == "cus_two"
    assert first.find("p", "customers", "email", "a@b.io") is None
    assert sorted(doc["id"] for doc in first.all("p", "customers")) == ["cus_one", "cus_two"]
    assert sorted(doc["id"] for doc in second.all("p", "customers")) == ["cus_one", "cus_two"]
    first.close()
    second.close()


def test_ids_never_collide_between_workers(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'ids.db'}"
    first, second = open_store(uri, DATASET), open_store(uri, DATASET)
    made = {first.create("q", "sessions", {"created_at": "t"}, "sess_")["id"] for _ in range(100)}
    made |= {second.create("q", "sessions", {"created_at": "t"}, "sess_")["id"] for _ in range(100)}
    assert len(made) == 200 and set(ids(first, "q")) == made


def test_sqlite_keeps_created_data_across_restarts(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'kept.db'}"
    store = open_store(uri, DATASET)
    created = store.create("p", "sessions", {"created_at": "2026-07-01T00:00:00Z"}, "sess_")
    store.close()
    reopened = open_store(uri, DATASET)
    assert ids(reopened) == [created["id"], "sess_seed2", "sess_seed1"]  # seeded once, not twice
    mode = reopened._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    reopened.close()


def test_a_store_seeded_from_other_data_is_refused(tmp_path: Path, redis_url: str) -> None:
    other = {"p": {"sessions": [{"id": "sess_other", "created_at": "2026-01-01T00:00:00Z"}]}}
    for uri in (f"sqlite:///{tmp_path / 'seeded.db'}", redis_url):
        open_store(uri, DATASET).close()
        with pytest.raises(StoreError, match="seeded from another fixture or seed"):
            open_store(uri, other)


@pytest.mark.parametrize(("uri", "message"), [
    ("mongodb://localhost", "unknown store"),
    ("sqlite://", "expected sqlite:///"),
    ("sqlite:///no/such/directory/x.db", "does not exist"),
    ("redis://127.0.0.1:1/0", "cannot reach Redis"),
])
def test_unusable_stores_are_one_clear_error(uri: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(uri, DATASET)


def test_sqlite_uri_follows_sqlalchemy() -> None:
    assert str(sqlite_path("sqlite:///mock.db")) == "mock.db"
    assert str(sqlite_path("sqlite:////tmp/mock.db")) == "/tmp/mock.db"


class StaleSQLiteStore(SQLiteStore):
    """A deliberately broken backend: writes do not bump the version, so other workers keep stale lists."""

    def _bump(self, db, project_id: str, kind: str) -> int:
        return self.version(project_id, kind)


def test_the_sharing_test_catches_a_store_that_forgets_to_invalidate(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'stale.db'}"
    first, second = StaleSQLiteStore(uri, DATASET), StaleSQLiteStore(uri, DATASET)
    assert ids(second) == ["sess_seed2", "sess_seed1"]
    created = first.create("p", "sessions", {"created_at": "2026-05-01T00:00:00Z"}, "sess_")
    assert created["id"] not in ids(second)  # what test_two_processes_share_one_store would catch


class DeafSQLiteStore(SQLiteStore):
    """A deliberately broken backend: trusts the versions it read once, never asking whether another worker wrote."""

    def version(self, project_id: str, kind: str) -> int:
        known = self._known.get((project_id, kind))
        return known[1] if known is not None else super().version(project_id, kind)


def test_the_sharing_test_catches_a_store_that_does_not_ask_for_changes(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'deaf.db'}"
    first, second = DeafSQLiteStore(uri, DATASET), DeafSQLiteStore(uri, DATASET)
    assert ids(second) == ["sess_seed2", "sess_seed1"]
    created = first.create("p", "sessions", {"created_at": "2026-05-01T00:00:00Z"}, "sess_")
    assert created["id"] not in ids(second)  # what test_two_processes_share_one_store would catch
    assert second.get("p", "sessions", created["id"]) is None


def test_sqlite_writers_take_turns_without_sqlites_busy_polling(tmp_path: Path) -> None:
    """A writer waits on the writer lock for another worker's transaction, not in SQLite's sleeping retry loop.

    The second store's busy timeout is zero, so if it ever reached SQLite's lock while the first one writes
    it would fail at once with "database is locked" instead of waiting its turn.
    """
    uri = f"sqlite:///{tmp_path / 'turns.db'}"
    first, second = open_store(uri, DATASET), open_store(uri, DATASET)
    second._db.execute("PRAGMA busy_timeout = 0")
    events: list[str] = []
    writing = threading.Event()

    def write_later() -> None:
        writing.wait()
        second.create("p", "sessions", {"created_at": "2026-05-02T00:00:00Z"}, "sess_")
        events.append("second committed")

    other = threading.Thread(target=write_later)
    other.start()
    with first.atomic("p"):
        first.create("p", "sessions", {"created_at": "2026-05-01T00:00:00Z"}, "sess_")
        writing.set()
        other.join(timeout=0.2)  # the other worker arrives and waits for the lock
        events.append("first committing")
    other.join()
    assert events == ["first committing", "second committed"]
    assert len(ids(first)) == len(ids(second)) == 4
    first.close()
    second.close()


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_the_api_behaves_the_same_on_a_shared_store(backend: str, tmp_path: Path, make_client, keys,
                                                    request: pytest.FixtureRequest) -> None:
    state = f"sqlite:///{tmp_path / 'api.db'}" if backend == "sqlite" else request.getfixturevalue("redis_url")
    mock = make_client(state=state)
    standard, full = keys.get("proj_northwind", "standard"), keys.get("proj_northwind", "full")
    total = mock.get("/v1/sessions?limit=1", key=standard).json()["total"]
    session = mock.post("/v1/sessions", key=standard, json={"customer_email": "a@b.io", "message": "hi"}).json()
    assert mock.get(f"/v1/sessions/{session['id']}", key=standard).json() == session
    assert mock.get("/v1/sessions?limit=1", key=standard).json()["total"] == total + 1
    body = {"customers": [{"email": "dup@x.io"}, {"email": "DUP@x.io", "title": "CTO"}]}
    assert mock.post("/v1/customers/import", key=standard, json=body).json()["created"] == 1
    assert mock.get("/v1/customers?search=dup@x.io", key=standard).json()["data"][0]["title"] == "CTO"
    codebase = {"type": "codebase", "repository_url": "https://github.com/x/y"}
    codebases = [mock.post("/v1/knowledge-sources", key=standard, json=codebase).status_code for _ in range(2)]
    assert codebases.count(422) >= 1  # the seeded data may already hold the project's one codebase
    webhook = mock.post("/v1/webhooks", key=standard, json={"url": "https://x.io/h", "events": ["issue.created"]})
    assert webhook.json()["secret"].startswith("whsec_")
    assert "secret" not in mock.get(f"/v1/webhooks/{webhook.json()['id']}", key=standard).json()
    assert mock.delete(f"/v1/webhooks/{webhook.json()['id']}", key=full).status_code == 204
    assert mock.post("/__mock/reset").status_code == 200
    assert mock.get(f"/v1/sessions/{session['id']}", key=standard).status_code == 404
    assert mock.get("/v1/sessions?limit=1", key=standard).json()["total"] == total


def test_a_rolled_back_write_leaves_no_stale_snapshot(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'rollback.db'}"
    first, second = open_store(uri, DATASET), open_store(uri, DATASET)
    with pytest.raises(ValueError), first.atomic("p"):
        doomed = first.create("p", "sessions", {"created_at": "2026-08-01T00:00:00Z"}, "sess_")
        assert doomed["id"] in ids(first)  # read (and cached) inside the transaction
        raise ValueError("the handler failed")
    other = second.create("p", "sessions", {"created_at": "2026-09-01T00:00:00Z"}, "sess_")  # same version number
    assert ids(first) == [other["id"], "sess_seed2", "sess_seed1"]


def test_find_looks_up_by_email_ignoring_case_and_follows_writes(uri: str) -> None:
    store = open_store(uri, DATASET)
    assert store.find("p", "customers", "email", "A@B.IO")["id"] == "cus_seed"
    assert store.find("p", "customers", "email", "nobody@b.io") is None
    assert store.find("q", "customers", "email", "a@b.io") is None  # another project
    store.put("p", "customers", {"id": "cus_seed", "email": "moved@b.io"})
    assert store.find("p", "customers", "email", "a@b.io") is None
    assert store.find("p", "customers", "email", "Moved@B.io")["id"] == "cus_seed"
    created = store.create("p", "customers", {"email": "New@X.io"}, "cus_")
    assert store.find("p", "customers", "email", "new@x.io") == created
    store.delete("p", "customers", created["id"])
    assert store.find("p", "customers", "email", "new@x.io") is None
    store.reset()
    assert store.find("p", "customers", "email", "a@b.io")["id"] == "cus_seed"
    assert store.find("p", "customers", "email", "moved@b.io") is None
    store.close()


def _expected_order(docs: list[dict], sort: str, archived: bool) -> list[str]:
    """What a list must show, computed the slow way: filter, then sort everything newest first."""
    kept = [d for d in docs if archived or d["is_archived"] is False]
    return [d["id"] for d in sorted(kept, key=lambda d: (d.get(sort) or "", d["id"]), reverse=True)]


def test_memory_views_stay_sorted_through_random_writes() -> None:
    """Creates, updates (which move a document), deletes and ties in the sort field, checked after each write
    against a full sort; the views are kept in step, never rebuilt (the same view answers before and after)."""
    rng = random.Random(5)
    stamps = [f"2026-01-{day:02d}T00:00:00Z" for day in range(1, 8)]  # few values: many ties, broken by id
    docs = [{"id": f"s{i:03d}", "updated_at": rng.choice(stamps), "is_archived": rng.random() < 0.3}
            for i in range(60)]
    store = MemoryStore({"p": {"k": docs}}, seed=3)
    visible = (Filter("is_archived", "eq", False),)
    queries = {False: Query(filters=visible, sort="updated_at", limit=1000),
               True: Query(sort="updated_at", limit=1000)}
    sources = {archived: store.list("p", "k", query).source for archived, query in queries.items()}
    for step in range(300):
        current = store.all("p", "k")
        action = rng.random()
        if action < 0.4 or not current:
            store.create("p", "k", {"updated_at": rng.choice(stamps), "is_archived": rng.random() < 0.3}, "s_")
        elif action < 0.8:
            doc = rng.choice(current)
            store.put("p", "k", {**doc, "updated_at": rng.choice(stamps), "is_archived": rng.random() < 0.3})
        else:
            store.delete("p", "k", rng.choice(current)["id"])
        current = store.all("p", "k")
        for archived, query in queries.items():
            page = store.list("p", "k", query)
            assert [d["id"] for d in page.items] == _expected_order(current, "updated_at", archived), step
            assert page.total == len(page.items) and page.source is sources[archived]
    offset_page = store.list("p", "k", Query(sort="updated_at", limit=7, offset=11))
    assert [d["id"] for d in offset_page.items] == _expected_order(store.all("p", "k"), "updated_at", True)[11:18]


def test_memory_page_token_changes_only_when_the_result_set_does() -> None:
    store = MemoryStore(DATASET, seed=1)
    query = Query(sort="created_at")
    first = store.list("p", "sessions", query)
    assert store.list("p", "sessions", query).token is first.token
    store.create("p", "customers", {"email": "x@y.io"}, "cus_")  # another kind: same sessions
    assert store.list("p", "sessions", query).token is first.token
    store.create("p", "sessions", {"created_at": "2026-02-01T00:00:00Z"}, "sess_")
    assert store.list("p", "sessions", query).token is not first.token


class ResortingMemoryStore(MemoryStore):
    """A deliberately broken backend: every write throws the sorted views away (the old re-sort on read)."""

    def _write(self, project_id: str, kind: str, old, new) -> None:
        super()._write(project_id, kind, old, new)
        self._collection(project_id, kind).views.clear()


def test_the_view_check_catches_a_store_that_rebuilds_after_writes() -> None:
    store = ResortingMemoryStore(DATASET, seed=1)
    source = store.list("p", "sessions", Query()).source
    store.create("p", "sessions", {"created_at": "2026-02-01T00:00:00Z"}, "sess_")
    assert store.list("p", "sessions", Query()).source is not source  # what the random-writes test would catch


def test_random_ids_use_the_id_alphabet_and_follow_the_seed() -> None:
    made = [random_id(random.Random(9), 10) for _ in range(2)]
    assert made[0] == made[1] and re.fullmatch(r"[a-z0-9]{10}", made[0])
    rng = random.Random(1)
    many = {random_id(rng, 8) for _ in range(5000)}
    assert len(many) == 5000 and all(len(i) == 8 for i in many)
    assert set("".join(many)) == set(ID_ALPHABET)  # every character turns up
