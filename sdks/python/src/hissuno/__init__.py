"""The official Python SDK for the Hissuno ``/v1`` API: generated operations and models (``hissuno.v1``) and a
thin layer on top (client, pagination, typed errors, retries, webhook verification).

    from hissuno import Hissuno, paginate
    from hissuno.v1.api.sessions import list_sessions

    for session in paginate(list_sessions.sync_detailed, client=Hissuno(), status="closed"):
        print(session.id)
"""

from hissuno import webhooks
from hissuno._contract import DEFAULT_BASE_URL, __version__
from hissuno.answers import unwrap
from hissuno.client import DEFAULT_TIMEOUT_SECONDS, USER_AGENT, Hissuno
from hissuno.errors import (
    ERRORS_BY_STATUS,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    HissunoError,
    InsufficientStorageError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)
from hissuno.pagination import MAX_PAGE_SIZE, apaginate, paginate
from hissuno.retry import RetryPolicy
from hissuno.webhooks import WebhookEvent, WebhookVerificationError
from hissuno.webhooks import verify as verify_webhook

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT_SECONDS",
    "ERRORS_BY_STATUS",
    "MAX_PAGE_SIZE",
    "USER_AGENT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "Hissuno",
    "HissunoError",
    "InsufficientStorageError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "UnprocessableEntityError",
    "WebhookEvent",
    "WebhookVerificationError",
    "__version__",
    "apaginate",
    "paginate",
    "unwrap",
    "verify_webhook",
    "webhooks",
]
