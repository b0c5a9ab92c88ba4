"""``sqlite:///mock.db``: the data in one SQLite file, shared by the workers of one host, kept across restarts.

The file remembers the fixture and seed it was seeded from and refuses another; ``/__mock/reset`` puts the
seeded data back for every worker. The path follows SQLAlchemy's convention: ``sqlite:///mock.db`` is relative
to the working directory, ``sqlite:////tmp/mock.db`` is absolute.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from mockserver.stores.base import BaseStore, Dataset, Presenter, StoreError
from mockserver.stores.codec import decode_doc, encode_doc
from mockserver.stores.ids import random_id
from mockserver.stores.query import Doc
from mockserver.stores.snapshot import Snapshot

# Documents in a rowid table, found through a unique index: kilobyte JSON bodies in a WITHOUT ROWID table
# (clustered on the key) spill into overflow pages, and the file came out three times larger and slower to
# write and to read a whole kind from.
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    project TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL,
    UNIQUE (project, kind, id)
);
CREATE TABLE IF NOT EXISTS versions (
    project TEXT NOT NULL, kind TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (project, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counts (
    project TEXT NOT NULL, kind TEXT NOT NULL, documents INTEGER NOT NULL,
    PRIMARY KEY (project, kind)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS count_added AFTER INSERT ON documents BEGIN
    INSERT INTO counts VALUES (new.project, new.kind, 1)
    ON CONFLICT (project, kind) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER IF NOT EXISTS count_removed AFTER DELETE ON documents BEGIN
    UPDATE counts SET documents = documents - 1 WHERE project = old.project AND kind = old.kind;
END;
"""
# ``counts`` answers the cap on created documents in one lookup (COUNT(*) walks the index: 5 ms at 100,000
# documents); the triggers keep it right whoever writes. A file from before it gets it filled once.
FILL_COUNTS = "INSERT INTO counts SELECT project, kind, COUNT(*) FROM documents GROUP BY project, kind"
BUSY_TIMEOUT_MS = 10_000


def sqlite_path(uri: str) -> Path:
    """``sqlite:///rel.db`` -> ``rel.db``; ``sqlite:////abs/x.db`` -> ``/abs/x.db``."""
    prefix = "sqlite:///"
    if not uri.lower().startswith(prefix) or len(uri) == len(prefix):
        raise StoreError(f"state {uri!r}: expected sqlite:///relative/path.db or sqlite:////absolute/path.db")
    return Path(uri[len(prefix):]).expanduser()


