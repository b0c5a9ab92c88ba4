"""The body_limit step: 413 for a body larger than :data:`MAX_BODY_BYTES`, refused before it is buffered.

A declared ``Content-Length`` over the limit is refused without reading a byte, a body without one as soon as
the chunks that streamed in pass it.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

from mockserver.pipeline.errors import ApiError

MAX_BODY_BYTES = 5 * 1024 * 1024
"""5 MiB: the size of the largest file the Hissuno customer import takes, far above any request the
contract describes (a 200,000-character knowledge text is under 1 MiB)."""


def payload_too_large(limit: int = MAX_BODY_BYTES) -> ApiError:
    return ApiError(413, f"Request body is larger than {limit // (1024 * 1024)} MiB.")


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP layer refuses a malformed Content-Length before the app runs
    return None


def limited(scope: Scope, receive: Receive, max_bytes: int = MAX_BODY_BYTES) -> Receive:
    """``receive`` that refuses a body over ``max_bytes``: at once when its declared length says so, else as
    soon as the streamed chunks pass it."""
    length = declared_length(scope)
    if length is not None and length > max_bytes:
        raise payload_too_large(max_bytes)
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise payload_too_large(max_bytes)
        return message

    return counted
