"""The mock's data: JSON documents per project and resource kind, with filters, sorting and paging.

This module is the interface; the backends live one per file in :mod:`mockserver.stores` and are chosen
by a URI, like `limits` storages: ``memory://`` (this process only, the default and the fastest),
``sqlite:///mock.db`` (a file shared by the workers of one host, kept across restarts) and
``redis://host:port/0`` (shared by workers on several hosts). :func:`open_store` picks one.

The interface is small on purpose (get, list, all, find, create, put, delete, reset, subscribe, atomic).
Documents are never mutated in place: a change replaces the document, which makes reset cheap and lets
readers hold a document without locks. Every backend answers a list from a snapshot of the kind, sorted and
filtered once and cached until the next write to that kind (a version number each backend keeps), so the
hot path costs the same whichever backend holds the data.

Every create or update is announced to the subscribers as ``(project_id, event_type, data)`` with the
event names of the contract (``session.created``, ``customer.updated``, ...): webhook deliveries hang
off it without touching the handlers.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import orjson

Doc = dict[str, Any]
Dataset = Mapping[str, Mapping[str, Iterable[Doc]]]
EventHook = Callable[[str, str, Doc], None]
Presenter = Callable[[str, Doc], Doc]

EVENT_NAMES = {
    "sessions": "session",
    "issues": "issue",
    "customers": "customer",
    "knowledge_sources": "knowledge_source",
}
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
ID_LENGTH = 10
_QUERY_CACHE_SIZE = 1024
_ID_PAIRS = tuple(a + b for a in ID_ALPHABET for b in ID_ALPHABET)


def random_id(rng: random.Random, length: int = ID_LENGTH) -> str:
    """``length`` characters of :data:`ID_ALPHABET` from one draw of ``rng`` (an even ``length``).

    Two characters per table lookup: a per-character ``choice`` costs several times more, on every create
    and on every seeded document.
    """
    number = rng.getrandbits(6 * length)
    pairs = []
    for _ in range(length // 2):
        number, pair = divmod(number, 1296)
        pairs.append(_ID_PAIRS[pair])
    return "".join(pairs)


@dataclass(frozen=True, slots=True)
class Filter:
    """One condition of a list query.

    ``op``: ``eq`` (field equals value), ``any`` (list field shares an item with value), ``search``
    (case-insensitive substring of any of ``fields``), ``since`` / ``until`` (date-time field at or
    after / before value), ``true`` (field is true).
    """

    field: str
    op: str
    value: Any = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    filters: tuple[Filter, ...] = ()
    sort: str = "created_at"
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Doc]
    total: int
    token: object | None = None  # the same object for the same result set: lets callers cache renderings
    source: object | None = None  # the same object for the same query while it is cached: one rendering each


class Store(Protocol):
    """What the handlers need from a data store."""

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None: ...
    def list(self, project_id: str, kind: str, query: Query) -> Page: ...
    def all(self, project_id: str, kind: str) -> list[Doc]: ...
    def find(self, project_id: str, kind: str, field: str, value: str) -> Doc | None: ...
    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc: ...
    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool: ...
    def delete(self, project_id: str, kind: str, doc_id: str) -> bool: ...
    def reset(self) -> None: ...
    def subscribe(self, hook: EventHook) -> None: ...
    def atomic(self, project_id: str) -> AbstractContextManager[Any]: ...
    def close(self) -> None: ...

    @property
    def project_ids(self) -> list[str]: ...


def lookup(doc: Mapping[str, Any], dotted: str) -> Any:
    value: Any = doc
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def parse_timestamp(value: str) -> datetime:
    """An RFC 3339 date-time (``Z`` or an offset; ``t``/``z`` in either case) as an aware datetime."""
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))


Predicate = Callable[[Mapping[str, Any]], bool]


def predicate(condition: Filter) -> Predicate:
    """Compile a :class:`Filter` into a function of a document (lists are filtered on every request)."""
    op, name, value = condition.op, condition.field, condition.value
    if "." in name:
        def get(doc: Mapping[str, Any]) -> Any:
            return lookup(doc, name)
    else:
        def get(doc: Mapping[str, Any]) -> Any:
            return doc.get(name)
    if op == "eq":
        return lambda doc: get(doc) == value
    if op == "true":
        return lambda doc: get(doc) is True
    if op == "any":
        wanted = frozenset(value)
        return lambda doc: not wanted.isdisjoint(get(doc) or ())
    if op == "search":
        needle = str(value).casefold()
        fields = condition.fields
        return lambda doc: any(needle in str(doc.get(f) or "").casefold() for f in fields)
    if op in ("since", "until"):
        def compare(doc: Mapping[str, Any]) -> bool:
            stamp = get(doc)
            if not isinstance(stamp, str):
                return False
            moment = parse_timestamp(stamp)
            return moment >= value if op == "since" else moment <= value
        return compare
    raise ValueError(f"unknown filter op {op!r}")


def matches(doc: Mapping[str, Any], condition: Filter) -> bool:
    return predicate(condition)(doc)


_STDLIB_JSON = b"\x00"


def encode_doc(doc: Mapping[str, Any]) -> bytes:
    """A document as bytes for a shared store: orjson, or the standard library for integers beyond 64 bits."""
    try:
        return orjson.dumps(doc)
    except orjson.JSONEncodeError:
        return _STDLIB_JSON + json.dumps(doc, separators=(",", ":")).encode()


def decode_doc(raw: bytes) -> Doc:
    """The inverse of :func:`encode_doc` (orjson would read a big integer back as a float)."""
    if raw[:1] == _STDLIB_JSON:
        return json.loads(raw[1:])
    return orjson.loads(raw)


class StoreError(RuntimeError):
    """A data store cannot be opened or used; the message names the store."""


class BaseStore:
    """What every backend shares: list queries, cached per kind until it changes, and event announcements.

    A backend supplies :meth:`version` (a number that changes on every write to a project's kind, in every
    process that shares the store) and :meth:`all` (the kind's documents); lists are sorted and filtered
    here, once per version.
    """

    def __init__(self, dataset: Dataset, *, present: Presenter | None = None) -> None:
        self._dataset = {project: {kind: list(docs) for kind, docs in kinds.items()}
                         for project, kinds in dataset.items()}
        self._present = present or (lambda kind, doc: doc)
        self._lock = threading.RLock()
        self._hooks: list[EventHook] = []
        self._ordered: dict[tuple[Any, ...], tuple[object, list[Doc]]] = {}

    def version(self, project_id: str, kind: str) -> object:
        raise NotImplementedError

    def all(self, project_id: str, kind: str) -> list[Doc]:
        raise NotImplementedError

    @property
    def project_ids(self) -> list[str]:
        return list(self._dataset)

    def subscribe(self, hook: EventHook) -> None:
        """Call ``hook(project_id, event_type, data)`` after every announced create or update."""
        self._hooks.append(hook)

    def atomic(self, project_id: str) -> AbstractContextManager[Any]:
        """Hold other writers of the project off while a handler reads and then writes (an upsert)."""
        return self._lock

    def close(self) -> None:
        """Release connections (nothing to do for a store in memory)."""

    def find(self, project_id: str, kind: str, field: str, value: str) -> Doc | None:
        """The first document whose ``field`` equals ``value`` ignoring case (a customer by email).

        This scans the kind; a backend that keeps an index answers faster.
        """
        wanted = value.casefold()
        return next((doc for doc in self.all(project_id, kind)
                     if isinstance(doc.get(field), str) and doc[field].casefold() == wanted), None)

    def list(self, project_id: str, kind: str, query: Query) -> Page:
        rows = self._matching(project_id, kind, query.sort, query.filters)
        return Page(rows[query.offset: query.offset + query.limit], len(rows), rows)

    def _matching(self, project_id: str, kind: str, sort: str, filters: tuple[Filter, ...]) -> list[Doc]:
        """Matching documents, newest first by ``sort`` (ties by id).

        Cached per query until the next write to that kind: a list is the most frequent request, and the
        same filters come back again and again (a frontend polling its first page).
        """
        key = (project_id, kind, sort, filters)
        with self._lock:
            version = self.version(project_id, kind)
            cached = self._ordered.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
            rows = self.all(project_id, kind)
            rows.sort(key=lambda doc: (doc.get(sort) or "", doc["id"]), reverse=True)
            for check in [predicate(f) for f in filters]:
                rows = [doc for doc in rows if check(doc)]
            if len(self._ordered) >= _QUERY_CACHE_SIZE:
                self._ordered.clear()
            self._ordered[key] = (version, rows)
            return rows

    def _announce(self, project_id: str, kind: str, action: str, doc: Doc) -> None:
        name = EVENT_NAMES.get(kind)
        if name is None or not self._hooks:
            return
        data = self._present(kind, doc)
        for hook in list(self._hooks):
            hook(project_id, f"{name}.{action}", data)

    def fingerprint(self) -> str:
        """A digest of the seeded documents: a shared store remembers which fixture and seed it holds."""
        return hashlib.sha256(orjson.dumps(self._dataset, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def scheme_of(uri: str) -> str:
    return uri.split("://", 1)[0].lower() if "://" in uri else uri.lower()


STORE_SCHEMES = ("memory", "sqlite", "redis", "rediss")


def open_store(uri: str, dataset: Dataset, *, seed: int = 0, present: Presenter | None = None) -> Store:
    """The backend named by ``uri`` (``memory://``, ``sqlite:///path.db``, ``redis://host:port/db``).

    A shared backend is seeded on first use and keeps what was created since; it refuses a file or
    database seeded from another fixture or seed rather than mixing the two.
    """
    scheme = scheme_of(uri)
    if scheme == "memory":
        from mockserver.stores.memory import MemoryStore

        return MemoryStore(dataset, seed=seed, present=present)
    if scheme == "sqlite":
        from mockserver.stores.sqlite import SQLiteStore

        return SQLiteStore(uri, dataset, present=present)
    if scheme in ("redis", "rediss"):
        from mockserver.stores.redis import RedisStore

        return RedisStore(uri, dataset, present=present)
    raise StoreError(f"state {uri!r}: unknown store (use memory://, sqlite:///path/mock.db or "
                     "redis://host:port/0)")


def is_shared(uri: str) -> bool:
    """Whether several worker processes see the same data through this store."""
    return scheme_of(uri) != "memory"
