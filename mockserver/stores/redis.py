"""``redis://host:port/db``: the data in Redis, shared by workers on several hosts.

One hash per project and kind, and a version per kind that tells each worker when its parsed snapshot is
stale. Keys live under ``hissuno-mock:state:``; use a database of its own.

Redis may stall, go away or come back empty, and none of that may freeze or mislead the mock: every call has
the mock's Redis deadline and handlers run on threads of the store (:meth:`RedisStore.run`), so a stalled
Redis holds a thread, never the event loop; a Redis that stops answering trips a breaker (503 with
``Retry-After``); a Redis that lost the data (restarted without persistence, flushed) is seeded again the
moment a worker notices, which is on its next request; a project's lock is renewed while its holder works.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import redis

from mockserver.outage import Breaker
from mockserver.pipelined_redis import OUTAGE_ERRORS, STALL_ERRORS, redis_py_timeouts
from mockserver.stores.base import BaseStore, Dataset, Presenter, StoreError
from mockserver.stores.codec import decode_doc, encode_doc
from mockserver.stores.ids import random_id
from mockserver.stores.query import Doc
from mockserver.stores.redis_client import GuardedRedis, RenewedLock
from mockserver.stores.snapshot import Snapshot

PREFIX = "hissuno-mock:state:"
LOCK_SECONDS = 10  # a lock outlives a dead holder by at most this long; a live holder renews it
LOCK_WAIT_SECONDS = 10
THREADS = 8
EPOCH = "@epoch"  # a field of the versions hash: which seeding the data comes from
T = TypeVar("T")
logger = logging.getLogger("mockserver.stores.redis")


def lock_name(project_id: str) -> str:
    """The Redis key of a project's lock."""
    return f"{PREFIX}lock:{project_id}"


class RedisStore(BaseStore):
    """A :class:`~mockserver.stores.base.Store` in Redis (one connection pool per process).

    ``lock_seconds``: how long a project's lock outlives a holder that stopped renewing it;
    ``lock_wait_seconds``: how long a write waits for another worker's before it is a 503.
    """

    def __init__(self, uri: str, dataset: Dataset, *, present: Presenter | None = None,
                 max_created: int | None = None, lock_seconds: float = LOCK_SECONDS,
                 lock_wait_seconds: float = LOCK_WAIT_SECONDS) -> None:
        super().__init__(dataset, present=present, max_created=max_created)
        self.uri = uri
        self.lock_seconds = lock_seconds
        self.lock_wait_seconds = lock_wait_seconds
        self.breaker = Breaker("data store (Redis)", OUTAGE_ERRORS, STALL_ERRORS)
        self._threads = ThreadPoolExecutor(THREADS, thread_name_prefix="redis-store")
        self._loop: asyncio.AbstractEventLoop | None = None  # where handlers were called from, and events go
        self._loop_thread = 0
        self._random = random.Random(os.urandom(16))  # per process (SystemRandom: a syscall a draw)
        self._tables: dict[tuple[str, str], Snapshot] = {}
        self._epoch: bytes | None = None
        try:
            self._redis = GuardedRedis.from_url(uri, **redis_py_timeouts())
            self._redis.ping()
            self._seed_once()
        except (redis.RedisError, ValueError) as error:  # at start-up: one line, no breaker
            raise StoreError(f"state {uri!r}: cannot reach Redis: {error}") from None
        self._redis.breaker = self.breaker

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
        """Seed an empty database (several workers may try at once: one does); refuse another fixture's."""
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
                        pipe.unwatch()
                        self._redis.hsetnx(self._VERSIONS, EPOCH, os.urandom(8).hex())  # a database of old
                        return
                    pipe.multi()
                    self._write_seeded(pipe)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue

    def _write_seeded(self, pipe: Any) -> None:
        """The seeded documents, a new version of every seeded kind, and a new epoch (so that a worker
        drops what it parsed from an earlier seeding even where a version number comes round again)."""
        for project, kinds in self._dataset.items():
            for kind, docs in kinds.items():
                if docs:
                    pipe.hset(self._docs_key(project, kind),
                              mapping={doc["id"]: encode_doc(doc) for doc in docs})
                pipe.hincrby(self._VERSIONS, self._version_field(project, kind), 1)
        pipe.hset(self._META, "fingerprint", self.fingerprint())
        pipe.hset(self._VERSIONS, EPOCH, os.urandom(8).hex())

    def reset(self) -> None:
        """Back to the seeded documents, for every worker sharing the database."""
        stale = list(self._redis.scan_iter(match=f"{PREFIX}docs:*", count=1000))
        known = [field for field in self._redis.hkeys(self._VERSIONS) if field != EPOCH.encode()]
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
        lock = self._redis.lock(lock_name(project_id), timeout=self.lock_seconds, thread_local=False)
        return RenewedLock(lock, project_id, self.lock_wait_seconds)

    async def run(self, work: Callable[[], T]) -> T:
        """Do a handler's work on one of the store's threads: a Redis call waits on the network, and the event
        loop (every other client) must not wait with it."""
        loop = self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        return await loop.run_in_executor(self._threads, work)

    def _announce(self, project_id: str, kind: str, action: str, doc: Doc) -> None:
        """Events go out from the event loop (webhook deliveries are its tasks), whichever thread wrote."""
        loop = self._loop
        if loop is not None and threading.get_ident() != self._loop_thread:
            loop.call_soon_threadsafe(super()._announce, project_id, kind, action, doc)
        else:
            super()._announce(project_id, kind, action, doc)

    def close(self) -> None:
        self._threads.shutdown(wait=False)
        self._redis.close()

    # -- reads ----------------------------------------------------------------------------------------

    def version(self, project_id: str, kind: str) -> int:
        """The kind's write count; first noticing a Redis that lost the data, or a new seeding of it."""
        value, epoch = self._redis.hmget(self._VERSIONS, [self._version_field(project_id, kind), EPOCH])
        if epoch != self._epoch:
            self._adopt_epoch(epoch)
            value = self._redis.hget(self._VERSIONS, self._version_field(project_id, kind))
        return int(value) if value is not None else 0

    def _adopt_epoch(self, epoch: bytes | None) -> None:
        """Forget what was parsed from another seeding; without one, Redis lost the data: seed it again."""
        if epoch is None:
            if self._epoch is not None:
                logger.warning("Redis (%s) lost the mock's data (restarted without persistence, or flushed): "
                               "seeded again; documents created before are gone", self.uri)
            self._seed_once()
            epoch = self._redis.hget(self._VERSIONS, EPOCH)
        with self._lock:
            self._tables.clear()
            self._ordered = {}
            self._epoch = epoch

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None:
        """From the kind's snapshot while it is current (no parsing), else one document."""
        version = self.version(project_id, kind)
        cached = self._tables.get((project_id, kind))
        if cached is not None and cached.version == version:
            return cached.by_id.get(doc_id)
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

    def _make_room(self, project_id: str, kind: str) -> None:
        """The cap, checked before the write: concurrent creates at the very edge may pass it by a few."""
        if self.max_created is not None:
            self._check_room(project_id, kind, self._redis.hlen(self._docs_key(project_id, kind)))

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
        self._make_room(project_id, kind)
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
        if self.max_created is not None and not self._redis.hexists(self._docs_key(project_id, kind), doc["id"]):
            self._make_room(project_id, kind)
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
