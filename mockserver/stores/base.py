"""The store interface every backend implements, and what the backends share: list queries and events.

The interface is small on purpose (get, version, list, all, find, create, put, delete, reset, subscribe,
announce, atomic), so the handlers run unchanged on every backend.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

import orjson

from mockserver.stores.query import Doc, Filter, Page, Query, predicate

Dataset = Mapping[str, Mapping[str, Iterable[Doc]]]
EventHook = Callable[[str, str, Doc], None]
Presenter = Callable[[str, Doc], Doc]
T = TypeVar("T")

EVENT_NAMES = {
    "sessions": "session",
    "issues": "issue",
    "customers": "customer",
    "knowledge_sources": "knowledge_source",
}
_QUERY_CACHE_SIZE = 1024


class Store(Protocol):
    """What the handlers need from a data store."""

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None: ...
    def version(self, project_id: str, kind: str) -> object: ...
    def list(self, project_id: str, kind: str, query: Query) -> Page: ...
    def all(self, project_id: str, kind: str) -> list[Doc]: ...
    def find(self, project_id: str, kind: str, field: str, value: str) -> Doc | None: ...
    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc: ...
    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool: ...
    def delete(self, project_id: str, kind: str, doc_id: str) -> bool: ...
    def reset(self) -> None: ...
    def subscribe(self, hook: EventHook) -> None: ...
    def announce(self, project_id: str, kind: str, action: str, doc: Doc) -> None: ...
    def atomic(self, project_id: str) -> AbstractContextManager[Any]: ...
    async def run(self, work: Callable[[], T]) -> T: ...
    def close(self) -> None: ...

    @property
    def project_ids(self) -> list[str]: ...


class StoreError(RuntimeError):
    """A data store cannot be opened or used; the message names the store."""


class StoreFull(RuntimeError):
    """A project has created as many documents of a kind as the store keeps (answered as 507)."""

    def __init__(self, project_id: str, kind: str, cap: int) -> None:
        self.cap = cap
        self.message = (f"Project {project_id} has created {cap:,} {kind.replace('_', ' ')}, the most this mock "
                        "keeps (--max-created); delete some or reset the mock (POST /__mock/reset).")
        super().__init__(self.message)


class BaseStore:
    """What every backend shares: list queries, cached per kind until it changes, and event announcements.

    A backend supplies :meth:`version` (a number that changes on every write to a project's kind, in every
    process that shares the store) and :meth:`all` (the kind's documents); lists are sorted and filtered
    here, once per version.

    ``max_created`` caps the documents a project may create of each kind (beyond the seeded ones; ``None``:
    no cap): every backend asks :meth:`_check_room` before it adds a document.
    """

    def __init__(self, dataset: Dataset, *, present: Presenter | None = None, max_created: int | None = None) -> None:
        self._dataset = {project: {kind: list(docs) for kind, docs in kinds.items()}
                         for project, kinds in dataset.items()}
        self.max_created = max_created
        self._seeded = {(project, kind): len(docs) for project, kinds in self._dataset.items()
                        for kind, docs in kinds.items()}
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

    def announce(self, project_id: str, kind: str, action: str, doc: Doc) -> None:
        """Tell the subscribers that ``doc`` went through ``action``: the event ``<kind's event name>.<action>``
        (``session.closed``, ``issue.upvoted``). Writes announce ``created`` and ``updated`` themselves; a
        handler whose write means more says so with ``put(..., announce=False)`` and then this."""
        self._announce(project_id, kind, action, doc)

    def atomic(self, project_id: str) -> AbstractContextManager[Any]:
        """Hold other writers of the project off while a handler reads and then writes (an upsert)."""
        return self._lock

    async def run(self, work: Callable[[], T]) -> T:
        """Do a handler's work with this store: here, on the event loop, for a store that never waits on a
        network (a backend that does runs it elsewhere)."""
        return work()

    def _check_room(self, project_id: str, kind: str, held: int) -> None:
        """Refuse a new document when the project's ``held`` documents of ``kind`` already include
        ``max_created`` created ones."""
        if self.max_created is not None and held - self._seeded.get((project_id, kind), 0) >= self.max_created:
            raise StoreFull(project_id, kind, self.max_created)

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
