"""What the API shows of a stored document: the fields each response schema declares, read from the spec.

The handlers render their answers through it and webhook events their ``data``, so nothing private leaks;
rendered JSON is cached per document and per page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from contract.pointer import resolve
from mockserver.encoding import json_bytes

Doc = dict[str, Any]
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
        self.by_kind = {
            "sessions": self.session,
            "issues": self.issue,
            "customers": self.customer,
            "knowledge_sources": self.knowledge_source,
            "webhooks": self.webhook,
        }

        self._encoded: dict[tuple[str, str], tuple[Mapping[str, Any], bytes]] = {}
        self._encoded_bytes = 0
        self._pages: dict[tuple[str, int, int, int], tuple[object, bytes]] = {}
        self._page_bytes = 0

    def summary(self, kind: str, doc: Mapping[str, Any]) -> Doc:
        """The list representation of a document of ``kind`` (also the ``data`` of webhook events)."""
        return pick(doc, self.by_kind[kind])

    def encoded(self, kind: str, doc: Mapping[str, Any]) -> bytes:
        """:meth:`summary` as JSON bytes, cached per document (documents are replaced, never mutated)."""
        key = (kind, doc["id"])
        entry = self._encoded.get(key)
        if entry is None or entry[0] is not doc:
            if entry is not None:
                self._encoded_bytes -= len(entry[1])
            if self._encoded_bytes > ENCODED_CACHE_BYTES:
                self._encoded.clear()
                self._encoded_bytes = 0
            entry = (doc, json_bytes(self.summary(kind, doc)))
            self._encoded[key] = entry
            self._encoded_bytes += len(entry[1])
        return entry[1]

    def encoder(self, kind: str) -> Callable[[Mapping[str, Any]], bytes]:
        return lambda doc: self.encoded(kind, doc)

    def page(self, kind: str, token: object | None, offset: int, limit: int, build: Callable[[], bytes],
             source: object | None = None) -> bytes:
        """A list body, cached while the store returns the same result set (``token``) for the query.

        One entry per query (``source``, else the result set itself) and page: a write replaces the entry
        rather than adding one, and the cache is bounded in bytes, not entries (a page of 100 sessions is
        about 70 kB).
        """
        if token is None:
            return build()
        key = (kind, id(source if source is not None else token), offset, limit)
        entry = self._pages.get(key)
        if entry is None or entry[0] is not token:
            if entry is not None:
                self._page_bytes -= len(entry[1])
            if self._page_bytes > PAGE_CACHE_BYTES:
                self._pages.clear()
                self._page_bytes = 0
            entry = (token, build())
            self._pages[key] = entry
            self._page_bytes += len(entry[1])
        return entry[1]
