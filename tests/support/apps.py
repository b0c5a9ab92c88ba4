"""The mock app for a test, built by the production constructor with what a test must inject.

Hermetic: the suite registers webhooks (Schemathesis with random https URLs), and tests must not send
anything beyond 127.0.0.1, so deliveries are answered 204 in-process.
"""

from __future__ import annotations

from typing import Any

import httpx
from limits.aio.storage import Storage

from mockserver.app import create_app
from mockserver.host.connexion_app import MockApp
from mockserver.settings import Settings
from mockserver.webhooks import WebhookDispatcher


def answering_webhooks() -> WebhookDispatcher:
    """A dispatcher whose deliveries are answered 204 in-process."""
    answer = httpx.MockTransport(lambda request: httpx.Response(204))
    return WebhookDispatcher(client_factory=lambda: httpx.AsyncClient(transport=answer))


def hermetic_app(*, limiter_storage: Storage | None = None, **settings: Any) -> MockApp:
    """A fresh mock (its own store and rate-limit windows; no ``HISSUNO_MOCK_*`` variable read), ``settings``
    overriding the defaults, webhook deliveries answered in-process."""
    return create_app(Settings.from_env({}, **settings), webhooks=answering_webhooks(),
                      limiter_storage=limiter_storage)
