"""Iterate over every item of a list, one page (``limit``/``offset``) at a time, until ``total`` is reached.

``paginate(list_sessions.sync_detailed, client=hissuno, status="closed")`` takes a generated list operation and
its arguments (type-checked against the operation) and sets ``limit`` and ``offset`` itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import ParamSpec, Protocol, TypeVar

from hissuno.answers import Answer, unwrap
from hissuno.v1.models.error import Error

MAX_PAGE_SIZE = 100  # the largest page the contract allows

Item = TypeVar("Item", covariant=True)
Yielded = TypeVar("Yielded")
P = ParamSpec("P")


class Envelope(Protocol[Item]):
    """A list answer: ``{"data": [...], "total", "limit", "offset"}``."""

    @property
    def data(self) -> Sequence[Item]: ...

    @property
    def total(self) -> int: ...


def paginate(operation: Callable[P, Answer[Envelope[Yielded] | Error]], *args: P.args,
             **kwargs: P.kwargs) -> Iterator[Yielded]:
    offset = 0
    kwargs.setdefault("limit", MAX_PAGE_SIZE)
    while True:
        kwargs["offset"] = offset
        page = unwrap(operation(*args, **kwargs))
        yield from page.data
        offset += len(page.data)
        if not page.data or offset >= page.total:
            return


async def apaginate(operation: Callable[P, Awaitable[Answer[Envelope[Yielded] | Error]]], *args: P.args,
                    **kwargs: P.kwargs) -> AsyncIterator[Yielded]:
    offset = 0
    kwargs.setdefault("limit", MAX_PAGE_SIZE)
    while True:
        kwargs["offset"] = offset
        page = unwrap(await operation(*args, **kwargs))
        for item in page.data:
            yield item
        offset += len(page.data)
        if not page.data or offset >= page.total:
            return
