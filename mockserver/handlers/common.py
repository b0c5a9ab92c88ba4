"""What every resource handler shares: the clock, list envelopes and created replies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import Views
from mockserver.stores.query import Filter, Page, Query

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """RFC 3339 in UTC to the second (``2026-01-20T12:00:00Z``); ``isoformat`` is C, ``strftime`` parses a format."""
    return moment.isoformat()[:19] + "Z"


def list_query(call: Call, filters: Iterable[Filter | None], sort: str) -> Query:
    """Paging from the (validated, defaulted) ``limit``/``offset`` and the filters that apply."""
    return Query(
        filters=tuple(f for f in filters if f is not None),
        sort=sort,
        limit=int(call.params.get("limit", 50)),
        offset=int(call.params.get("offset", 0)),
    )


def when(value: Any, make: Callable[[Any], Filter]) -> Filter | None:
    """A filter only for parameters that were given."""
    return None if value is None else make(value)


def list_reply(views: Views, kind: str, page: Page, query: Query) -> Reply:
    """The list envelope, from each item's cached JSON, itself cached per result set (lists are the hot path)."""
    encode = views.encoder(kind)
    return Reply(200, raw=views.page(kind, page.token, query.offset, query.limit,
                                     lambda: envelope(page, query, encode), page.source))


def envelope(page: Page, query: Query, encode: Callable[[Mapping[str, Any]], bytes]) -> bytes:
    items = b",".join(encode(doc) for doc in page.items)
    tail = f'],"total":{page.total},"limit":{query.limit},"offset":{query.offset}}}'.encode()
    return b'{"data":[' + items + tail


def created_reply(call: Call, body: Mapping[str, Any], resource_id: str) -> Reply:
    """201 with ``Location``: the collection the POST went to, plus the new id."""
    return Reply(201, body, {"Location": f"{call.path.rstrip('/')}/{resource_id}"})
