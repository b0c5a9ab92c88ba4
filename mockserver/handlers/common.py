"""What every resource's handlers share: the store, the API's views and a clock; list and created replies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import Views
from mockserver.stores.base import Store
from mockserver.stores.query import Filter, Page, Query

Clock = Callable[[], datetime]
NOT_ARCHIVED = Filter("is_archived", "eq", False)


def utc_now() -> datetime:
    return datetime.now(UTC)


def when(value: Any, make: Callable[[Any], Filter]) -> Filter | None:
    """A filter only for parameters that were given."""
    return None if value is None else make(value)


class ResourceHandlers:
    """The handlers of one resource kind; a subclass names its ``kind`` and maps its operations."""

    kind: ClassVar[str]

    def __init__(self, store: Store, views: Views, clock: Clock = utc_now) -> None:
        self.store = store
        self.views = views
        self.clock = clock

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        raise NotImplementedError

    def list_reply(self, call: Call, filters: Iterable[Filter | None], sort: str,
                   encode: Callable[[Mapping[str, Any]], bytes] | None = None, joined: object = None) -> Reply:
        """One page of the kind's documents that pass ``filters``, paged by the (validated, defaulted) ``limit``
        and ``offset``: the list envelope from each item's cached JSON, itself cached per result set.

        ``encode`` renders an item (the kind's view by default); ``joined`` is the version of what else it shows,
        so that a cached page is not served once that changes.
        """
        params = call.params
        query = Query(filters=tuple(f for f in filters if f is not None), sort=sort,
                      limit=int(params.get("limit", 50)), offset=int(params.get("offset", 0)))
        kind, views = self.kind, self.views
        page = self.store.list(call.project_id, kind, query)
        render = encode or views.encoder(kind)
        token = page.token if joined is None or page.token is None else (page.token, joined)
        return Reply(200, raw=views.page(kind, token, query.offset, query.limit,
                                         lambda: envelope(page, query, render), page.source))


def envelope(page: Page, query: Query, encode: Callable[[Mapping[str, Any]], bytes]) -> bytes:
    items = b",".join(encode(doc) for doc in page.items)
    tail = f'],"total":{page.total},"limit":{query.limit},"offset":{query.offset}}}'.encode()
    return b'{"data":[' + items + tail


def created_reply(call: Call, body: Mapping[str, Any], resource_id: str) -> Reply:
    """201 with ``Location``: the collection the POST went to, plus the new id."""
    return Reply(201, body, {"Location": f"{call.path.rstrip('/')}/{resource_id}"})
