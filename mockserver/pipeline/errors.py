"""The one place where every failure becomes the contract's ``application/json`` ``{"error": "..."}``.

The steps raise :class:`ApiError`, Connexion its ``ProblemException``, Starlette its ``HTTPException`` and a
shared backend that does not answer :class:`~mockserver.outage.Unavailable` (503 with ``Retry-After``), a
store at its cap :class:`~mockserver.stores.base.StoreFull` (507);
:func:`to_api_error` maps them all, :func:`encoded` renders one for the pipeline and :class:`ErrorRenderer`
for Connexion, so ``application/problem+json`` never leaves the mock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from mockserver.outage import Unavailable
from mockserver.stores.base import StoreFull

logger = logging.getLogger("mockserver.pipeline.errors")

JSON = "application/json"


class ApiError(Exception):
    """A failure with an HTTP status, a one-sentence message and optional per-field details."""

    def __init__(self, status: int, message: str, *, details: Iterable[Mapping[str, str]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = [dict(item) for item in details] if details is not None else None
        self.headers: dict[str, str] = dict(headers or {})

    @property
    def status_code(self) -> int:
        """Connexion picks the most specific of several security errors by this attribute."""
        return self.status

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.message!r})"


def bad_request(message: str, details: Iterable[Mapping[str, str]] | None = None) -> ApiError:
    return ApiError(400, message, details=details)


def unauthorized(message: str = "Unauthorized.") -> ApiError:
    return ApiError(401, message)


def forbidden() -> ApiError:
    return ApiError(403, "Forbidden.")


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(404, message)


def conflict(message: str) -> ApiError:
    """409: a valid request that conflicts with what the project holds (a second codebase source, a URL that
    already has a webhook, a session already closed)."""
    return ApiError(409, message)


def validation_failed(details: Iterable[Mapping[str, str]], message: str = "Validation failed.") -> ApiError:
    return ApiError(422, message, details=details)


def sentence(text: str | None, fallback: str) -> str:
    """A message as the contract wants it: one line, capitalised, ending in a period."""
    text = " ".join((text or "").split()) or fallback
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


_STATUS_MESSAGES = {
    400: "Bad request.",
    401: "Unauthorized.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    406: "Not acceptable.",
    413: "Request body is too large.",
    415: "Content-Type must be application/json.",
    500: "Internal server error.",
}


def to_api_error(exc: BaseException) -> ApiError:
    """Map any exception to the :class:`ApiError` the client sees."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, Unavailable):
        return ApiError(503, exc.message, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, StoreFull):
        return ApiError(507, exc.message)
    if isinstance(exc, ProblemException):
        status = exc.status or 500
        if status == 415:
            # The contract answers a wrong content type with 400, not 415.
            return ApiError(400, _STATUS_MESSAGES[415])
        if status >= 500:
            logger.error("%s: %s", exc.title or "server error", exc.detail)
            return ApiError(500, _STATUS_MESSAGES[500])
        fallback = _STATUS_MESSAGES.get(status, "Bad request.")
        return ApiError(status, sentence(exc.detail if status == 400 else None, fallback))
    if isinstance(exc, HTTPException):
        status = exc.status_code
        message = _STATUS_MESSAGES.get(status) or sentence(str(exc.detail or ""), "Request failed.")
        if status >= 500:
            message = _STATUS_MESSAGES[500]
        return ApiError(status, message, headers=exc.headers)
    logger.error("unhandled %s: %s", type(exc).__name__, exc, exc_info=exc)
    return ApiError(500, _STATUS_MESSAGES[500])


def encode(error: ApiError) -> bytes:
    return orjson.dumps(error.body())


def encoded(error: ApiError) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body of an error answer, for code that writes ASGI messages itself."""
    body = encode(error)
    headers = [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]
    headers.extend((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in error.headers.items())
    return error.status, headers, body


class ErrorRenderer:
    """Connexion's error handler (and its outermost server-error handler) for what the operation pipeline
    does not answer itself: routing's 404/405 outside the contract's paths, the docs and the control routes."""

    def response(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        error = to_api_error(exc)
        return ConnexionResponse(status_code=error.status, mimetype=JSON, content_type=JSON,
                                 body=encode(error), headers=dict(error.headers))

    async def __call__(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        return self.response(request, exc)
