"""The query model of a list: filters, sort and paging, and the page that answers it.

Every backend filters through :func:`predicate`, so a filter means the same whichever store holds the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.stores.timestamps import parse_timestamp

Doc = dict[str, Any]
Predicate = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Filter:
    """One condition of a list query.

    ``op``: ``eq`` (field equals value), ``in`` (field is one of value, a frozenset), ``any`` (list field
    shares an item with value), ``search``
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


def lookup(doc: Mapping[str, Any], dotted: str) -> Any:
    value: Any = doc
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


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
    if op == "in":
        return lambda doc: get(doc) in value
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
