"""What the API shows of a stored document: the fields each response schema declares, read from the spec.

Stored documents may hold more than the API returns (a webhook's secret, a session's messages, links
between sessions and issues); rendering through the schema's own property list means nothing private can
leak and nothing the spec adds is forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.spec import resolve

Doc = dict[str, Any]


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

    def summary(self, kind: str, doc: Mapping[str, Any]) -> Doc:
        """The list representation of a document of ``kind`` (also the ``data`` of webhook events)."""
        return pick(doc, self.by_kind[kind])
