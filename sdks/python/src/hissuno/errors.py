"""Typed errors: one class per HTTP status the contract declares, each carrying the ``{"error"}`` message and, on
422, the ``details`` per field. A status missing from :data:`ERRORS_BY_STATUS` still raises an
:class:`APIStatusError` (a :class:`ServerError` for 5xx).
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from hissuno.v1.models.error import Error
from hissuno.v1.models.error_details_item import ErrorDetailsItem
from hissuno.v1.types import Unset


class HissunoError(Exception):
    """Everything this SDK raises."""


class ConfigurationError(HissunoError):
    """The client cannot be built (no API key)."""


class APIConnectionError(HissunoError, httpx.TransportError):
    """No answer: the connection failed or broke (still an ``httpx.TransportError``)."""


class APITimeoutError(APIConnectionError, httpx.TimeoutException):
    """No answer within the client's timeout (still an ``httpx.TimeoutException``)."""


class APIStatusError(HissunoError):
    """The API answered with a 4xx or 5xx status."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str]) -> None:
        self.status = status
        self.body = body
        self.headers = httpx.Headers(headers)
        parsed = _parse_error(body)
        self.error = parsed.error if parsed else _fallback_sentence(status, body)
        details = parsed.details if parsed else []
        self.details: list[ErrorDetailsItem] = [] if isinstance(details, Unset) else list(details)
        super().__init__(f"{status}: {self.error}")


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class PayloadTooLargeError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before the next request, from ``Retry-After``."""
        return retry_after_seconds(self.headers)


class ServerError(APIStatusError):
    """Any 5xx."""


class InternalServerError(ServerError):
    pass


class ServiceUnavailableError(ServerError):
    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before the next request, from ``Retry-After``."""
        return retry_after_seconds(self.headers)


class InsufficientStorageError(ServerError):
    """The project has created as many documents of the kind as the server keeps."""


# The one mapping from a status to its error class; a status the contract adds needs one line here.
ERRORS_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: InternalServerError,
    503: ServiceUnavailableError,
    507: InsufficientStorageError,
}


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The typed error for a (read) answer with a 4xx or 5xx status."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = response.text
    status = response.status_code
    error_class = ERRORS_BY_STATUS.get(status) or (ServerError if status >= 500 else APIStatusError)
    return error_class(status, body, response.headers)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date), or None when absent or unreadable."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _parse_error(body: Any) -> Error | None:
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return None
    try:
        return Error.from_dict(body)
    except (KeyError, TypeError, ValueError):
        return Error(error=body["error"])


def _fallback_sentence(status: int, body: Any) -> str:
    return f"HTTP {status}: {body[:200]}" if isinstance(body, str) and body else f"HTTP {status}"
