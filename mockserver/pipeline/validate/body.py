"""A JSON request body: read whole, parsed strictly, validated against its schema, the failing fields in one 422
(at most :data:`~mockserver.pipeline.validate.messages.MAX_DETAILS` of them listed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.types import Receive

from mockserver.pipeline.errors import bad_request, validation_failed
from mockserver.pipeline.validate.messages import at_most, describe
from mockserver.pipeline.validate.schemas import MAX_ERRORS, ValidatorCache
from mockserver.pipeline.validate.strict_json import parse_json


class JSONBody:
    """A JSON request body: read whole, parsed strictly, validated, every failing field reported (422)."""

    def __init__(self, schema: Mapping[str, Any], required: bool, cache: ValidatorCache) -> None:
        self.check = cache.check(schema)
        self.required = required

    def parse(self, raw: bytes) -> Any:
        if not raw.strip():
            if self.required:
                raise bad_request("Request body is required.")
            return None
        body = parse_json(raw)
        errors = self.check.errors(body)
        if errors:
            raise validation_failed(at_most(describe(errors), complete=len(errors) < MAX_ERRORS))
        return body


async def read_body(receive: Receive) -> bytes:
    """The whole request body (its size is limited by :mod:`mockserver.pipeline.body_limit`'s ``receive``)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
