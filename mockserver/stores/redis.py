"""``redis://host:port/db``: the data in Redis, shared by workers on several hosts.

One hash per project and kind, and a version per kind that tells each worker when its parsed snapshot is
stale. Keys live under ``hissuno-mock:state:``; use a database of its own.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

import redis

from mockserver.stores.base import BaseStore, Dataset, Presenter, StoreError
from mockserver.stores.codec import decode_doc, encode_doc
from mockserver.stores.ids import random_id
from mockserver.stores.query import Doc
from mockserver.stores.snapshot import Snapshot

PREFIX = "hissuno-mock:state:"
LOCK_SECONDS = 10


class RedisStore(BaseStore):
    """A :class:`~mockserver.stores.base.Store` in Redis (one connection pool per process)."""

    def __init__(self, uri: str, dataset: Dataset, *, present: Presenter | None = None) -> None:
        super().__init__(dataset, present=present)
        self.uri = uri
        try:
            self._redis = redis.Redis.from_url(uri, socket_timeout=10, socket_connect_timeout=5)
            self._redis.ping()
        except (redis.RedisError, ValueError) as error:
            raise StoreError(f"state {uri!r}: cannot reach Redis: {error}") from None
        self._random = random.Random(os.urandom(16))  # per process (SystemRandom: a syscall a draw)
        self._tables: dict[tuple[str, str], Snapshot] = {}
        self._seed_once()

    @staticmethod
    def _docs_key(project_id: str, kind: str) -> str:
        return f"{PREFIX}docs:{project_id}:{kind}"

    @staticmethod
    def _version_field(project_id: str, kind: str) -> str:
        return f"{project_id}:{kind}"

    _VERSIONS = PREFIX + "versions"
    _META = PREFIX + "meta"

    # -- lifecycle ------------------------------------------------------------------------------------

    def _seed_once(self) -> None:
        fingerprint = self.fingerprint()
        with self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(self._META)
                    stored = pipe.hget(self._META, "fingerprint")
                    if stored is not None:
                        if stored.decode() != fingerprint:
                            raise StoreError(f"state {self.uri!r}: the database holds data seeded from another "
                                             "fixture or seed; start with the same --fixtures and --seed, or use "
                                             "another database")
                        return
                    pipe.multi()
                    self._write_seeded(pipe)
                    pipe.hset(self._META, "fingerprint", fingerprint)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue

    def _write_seeded(self, pipe: Any) -> None:
        for project, kinds in self._dataset.items():
            for kind, docs in kinds.items():
                if docs:
                    pipe.hset(self._docs_key(project, kind),
                              mapping={doc["id"]: encode_doc(doc) for doc in docs})
                pipe.hincrby(self._VERSIONS, self._version_field(project, kind), 1)

    def reset(self) -> None:
        """Back to the seeded documents, for every worker sharing the database."""
        stale = list(self._redis.scan_iter(match=f"{PREFIX}docs:*", count=1000))
        known = self._redis.hkeys(self._VERSIONS)
        with self._redis.pipeline(transaction=True) as pipe:
            if stale:
                pipe.delete(*stale)
            for field in known:
                pipe.hincrby(self._VERSIONS, field, 1)
            self._write_seeded(pipe)
            pipe.execute()
        with self._lock:
            self._ordered = {}

    def atomic(self, project_id: str) -> AbstractContextManager[Any]:
        return self._redis.lock(f"{PREFIX}lock:{project_id}", timeout=LOCK_SECONDS,
                                blocking_timeout=LOCK_SECONDS)

    def close(self) -> None:
        self._redis.close()

    # -- reads ----------------------------------------------------------------------------------------

    def version(self, project_id: str, kind: str) -> int:
        value = self._redis.hget(self._VERSIONS, self._version_field(project_id, kind))
        return int(value) if value is not None else 0

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None:
        raw = self._redis.hget(self._docs_key(project_id, kind), doc_id)
        return decode_doc(raw) if raw is not None else None

    def all(self, project_id: str, kind: str) -> list[Doc]:
        """The kind's documents, parsed once per version (the same objects until the next write)."""
        return self._snapshot(project_id, kind).docs

    def find(self, project_id: str, kind: str, field: str, value: str) -> Doc | None:
        """The first document whose ``field`` equals ``value`` ignoring case, from an index of the snapshot."""
        return self._snapshot(project_id, kind).index(field).get(value.casefold())

    def _snapshot(self, project_id: str, kind: str) -> Snapshot:
        version = self.version(project_id, kind)
        cached = self._tables.get((project_id, kind))
        if cached is None or cached.version != version:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.hget(self._VERSIONS, self._version_field(project_id, kind))
                pipe.hvals(self._docs_key(project_id, kind))
                raw_version, bodies = pipe.execute()
            cached = Snapshot(int(raw_version or 0), [decode_doc(body) for body in bodies])
            with self._lock:
                self._tables[(project_id, kind)] = cached
        return cached

    # -- writes ---------------------------------------------------------------------------------------

    def _follow(self, project_id: str, kind: str, version: int, doc_id: str, doc: Doc | None) -> None:
        """Move the kind's snapshot with this worker's write, which made ``version``; drop it when another
        worker wrote since it was read (the version then moved by more than one)."""
        with self._lock:
            snapshot = self._tables.get((project_id, kind))
            if snapshot is not None and not snapshot.follow(version - 1, version, doc_id, doc):
                del self._tables[(project_id, kind)]

    def _forget(self, project_id: str, kind: str) -> None:
        with self._lock:
            self._tables.pop((project_id, kind), None)

    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc:
        key = self._docs_key(project_id, kind)
        while True:
            doc = {"id": id_prefix + random_id(self._random), **fields}
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.hsetnx(key, doc["id"], encode_doc(doc))
                pipe.hincrby(self._VERSIONS, self._version_field(project_id, kind), 1)
                claimed, version = pipe.execute()
            if claimed:
                self._follow(project_id, kind, version, doc["id"], doc)
                break
            self._forget(project_id, kind)  # the id was taken: a version counted for no write
        self._announce(project_id, kind, "created", doc)
        return doc

    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._docs_key(project_id, kind), doc["id"], encode_doc(doc))
            pipe.hincrby(self._VERSIONS, self._version_field(project_id, kind), 1)
            added, version = pipe.execute()
        self._follow(project_id, kind, version, doc["id"], doc)
        created = bool(added)
        if announce:
            self._announce(project_id, kind, "created" if created else "updated", doc)
        return created

    def delete(self, project_id: str, kind: str, doc_id: str) -> bool:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self._docs_key(project_id, kind), doc_id)
            pipe.hincrby(self._VERSIONS, self._version_field(project_id, kind), 1)
            removed, version = pipe.execute()
        self._follow(project_id, kind, version, doc_id, None)
        return bool(removed)
