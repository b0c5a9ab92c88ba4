"""The mock's data: JSON documents per project and resource kind, with filters, sorting and paging.

The interface is small on purpose (get, list, create, put, delete, reset, subscribe) so that a persistent
store (SQLite, Redis) can implement the same methods for several workers. Documents are never mutated in
place: a change replaces the document, which makes reset cheap (the seeded documents are shared, never
copied) and lets readers hold a document without locks.

Every create or update is announced to the subscribers as ``(project_id, event_type, data)`` with the
event names of the contract (``session.created``, ``customer.updated``, ...), so webhook deliveries can be
wired in without touching the handlers.
"""

from __future__ import annotations

import random
import string
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

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
_ID_ALPHABET = string.ascii_lowercase + string.digits
_QUERY_CACHE_SIZE = 1024


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


class Store(Protocol):
    """What the handlers need from a data store."""

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None: ...
    def list(self, project_id: str, kind: str, query: Query) -> Page: ...
    def all(self, project_id: str, kind: str) -> list[Doc]: ...
    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc: ...
    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool: ...
    def delete(self, project_id: str, kind: str, doc_id: str) -> bool: ...
    def reset(self) -> None: ...
    def subscribe(self, hook: EventHook) -> None: ...


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


@dataclass
class _Project:
    kinds: dict[str, dict[str, Doc]] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, Doc]:
        return self.kinds.setdefault(kind, {})


class MemoryStore:
    """A :class:`Store` in this process's memory; safe for the event loop and for threads (one lock)."""

    def __init__(self, dataset: Dataset, *, seed: int = 0, present: Presenter | None = None) -> None:
        self._dataset = {project: {kind: list(docs) for kind, docs in kinds.items()}
                         for project, kinds in dataset.items()}
        self._seed = seed
        self._present = present or (lambda kind, doc: doc)
        self._lock = threading.RLock()
        self._hooks: list[EventHook] = []
        self._projects: dict[str, _Project] = {}
        self._random = random.Random(seed)
        self._versions: dict[tuple[str, str], int] = {}
        self._ordered: dict[tuple[Any, ...], tuple[int, list[Doc]]] = {}
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seeded documents (created ones are forgotten, deleted ones come back)."""
        with self._lock:
            self._projects = {
                project: _Project({kind: {doc["id"]: doc for doc in docs} for kind, docs in kinds.items()})
                for project, kinds in self._dataset.items()
            }
            self._random = random.Random(f"ids-{self._seed}")
            self._versions = {}
            self._ordered = {}

    def subscribe(self, hook: EventHook) -> None:
        """Call ``hook(project_id, event_type, data)`` after every announced create or update."""
        self._hooks.append(hook)

    @property
    def project_ids(self) -> list[str]:
        return list(self._projects)

    # -- reads ----------------------------------------------------------------------------------------

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None:
        project = self._projects.get(project_id)
        return project.table(kind).get(doc_id) if project else None

    def all(self, project_id: str, kind: str) -> list[Doc]:
        project = self._projects.get(project_id)
        with self._lock:
            return list(project.table(kind).values()) if project else []

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
            version = self._versions.get((project_id, kind), 0)
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

    def _touch(self, project_id: str, kind: str) -> None:
        self._versions[(project_id, kind)] = self._versions.get((project_id, kind), 0) + 1

    # -- writes ---------------------------------------------------------------------------------------

    def new_id(self, project_id: str, kind: str, prefix: str, length: int = 10) -> str:
        with self._lock:
            table = self._projects.setdefault(project_id, _Project()).table(kind)
            while True:
                candidate = prefix + "".join(self._random.choices(_ID_ALPHABET, k=length))
                if candidate not in table:
                    return candidate

    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc:
        """Store a new document under a fresh ``<prefix><random>`` id and announce it."""
        with self._lock:
            doc = {"id": self.new_id(project_id, kind, id_prefix), **fields}
            self._projects[project_id].table(kind)[doc["id"]] = doc
            self._touch(project_id, kind)
        self._announce(project_id, kind, "created", doc)
        return doc

    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool:
        """Insert or replace ``doc`` by its id; return True if it was new."""
        with self._lock:
            table = self._projects.setdefault(project_id, _Project()).table(kind)
            created = doc["id"] not in table
            table[doc["id"]] = doc
            self._touch(project_id, kind)
        if announce:
            self._announce(project_id, kind, "created" if created else "updated", doc)
        return created

    def delete(self, project_id: str, kind: str, doc_id: str) -> bool:
        with self._lock:
            project = self._projects.get(project_id)
            deleted = bool(project) and project.table(kind).pop(doc_id, None) is not None
            if deleted:
                self._touch(project_id, kind)
            return deleted

    def _announce(self, project_id: str, kind: str, action: str, doc: Doc) -> None:
        name = EVENT_NAMES.get(kind)
        if name is None or not self._hooks:
            return
        data = self._present(kind, doc)
        for hook in list(self._hooks):
            hook(project_id, f"{name}.{action}", data)
