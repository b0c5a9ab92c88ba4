"""What the API shows of a stored document: the fields each response schema declares, read from the spec.

The handlers render their answers through it and webhook events their ``data``, so nothing private leaks;
rendered JSON is cached per document and per page, each cache within its bound in bytes (an answer larger
than the bound is sent but not kept).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from contract.pointer import resolve
from mockserver.encoding import json_bytes

Doc = dict[str, Any]
SCHEMA_OF_KIND = {"sessions": "Session", "issues": "Issue", "customers": "Customer",
                  "knowledge_sources": "KnowledgeSource", "webhooks": "Webhook"}
"""The response schema that shows a stored document of each kind (in lists and webhook events)."""
ENCODED_CACHE_BYTES = 16 * 1024 * 1024
PAGE_CACHE_BYTES = 8 * 1024 * 1024


def schema_fields(document: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """The property names of ``components.schemas[name]``, following ``allOf`` and ``$ref``."""
    names: list[str] = []

    def collect(node: Any) -> None:
        node = resolve(document, node)
        for part in node.get("allOf", ()):
            collect(part)
        for prop in node.get("properties", {}):
            if prop not in names:
                names.append(prop)

    collect(document["components"]["schemas"][name])
    return tuple(names)


def pick(doc: Mapping[str, Any], fields: tuple[str, ...]) -> Doc:
    return {name: doc[name] for name in fields if name in doc}


class Views:
    """Renderers for every resource shape the handlers return."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.session = schema_fields(document, "Session")
        self.linked_issue = schema_fields(document, "LinkedIssue")
        self.issue = schema_fields(document, "Issue")
        self.issue_session = schema_fields(document, "IssueSession")
        self.customer = schema_fields(document, "Customer")
        self.company = schema_fields(document, "Company")
        self.knowledge_source = schema_fields(document, "KnowledgeSource")
        self.webhook = schema_fields(document, "Webhook")
        self.company_stages = tuple(resolve(document, document["components"]["schemas"]["CompanyStage"])["enum"])
        self.by_kind = {kind: schema_fields(document, name) for kind, name in SCHEMA_OF_KIND.items()}

        self._encoded = ByteBoundedCache(ENCODED_CACHE_BYTES)
        self._pages = ByteBoundedCache(PAGE_CACHE_BYTES)

    def summary(self, kind: str, doc: Mapping[str, Any]) -> Doc:
        """The list representation of a document of ``kind`` (also the ``data`` of webhook events)."""
        return pick(doc, self.by_kind[kind])

    def encoded(self, kind: str, doc: Mapping[str, Any], company: Mapping[str, Any] | None = None) -> bytes:
        """:meth:`summary` as JSON bytes, cached per document (documents are replaced, never mutated).

        ``company``: the current document of a customer's company, shown in place of the copy the customer
        was stored with (a company's change is one write, not one per customer).
        """
        source = (doc, company)
        cached = self._encoded.get((kind, doc["id"]), source)
        if cached is not None:
            return cached
        shown = self.summary(kind, doc)
        if company is not None:
            shown["company"] = pick(company, self.company)
        return self._encoded.put((kind, doc["id"]), source, json_bytes(shown))

    def encoder(self, kind: str) -> Callable[[Mapping[str, Any]], bytes]:
        return lambda doc: self.encoded(kind, doc)

    def page(self, kind: str, token: object | None, offset: int, limit: int, build: Callable[[], bytes],
             source: object | None = None) -> bytes:
        """A list body, cached while the store returns the same result set (``token``, compared with ``==``)
        for the query.

        One entry per query (``source``, else the result set itself) and page: a write replaces the entry
        rather than adding one, and the cache is bounded in bytes, not entries (a page of 100 sessions is
        about 70 kB).
        """
        if token is None:
            return build()
        key = (kind, id(source if source is not None else token), offset, limit)
        cached = self._pages.get(key, token)
        return cached if cached is not None else self._pages.put(key, token, build())


class ByteBoundedCache:
    """Rendered JSON by key, valid while what it was rendered from is the same (see :func:`_same`); never more
    than ``limit`` bytes: full, it starts again empty, and a value larger than the limit is not kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._entries: dict[Any, tuple[Any, bytes]] = {}

    def get(self, key: Any, source: Any) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or not _same(entry[0], source):
            return None
        return entry[1]

    def put(self, key: Any, source: Any, value: bytes) -> bytes:
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old[1])
        if len(value) > self.limit:
            return value
        if self.size + len(value) > self.limit:
            self._entries.clear()
            self.size = 0
        self._entries[key] = (source, value)
        self.size += len(value)
        return value


def _same(cached: Any, source: Any) -> bool:
    """Whether a cached rendering still stands: the same documents (by identity: a changed one is a new
    object), the same result-set tokens and versions; tuples item by item."""
    if isinstance(cached, tuple) and isinstance(source, tuple):
        return len(cached) == len(source) and all(map(_same, cached, source))
    return cached is source or (not isinstance(cached, dict) and cached == source)