class WriterLock:
    """An exclusive ``flock`` on a file next to the database, held for each write transaction.

    A writer blocked on it is woken the moment it is free, where SQLite's own busy handler sleeps and polls
    (stalling the worker's event loop). Without ``fcntl`` (Windows) writers fall back to SQLite's waiting.
    """

    def __init__(self, path: Path) -> None:
        self._fd: int | None = None
        if fcntl is not None:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def __enter__(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class SQLiteStore(BaseStore):
    """A :class:`~mockserver.stores.base.Store` in a SQLite file (one connection per process)."""

    def __init__(self, uri: str, dataset: Dataset, *, present: Presenter | None = None,
                 max_created: int | None = None) -> None:
        super().__init__(dataset, present=present, max_created=max_created)
        self.path = sqlite_path(uri)
        if not self.path.parent.is_dir():
            raise StoreError(f"state {uri!r}: directory {self.path.parent.resolve()} does not exist")
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=BUSY_TIMEOUT_MS / 1000)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._db.execute("PRAGMA synchronous = OFF")  # a mock's data: no fsync (survives the process, not the OS)
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise StoreError(f"state {uri!r}: cannot open {self.path}: {error}") from None
        if str(mode).lower() != "wal":
            raise StoreError(f"state {uri!r}: {self.path} cannot use write-ahead logging (journal mode {mode})")
        self._writer_turn = WriterLock(Path(f"{self.path}-writer.lock"))
        self._depth = 0
        self._random = random.Random(os.urandom(16))  # per process (SystemRandom: a syscall a draw)
        self._tables: dict[tuple[str, str], Snapshot] = {}
        self._known: dict[tuple[str, str], tuple[int, int]] = {}  # (project, kind) -> (data_version, version)
        self._seed_once(uri)

    # -- transactions ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, re-entrant; the writers of every process take turns on the writer lock."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            with self._writer_turn:
                self._db.execute("BEGIN IMMEDIATE")
                self._depth = 1
                try:
                    yield self._db
                except BaseException:
                    self._depth = 0
                    self._db.execute("ROLLBACK")
                    self._known.clear()
                    self._tables.clear()  # snapshots read inside the transaction may hold rolled-back rows
                    self._ordered = {}
                    raise
                self._depth = 0
                self._db.execute("COMMIT")

    def atomic(self, project_id: str) -> contextlib.AbstractContextManager[Any]:
        return self._writing()

    def _bump(self, db: sqlite3.Connection, project_id: str, kind: str) -> int:
        """Count a write of the kind; its new version."""
        self._known.pop((project_id, kind), None)  # own commits leave this connection's data_version as it was
        row = db.execute("INSERT INTO versions VALUES (?, ?, 1) ON CONFLICT (project, kind) "
                         "DO UPDATE SET version = version + 1 RETURNING version", (project_id, kind)).fetchone()
        return int(row[0])

    def _written(self, db: sqlite3.Connection, project_id: str, kind: str, doc_id: str, doc: Doc | None) -> None:
        """Count this process's write and move the kind's snapshot with it (it writes alone: the writer lock)."""
        version = self._bump(db, project_id, kind)
        snapshot = self._tables.get((project_id, kind))
        if snapshot is not None and not snapshot.follow(version - 1, version, doc_id, doc):
            del self._tables[(project_id, kind)]

    def _seed_once(self, uri: str) -> None:
        fingerprint = self.fingerprint()
        with self._writing() as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
            if row is None:
                self._insert_seeded(db)
                db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
            elif row[0] != fingerprint:
                raise StoreError(f"state {uri!r}: {self.path} holds data seeded from another fixture or seed; "
                                 "start with the same --fixtures and --seed, or use a new file")
            elif db.execute("SELECT 1 FROM counts LIMIT 1").fetchone() is None:
                db.execute(FILL_COUNTS)

    def _insert_seeded(self, db: sqlite3.Connection) -> None:
        db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)", [
            (project, kind, doc["id"], encode_doc(doc))
            for project, kinds in self._dataset.items() for kind, docs in kinds.items() for doc in docs
        ])
        for project, kinds in self._dataset.items():
            for kind in kinds:
                self._bump(db, project, kind)

    def reset(self) -> None:
        """Back to the seeded documents, for every process sharing the file."""
        with self._writing() as db:
            db.execute("DELETE FROM documents")
            db.execute("UPDATE versions SET version = version + 1")
            self._known.clear()
            self._insert_seeded(db)
            self._ordered = {}

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._writer_turn.close()

    # -- reads ----------------------------------------------------------------------------------------

    def version(self, project_id: str, kind: str) -> int:
        """The kind's write count, read from the file again only when it may have changed.

        ``PRAGMA data_version`` changes exactly when another connection (another worker) has committed since
        this connection last looked, and this connection's own writes forget what it knew, so a worker never
        serves a list older than a write another worker has answered.
        """
        with self._lock:
            stamp = self._db.execute("PRAGMA data_version").fetchone()[0]
            known = self._known.get((project_id, kind))
            if known is not None and known[0] == stamp:
                return known[1]
            row = self._db.execute("SELECT version FROM versions WHERE project = ? AND kind = ?",
                                   (project_id, kind)).fetchone()
            version = row[0] if row else 0
            self._known[(project_id, kind)] = (stamp, version)
            return version

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None:
        """From the kind's snapshot while it is current (no query, no parsing), else one row."""
        with self._lock:
            snapshot = self._current(project_id, kind)
            if snapshot is not None:
                return snapshot.by_id.get(doc_id)
            row = self._db.execute("SELECT body FROM documents WHERE project = ? AND kind = ? AND id = ?",
                                   (project_id, kind, doc_id)).fetchone()
        return decode_doc(row[0]) if row else None

    def find(self, project_id: str, kind: str, field: str, value: str) -> Doc | None:
        """The first document whose ``field`` equals ``value`` ignoring case, from an index of the snapshot."""
        with self._lock:
            snapshot = self._current(project_id, kind) or self._load(project_id, kind)
            return snapshot.index(field).get(value.casefold())

    def all(self, project_id: str, kind: str) -> list[Doc]:
        """The kind's documents, parsed once per version (the same objects until the next write)."""
        with self._lock:
            snapshot = self._current(project_id, kind) or self._load(project_id, kind)
            return snapshot.docs

    def _current(self, project_id: str, kind: str) -> Snapshot | None:
        snapshot = self._tables.get((project_id, kind))
        if snapshot is not None and snapshot.version == self.version(project_id, kind):
            return snapshot
        return None

    def _load(self, project_id: str, kind: str) -> Snapshot:
        """The version and the rows it names, read in one transaction (unless already inside one)."""
        query = "SELECT body FROM documents WHERE project = ? AND kind = ?"
        if self._db.in_transaction:
            version, rows = self.version(project_id, kind), self._db.execute(query, (project_id, kind)).fetchall()
        else:
            self._db.execute("BEGIN")
            try:
                version, rows = self.version(project_id, kind), self._db.execute(query, (project_id, kind)).fetchall()
            finally:
                self._db.execute("COMMIT")
        snapshot = self._tables[(project_id, kind)] = Snapshot(version, [decode_doc(row[0]) for row in rows])
        return snapshot

    # -- writes ---------------------------------------------------------------------------------------

    def _make_room(self, db: sqlite3.Connection, project_id: str, kind: str) -> None:
        if self.max_created is not None:
            row = db.execute("SELECT documents FROM counts WHERE project = ? AND kind = ?",
                             (project_id, kind)).fetchone()
            self._check_room(project_id, kind, row[0] if row else 0)

    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc:
        with self._writing() as db:
            self._make_room(db, project_id, kind)
            while True:
                doc = {"id": id_prefix + random_id(self._random), **fields}
                inserted = db.execute("INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?)",
                                      (project_id, kind, doc["id"], encode_doc(doc))).rowcount
                if inserted:
                    break
            self._written(db, project_id, kind, doc["id"], doc)
        self._announce(project_id, kind, "created", doc)
        return doc

    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool:
        with self._writing() as db:
            created = db.execute("SELECT 1 FROM documents WHERE project = ? AND kind = ? AND id = ?",
                                 (project_id, kind, doc["id"])).fetchone() is None
            if created:
                self._make_room(db, project_id, kind)
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (project, kind, id) DO UPDATE SET body = excluded.body",
                       (project_id, kind, doc["id"], encode_doc(doc)))
            self._written(db, project_id, kind, doc["id"], doc)
        if announce:
            self._announce(project_id, kind, "created" if created else "updated", doc)
        return created

    def delete(self, project_id: str, kind: str, doc_id: str) -> bool:
        with self._writing() as db:
            deleted = db.execute("DELETE FROM documents WHERE project = ? AND kind = ? AND id = ?",
                                 (project_id, kind, doc_id)).rowcount > 0
            if deleted:
                self._written(db, project_id, kind, doc_id, None)
        return deleted
