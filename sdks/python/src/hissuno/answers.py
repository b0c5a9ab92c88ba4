"""``unwrap``: the parsed body of a generated ``*_detailed`` call, typed without the contract's ``Error``.

The generated operations return ``Response[SessionDetail | Error]`` because the contract declares error bodies;
with a :class:`~hissuno.Hissuno` client an error answer has already raised its typed error, so what is left is
the success type.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Protocol, TypeVar

import httpx

from hissuno.errors import error_from_response
from hissuno.v1.models.error import Error

Parsed = TypeVar("Parsed", covariant=True)
Success = TypeVar("Success")


class Answer(Protocol[Parsed]):
    """What a generated ``*_detailed`` operation returns (``hissuno.v1.types.Response``)."""

    @property
    def status_code(self) -> HTTPStatus: ...

    @property
    def content(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def parsed(self) -> Parsed | None: ...


def unwrap(answer: Answer[Success | Error]) -> Success:
    parsed = answer.parsed
    if isinstance(parsed, Error) or answer.status_code >= 400:  # a client without the SDK's error hook
        raise error_from_response(httpx.Response(answer.status_code, headers=answer.headers, content=answer.content))
    return parsed  # type: ignore[return-value]  # None only for answers without a body (204)
