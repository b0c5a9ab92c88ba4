"""Builds the mock: the contract's documents served by a Connexion ``AsyncApp``.

Every operation of the contract is answered by one middleware, :mod:`mockserver.pipeline.middleware`:

    route → Prefer → authenticate (401) → admit (403, 429, rate-limit headers) → body size (413)
          → validate (400, 422) → handler (200/201/204, 404)

and everything else by Connexion's own stack: errors → CORS → Swagger UI → routing → the ``/__mock/``
controls (404/405 as the contract's JSON errors).

The documents come from ``openapi/`` (mounted by :mod:`mockserver.host.documents`); routes, parameters and
schemas are never declared here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connexion.exceptions import ProblemException, ResolverError
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from conformance.spec import DOCUMENTS
from mockserver.control import MockControls
from mockserver.data.fixture import Fixture, load_fixture
from mockserver.data.seed import build_dataset
from mockserver.handlers import operation_table
from mockserver.host import documents
from mockserver.host.strict_routes import anchor_routes
from mockserver.pipeline.admit import Gate
from mockserver.pipeline.authenticate import KeyRegistry
from mockserver.pipeline.errors import ErrorRenderer
from mockserver.pipeline.middleware import OperationPipeline, PipelineConfig
from mockserver.pipeline.prefer import Preferences
from mockserver.pipeline.reply import Handler, MockApp
from mockserver.pipeline.validate.schemas import ValidatorCache
from mockserver.presentation import Views
from mockserver.ratelimit import RateLimiter, build_policies
from mockserver.settings import Settings, SettingsError
from mockserver.stores.base import Store, StoreError
from mockserver.stores.factory import open_store
from mockserver.webhooks import WebhookDispatcher, WebhookRelay

EXPOSED_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy",
                   "RateLimit", "Retry-After", "Location")


@dataclass(frozen=True)
class MockRuntime:
    """The live parts of one app, for the CLI, the control routes and tests."""

    settings: Settings
    fixture: Fixture
    registry: KeyRegistry
    store: Store
    limiter: RateLimiter
    controls: MockControls
    webhooks: WebhookDispatcher


class DocsMiddleware(SwaggerUIMiddleware):
    """Connexion's Swagger UI middleware, consulted only for documentation paths.

    Its router would otherwise try every docs route on every API request.
    """

    def __init__(self, app: ASGIApp, *, bases: tuple[str, ...] = ()) -> None:
        super().__init__(app)
        prefixes = "|".join(re.escape(base) for base in bases) or "(?!)"
        self._docs = re.compile(rf"^({prefixes})/(openapi\.(json|yaml)|ui(/.*)?)$")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._docs.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


CORS_OPTIONS: dict[str, Any] = {
    "allow_origin_regex": ".*", "allow_credentials": True, "allow_methods": ["*"], "allow_headers": ["*"],
    "expose_headers": list(EXPOSED_HEADERS), "max_age": 600,
}
"""Any origin, with credentials: the mock stands in for the real API on a developer's machine."""


def stack(renderer: ErrorRenderer, bases: list[str], pipeline: PipelineConfig) -> list[Any]:
    """The middleware, outermost first: the operation pipeline, then Connexion's stack for the rest.

    Connexion's security, request-validation and context middleware are left out: the pipeline does their
    work for the operations, and nothing else needs them.
    """
    return [
        functools.partial(OperationPipeline, config=pipeline),
        functools.partial(ServerErrorMiddleware, handler=renderer),
        functools.partial(CORSMiddleware, **CORS_OPTIONS),
        ExceptionMiddleware,
        functools.partial(DocsMiddleware, bases=tuple(bases)),
        RoutingMiddleware,
        LifespanMiddleware,
    ]


def make_resolver(table: Mapping[str, Handler]) -> Resolver:
    def resolve(operation_id: str) -> Handler:
        try:
            return table[operation_id]
        except KeyError:
            raise ResolverError(f"no handler for operationId {operation_id!r}") from None

    return Resolver(function_resolver=resolve)


def create_app(settings: Settings | None = None) -> MockApp:
    """The mock as an ASGI app (a Connexion ``AsyncApp``); ``app.mock`` holds its :class:`MockRuntime`."""
    settings = settings or Settings.from_env()
    fixture = load_fixture(settings.fixtures_path)
    bundled = functools.partial(documents.bundled, cache_dir=settings.cache_path)
    views = Views(bundled("v1"))
    limiter = RateLimiter(build_policies(fixture.plans, settings.rate_limits), settings.rate_limit_storage)
    try:
        store = open_store(settings.state, build_dataset(fixture, settings.seed), seed=settings.seed,
                           present=views.summary)
    except StoreError as error:
        raise SettingsError(str(error)) from None
    webhooks = WebhookDispatcher()
    store.subscribe(WebhookRelay(store, webhooks))
    registry = KeyRegistry(fixture.keys)
    mounted = {name: documents.mounted_document(name, settings.cache_path) for name in DOCUMENTS}
    renderer = ErrorRenderer()
    controls = MockControls(store, registry, limiter, {name: base for name, (base, _) in mounted.items()},
                            webhooks)
    pipeline = PipelineConfig(
        registry=registry,
        gate=Gate(limiter, _project_param(bundled("internal"))),
        preferences=Preferences({base: bundled(name) for name, (base, _) in mounted.items()}),
        cors=CORSMiddleware(None, **CORS_OPTIONS),  # type: ignore[arg-type]
        cache=ValidatorCache(),
    )
    app = MockApp(__name__, middlewares=stack(renderer, [base for base, _ in mounted.values()], pipeline))
    resolver = make_resolver(operation_table(store, views))
    for name, (base, document) in mounted.items():
        app.add_specification(
            documents.specification(document, settings.cache_path),
            base_path=base,
            name=name,
            resolver=resolver,
            validate_responses=settings.validate_responses,
            swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"),
        )
    for exception in (Exception, HTTPException, ProblemException):
        app.add_error_handler(exception, renderer)
    for path, endpoint_name, endpoint, methods in controls.routes():
        app.add_url_rule(path, endpoint_name, endpoint, methods=methods)
    app.mock = MockRuntime(settings, fixture, registry, store, limiter, controls, webhooks)  # type: ignore[attr-defined]
    build_stack(app)
    return app


def build_stack(app: MockApp) -> None:
    """Build Connexion's middleware stack now rather than on the first request, and anchor its routes.

    Starlette compiles a mount as ``<base>/{path:path}`` whose ``.*`` stops at a newline, so a path
    parameter holding an encoded newline (``/v1/sessions/a%0A``) would miss its route, and its ``$`` lets
    ``/v1/sessions%0A`` pass for ``/v1/sessions``: :func:`~mockserver.host.strict_routes.anchor_routes` fixes both.
    """
    middleware = app.middleware
    middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()
    for layer in middleware.middleware_stack:
        anchor_routes(getattr(getattr(layer, "router", None), "routes", ()))


def _project_param(document: Mapping[str, Any]) -> str:
    """The name of the path parameter that carries the project (``projectId``)."""
    return document["components"].get("parameters", {}).get("ProjectId", {}).get("name", "projectId")
