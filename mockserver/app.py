"""Builds the mock: the contract's documents served by a Connexion ``AsyncApp`` with the request path

    CORS → errors → Swagger UI → routing → security (401) → access (403, 429, rate-limit headers)
         → request validation (400, 422) → handler (200/201/204, 404)

The documents come from ``openapi/`` via :func:`conformance.spec.bundled`; routes, parameters and schemas
are never declared here. Both documents use the same operationIds, and Connexion looks operations up by
operationId within a base path, so each document is mounted under its own base path (``/api``, ``/v1``)
with that prefix taken off its paths; the URLs a client calls are exactly the spec's.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connexion.exceptions import ProblemException, ResolverError
from connexion.middleware import MiddlewarePosition
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from conformance.spec import DOCUMENTS, HTTP_METHODS, bundled, operations
from mockserver.access import AccessMiddleware
from mockserver.auth import BearerKeyHandler, KeyRegistry
from mockserver.control import MockControls
from mockserver.dispatch import Handler, MockApp
from mockserver.errors import ErrorRenderer
from mockserver.fixtures import Fixture, load_fixture
from mockserver.handlers import operation_table
from mockserver.ratelimit import RateLimiter, build_policies
from mockserver.seed import build_dataset
from mockserver.settings import Settings, SettingsError
from mockserver.store import MemoryStore
from mockserver.validation import ValidatorCache, validator_map
from mockserver.views import Views

RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy",
                      "RateLimit", "Retry-After", "Location")


@dataclass(frozen=True)
class MockRuntime:
    """The live parts of one app, for the CLI, the control routes and tests."""

    settings: Settings
    fixture: Fixture
    registry: KeyRegistry
    store: MemoryStore
    limiter: RateLimiter
    controls: MockControls


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
    if settings.state not in ("memory://", "memory"):
        raise SettingsError(f"state {settings.state!r} is not supported yet (only memory://)")
    fixture = load_fixture(settings.fixtures_path)
    views = Views(bundled("v1"))
    store = MemoryStore(build_dataset(fixture, settings.seed), seed=settings.seed, present=views.summary)
    registry = KeyRegistry(fixture.keys)
    limiter = RateLimiter(build_policies(fixture.plans, settings.rate_limits), settings.rate_limit_storage)
    mounted = {name: mounted_document(name) for name in DOCUMENTS}
    renderer = ErrorRenderer(AllowedMethods([bundled(name) for name in DOCUMENTS]))
    controls = MockControls(store, registry, limiter, {name: base for name, (base, _) in mounted.items()})

    middlewares = [
        functools.partial(ServerErrorMiddleware, handler=renderer) if m is ServerErrorMiddleware else m
        for m in ConnexionMiddleware.default_middlewares
    ]
    app = MockApp(__name__, middlewares=middlewares)
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origin_regex=".*",
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=list(RATE_LIMIT_HEADERS),
        max_age=600,
    )
    app.add_middleware(AccessMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, limiter=limiter,
                       project_param=_project_param(bundled("internal")))
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
    app.mock = MockRuntime(settings, fixture, registry, store, limiter, controls)  # type: ignore[attr-defined]
    return app


def _project_param(document: Mapping[str, Any]) -> str:
    """The name of the path parameter that carries the project (``projectId``)."""
    for _, _, operation in operations(document):
        for parameter in operation.get("parameters", ()):
            if parameter.get("$ref", "").endswith("/ProjectId"):
                return document["components"]["parameters"]["ProjectId"]["name"]
    for item in document.get("paths", {}).values():
        for parameter in item.get("parameters", ()):
            if parameter.get("$ref", "").endswith("/ProjectId"):
                return document["components"]["parameters"]["ProjectId"]["name"]
    return "projectId"


def app_factory() -> Callable[..., Any]:
    """For ``uvicorn --factory mockserver.app:create_app``: settings from the environment."""
    return create_app()
