"""Builds the mock: the contract's documents served by a Connexion ``AsyncApp`` with the request path

    CORS → errors → Swagger UI → routing → Prefer → security (401) → access (403, 429, rate-limit headers)
         → body size (413) → request validation (400, 422) → handler (200/201/204, 404)

The documents come from ``openapi/`` via :func:`conformance.spec.bundled`; routes, parameters and schemas
are never declared here. Both documents use the same operationIds, and Connexion looks operations up by
operationId within a base path, so each document is mounted under its own base path (``/api``, ``/v1``)
with that prefix taken off its paths; the URLs a client calls are exactly the spec's.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connexion.exceptions import ProblemException, ResolverError
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from conformance import spec
from conformance.spec import DOCUMENTS, HTTP_METHODS, operations
from mockserver.access import AccessMiddleware
from mockserver.auth import BearerKeyHandler, KeyRegistry
from mockserver.bodylimit import BodySizeLimitMiddleware
from mockserver.control import MockControls
from mockserver.dispatch import Handler, MockApp
from mockserver.errors import ErrorRenderer
from mockserver.fixtures import Fixture, load_fixture
from mockserver.handlers import operation_table
from mockserver.prefer import PreferMiddleware
from mockserver.ratelimit import RateLimiter, build_policies
from mockserver.routing import RawPathRoutingMiddleware, anchor_routes
from mockserver.seed import build_dataset
from mockserver.settings import Settings, SettingsError
from mockserver.store import Store, StoreError, open_store
from mockserver.validation import RequestValidationMiddleware, ValidatorCache, validator_map
from mockserver.views import Views
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


def bundled(name: str) -> dict[str, Any]:
    """The bundled document, cached for the process and shared by every app built in it: read-only."""
    return spec.bundled(name)


def base_path(paths: Mapping[str, Any]) -> str:
    """The first path segment every path of a document shares (``/api``, ``/v1``)."""
    firsts = {"/" + path.strip("/").split("/", 1)[0] for path in paths}
    if len(firsts) != 1:
        raise ValueError(f"paths do not share a first segment: {sorted(firsts)}")
    return firsts.pop()


def mounted_document(name: str) -> tuple[str, dict[str, Any]]:
    """A copy of a bundled document with its common first segment moved from the paths to the base path."""
    document = copy.deepcopy(bundled(name))
    base = base_path(document["paths"])
    document["paths"] = {path[len(base):]: item for path, item in document["paths"].items()}
    document["servers"] = [{"url": base}]
    return base, document


class AllowedMethods:
    """Which methods the spec declares for a concrete path (for the ``Allow`` header of a 405)."""

    def __init__(self, documents: list[Mapping[str, Any]]) -> None:
        templates: dict[str, set[str]] = {}
        for document in documents:
            for path, method, _ in operations(document):
                templates.setdefault(path, set()).add(method.upper())
        self._patterns = [
            (re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "/?$"), methods)
            for path, methods in templates.items()
        ]

    def __call__(self, path: str) -> list[str]:
        methods: set[str] = set()
        for pattern, declared in self._patterns:
            if pattern.match(path):
                methods |= declared
        if "GET" in methods:
            methods.add("HEAD")
        order = [m.upper() for m in HTTP_METHODS]
        return sorted(methods, key=order.index)


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


def stack(renderer: ErrorRenderer, bases: list[str], limiter: RateLimiter, project_param: str,
          validate_responses: bool, *, documents: Mapping[str, Mapping[str, Any]] | None = None) -> list[Any]:
    """The middleware, outermost first: the request's path through the mock.

    Connexion's default stack with the mock's pieces in place: JSON errors even for crashes, CORS around
    everything, Swagger UI only for documentation paths, ``Prefer`` (by base path, for ``documents``) after
    routing, the access step (403/429) between security and validation, request validation prepared per
    operation. Connexion's context middleware is left out (it
    only feeds ``connexion.context``; handlers get a :class:`Call`), and so is response validation unless
    ``--validate-responses``.
    """
    layers: list[Any] = [
        functools.partial(ServerErrorMiddleware, handler=renderer),
        functools.partial(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True, allow_methods=["*"],
                          allow_headers=["*"], expose_headers=list(EXPOSED_HEADERS), max_age=600),
        ExceptionMiddleware,
        functools.partial(DocsMiddleware, bases=tuple(bases)),
        RawPathRoutingMiddleware,
        *([functools.partial(PreferMiddleware, documents=documents)] if documents else []),
        SecurityMiddleware,
        functools.partial(AccessMiddleware, limiter=limiter, project_param=project_param),
        BodySizeLimitMiddleware,
        RequestValidationMiddleware,
    ]
    if validate_responses:
        layers.append(ResponseValidationMiddleware)
    layers.append(LifespanMiddleware)
    return layers


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
    mounted = {name: mounted_document(name) for name in DOCUMENTS}
    renderer = ErrorRenderer(AllowedMethods([bundled(name) for name in DOCUMENTS]))
    controls = MockControls(store, registry, limiter, {name: base for name, (base, _) in mounted.items()},
                            webhooks)

    middlewares = stack(renderer, [base for base, _ in mounted.values()], limiter,
                        _project_param(bundled("internal")), settings.validate_responses,
                        documents={base: bundled(name) for name, (base, _) in mounted.items()})
    app = MockApp(__name__, middlewares=middlewares)
    resolver = make_resolver(operation_table(store, views))
    cache = ValidatorCache()
    for name, (base, document) in mounted.items():
        app.add_api(
            document,
            base_path=base,
            name=name,
            resolver=resolver,
            validate_responses=settings.validate_responses,
            validator_map=validator_map(cache),
            security_map={"bearer": functools.partial(BearerKeyHandler, registry)},
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
    ``/v1/sessions%0A`` pass for ``/v1/sessions``: :func:`~mockserver.routing.anchor_routes` fixes both.
    """
    middleware = app.middleware
    middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()
    for layer in middleware.middleware_stack:
        anchor_routes(getattr(getattr(layer, "router", None), "routes", ()))


def _project_param(document: Mapping[str, Any]) -> str:
    """The name of the path parameter that carries the project (``projectId``)."""
    return document["components"].get("parameters", {}).get("ProjectId", {}).get("name", "projectId")
