"""The mock app for a test, built by the production constructor with what a test must inject.

Hermetic: the suite registers webhooks (Schemathesis with random https URLs), and tests must not send
anything beyond 127.0.0.1, so deliveries elsewhere are answered 204 in-process; deliveries to 127.0.0.1 (a
test's receiver, the conformance suite's webhook inbox) go out for real.
"""

from __future__ import annotations

from typing import Any

import httpx
from limits.aio.storage import Storage

from mockserver.app import create_app
from mockserver.host.connexion_app import MockApp
from mockserver.settings import Settings
from mockserver.webhooks import WebhookDispatcher

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class LoopbackOnly(httpx.AsyncBaseTransport):
    """Sends requests to 127.0.0.1 for real; answers any other 204 without sending it."""

    def __init__(self) -> None:
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in LOOPBACK:
            return await self.real.handle_async_request(request)
        return httpx.Response(204)

    async def aclose(self) -> None:
        await self.real.aclose()


def answering_webhooks() -> WebhookDispatcher:
    """A dispatcher whose deliveries beyond 127.0.0.1 are answered 204 in-process."""
    return WebhookDispatcher(client_factory=lambda: httpx.AsyncClient(transport=LoopbackOnly(), trust_env=False))


def hermetic_app(*, limiter_storage: Storage | None = None, **settings: Any) -> MockApp:
    """A fresh mock (its own store and rate-limit windows; no ``HISSUNO_MOCK_*`` variable read), ``settings``
    overriding the defaults, webhook deliveries answered in-process."""
    return create_app(Settings.from_env({}, **settings), webhooks=answering_webhooks(),
                      limiter_storage=limiter_storage)
