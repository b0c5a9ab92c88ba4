"""``sqlite:///mock.db``: the data in one SQLite file, shared by every worker on the host and kept across restarts.

SQLite in WAL mode lets readers run while one writer writes, which is what a mock sees (mostly lists and
reads). A write and the version bump that invalidates every worker's list cache commit together, so a
session created on one worker is in the next list another worker serves. The file is seeded on first
start and remembers the fixture and seed it was seeded from (a digest of the seeded data): starting it
with another fixture or seed is refused rather than mixing two data sets. ``/__mock/reset`` puts the
seeded data back for every worker.

The path follows SQLAlchemy's convention: ``sqlite:///mock.db`` is relative to the working directory,
``sqlite:////tmp/mock.db`` is absolute.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from mockserver.store import (
    ID_ALPHABET,
    ID_LENGTH,
    BaseStore,
    Dataset,
    Doc,
    Presenter,
    StoreError,
    decode_doc,
    encode_doc,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    project TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (project, kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions (
    project TEXT NOT NULL, kind TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (project, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
BUSY_TIMEOUT_MS = 10_000


def sqlite_path(uri: str) -> Path:
    """``sqlite:///rel.db`` -> ``rel.db``; ``sqlite:////abs/x.db`` -> ``/abs/x.db``."""
    prefix = "sqlite:///"
    if not uri.lower().startswith(prefix) or len(uri) == len(prefix):
        raise StoreError(f"state {uri!r}: expected sqlite:///relative/path.db or sqlite:////absolute/path.db")
    return Path(uri[len(prefix):]).expanduser()


class SQLiteStore(BaseStore):
    """A :class:`~mockserver.store.Store` in a SQLite file (one connection per process)."""

    def __init__(self, uri: str, dataset: Dataset, *, present: Presenter | None = None) -> None:
        super().__init__(dataset, present=present)
        self.path = sqlite_path(uri)
        if not self.path.parent.is_dir():
            raise StoreError(f"state {uri!r}: directory {self.path.parent.resolve()} does not exist")
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=BUSY_TIMEOUT_MS / 1000)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise StoreError(f"state {uri!r}: cannot open {self.path}: {error}") from None
        if str(mode).lower() != "wal":
            raise StoreError(f"state {uri!r}: {self.path} cannot use write-ahead logging (journal mode {mode})")
        self._depth = 0
        self._random = random.SystemRandom()
        self._tables: dict[tuple[str, str], tuple[int, list[Doc]]] = {}
        self._seed_once(uri)

    # -- transactions ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``: other processes' writers wait), re-entrant."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._db
            except BaseException:
                self._depth = 0
                self._db.execute("ROLLBACK")
                self._tables.clear()  # snapshots read inside the transaction may hold rolled-back rows
                self._ordered = {}
                raise
            self._depth = 0
            self._db.execute("COMMIT")

    def atomic(self, project_id: str) -> contextlib.AbstractContextManager[Any]:
        return self._writing()

    def _bump(self, db: sqlite3.Connection, project_id: str, kind: str) -> None:
        db.execute("INSERT INTO versions VALUES (?, ?, 1) "
                   "ON CONFLICT (project, kind) DO UPDATE SET version = version + 1", (project_id, kind))

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
            self._insert_seeded(db)
            self._ordered = {}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- reads ----------------------------------------------------------------------------------------

    def version(self, project_id: str, kind: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT version FROM versions WHERE project = ? AND kind = ?",
                                   (project_id, kind)).fetchone()
        return row[0] if row else 0

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM documents WHERE project = ? AND kind = ? AND id = ?",
                                   (project_id, kind, doc_id)).fetchone()
        return decode_doc(row[0]) if row else None

    def all(self, project_id: str, kind: str) -> list[Doc]:
        """The kind's documents, parsed once per version (the same objects until the next write)."""
        with self._lock:
            version = self.version(project_id, kind)
            cached = self._tables.get((project_id, kind))
            if cached is None or cached[0] != version:
                version, rows = self._snapshot(project_id, kind)
                cached = (version, [decode_doc(row[0]) for row in rows])
                self._tables[(project_id, kind)] = cached
            return list(cached[1])

    def _snapshot(self, project_id: str, kind: str) -> tuple[int, list[tuple[bytes]]]:
        """The version and the rows it names, read in one transaction (unless already inside one)."""
        query = "SELECT body FROM documents WHERE project = ? AND kind = ?"
        if self._db.in_transaction:
            return self.version(project_id, kind), self._db.execute(query, (project_id, kind)).fetchall()
        self._db.execute("BEGIN")
        try:
            return self.version(project_id, kind), self._db.execute(query, (project_id, kind)).fetchall()
        finally:
            self._db.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------------------------

    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc:
        with self._writing() as db:
            while True:
                doc = {"id": id_prefix + "".join(self._random.choices(ID_ALPHABET, k=ID_LENGTH)), **fields}
                inserted = db.execute("INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?)",
                                      (project_id, kind, doc["id"], encode_doc(doc))).rowcount
                if inserted:
                    break
            self._bump(db, project_id, kind)
        self._announce(project_id, kind, "created", doc)
        return doc

    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool:
        with self._writing() as db:
            created = db.execute("SELECT 1 FROM documents WHERE project = ? AND kind = ? AND id = ?",
                                 (project_id, kind, doc["id"])).fetchone() is None
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (project, kind, id) DO UPDATE SET body = excluded.body",
                       (project_id, kind, doc["id"], encode_doc(doc)))
            self._bump(db, project_id, kind)
        if announce:
            self._announce(project_id, kind, "created" if created else "updated", doc)
        return created

    def delete(self, project_id: str, kind: str, doc_id: str) -> bool:
        with self._writing() as db:
            deleted = db.execute("DELETE FROM documents WHERE project = ? AND kind = ? AND id = ?",
                                 (project_id, kind, doc_id)).rowcount > 0
            if deleted:
                self._bump(db, project_id, kind)
        return deleted
