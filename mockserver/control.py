"""Routes outside the contract, under ``/__mock/``: reset, the fixture keys, the webhook deliveries.

They need no API key (a developer or a test harness calls them), are never rate-limited, and answer JSON; who
may call them from a browser is :mod:`mockserver.host.control_guard`'s to decide. With several workers,
``reset`` resets the shared state for all of them, while ``deliveries`` lists those of the worker that answers
(``GET /`` names its process id).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mockserver.pipeline.authenticate import KeyRegistry
from mockserver.ratelimit import RateLimiter
from mockserver.stores.base import Store
from mockserver.webhooks import WebhookDispatcher

ResetHook = Callable[[], Awaitable[None] | None]


def json_response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


class MockControls:
    """The ``/__mock/`` endpoints, plus ``GET /`` pointing at the documents and their Swagger UIs."""

    def __init__(self, store: Store, registry: KeyRegistry, limiter: RateLimiter,
                 documents: dict[str, str], webhooks: WebhookDispatcher | None = None) -> None:
        self.store = store
        self.registry = registry
        self.limiter = limiter
        self.documents = documents
        self.webhooks = webhooks or WebhookDispatcher()
        self.reset_hooks: list[ResetHook] = []

    def routes(self) -> list[tuple[str, str, Callable[[Request], Awaitable[Response]], list[str]]]:
        """``(path, name, endpoint, methods)`` for ``app.add_url_rule``."""
        return [
            ("/", "mock_index", self.index, ["GET"]),
            ("/__mock/reset", "mock_reset", self.reset, ["POST"]),
            ("/__mock/keys", "mock_keys", self.keys, ["GET"]),
            ("/__mock/deliveries", "mock_deliveries", self.deliveries, ["GET"]),
        ]

    async def reset(self, request: Request) -> Response:
        """Seeded data back, created data gone, every rate-limit window emptied, deliveries cancelled and forgotten."""
        self.store.reset()
        await self.limiter.reset()
        self.webhooks.clear()
        for hook in self.reset_hooks:
            result = hook()
            if inspect.isawaitable(result):
                await result
        return json_response({"reset": True, "projects": self.store.project_ids})

    async def keys(self, request: Request) -> Response:
        return json_response(self.registry.listing())

    async def deliveries(self, request: Request) -> Response:
        """Webhook deliveries, newest first (``?project_id=`` for one project), with their outcome."""
        return json_response(self.webhooks.deliveries(request.query_params.get("project_id")))

    async def index(self, request: Request) -> Response:
        return json_response({
            "name": "Hissuno mock server",
            "documents": {
                name: {"base_path": base, "openapi": f"{base}/openapi.json", "swagger_ui": f"{base}/ui/"}
                for name, base in self.documents.items()
            },
            "controls": {"reset": "POST /__mock/reset", "keys": "GET /__mock/keys",
                         "deliveries": "GET /__mock/deliveries"},
            "worker": os.getpid(),
        })
