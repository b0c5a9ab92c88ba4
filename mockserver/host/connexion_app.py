"""The Connexion ``AsyncApp`` the mock runs in: its middleware stack, with the operation pipeline outermost.

Connexion still mounts the documents, serves the Swagger UI and routes the ``/__mock/`` controls, but no
operation reaches its own endpoints: the operation pipeline answers them all first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncASGIApp
from connexion.exceptions import ResolverError
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.main import API
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from connexion.resolver import Resolver
from connexion.spec import Specification
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.host.control_guard import ControlGuard, ControlPolicy
from mockserver.host.strict_routes import make_strict
from mockserver.pipeline.errors import JSON, ApiError, ErrorRenderer, encode, not_found
from mockserver.pipeline.middleware import OperationPipeline, PipelineConfig
from mockserver.pipeline.reply import Handler

EXPOSED_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy",
                   "RateLimit", "Retry-After", "Location")

CORS_OPTIONS: dict[str, Any] = {
    "allow_methods": ["*"], "allow_headers": ["*"], "expose_headers": list(EXPOSED_HEADERS), "max_age": 600,
}
"""What every page may do: call the API with a key (preflights answered, the rate-limit headers readable)."""


class JSONCORSMiddleware(CORSMiddleware):
    """Starlette's CORS policy, with a refused preflight answered as ``{"error"}`` rather than plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")  # "origin, private-network"
        headers = {name: value for name, value in response.headers.items()
                   if name not in ("content-type", "content-length")}
        error = ApiError(response.status_code, f"CORS preflight refused ({refused}).")
        return Response(encode(error), status_code=error.status, media_type=JSON, headers=headers)


class ApiCors:
    """The API's CORS policy: any page may call it with a key (``Authorization`` is no browser credential); only
    the allowed origins (:class:`~mockserver.host.control_guard.ControlPolicy`: local pages and ``--cors-origin``)
    may send the session cookie, since only their answers carry ``Access-Control-Allow-Credentials``.

    Called directly by the operation pipeline (:meth:`send`), and as the middleware of everything else.
    """

    def __init__(self, policy: ControlPolicy, app: ASGIApp | None = None) -> None:
        self.policy = policy
        self.credentialed = JSONCORSMiddleware(app, allow_origin_regex=policy.origin_pattern(),  # type: ignore[arg-type]
                                               allow_credentials=True, **CORS_OPTIONS)
        self.anonymous = JSONCORSMiddleware(app, allow_origin_regex=".*", **CORS_OPTIONS)  # type: ignore[arg-type]

    def for_origin(self, origin: str | None) -> CORSMiddleware:
        return self.credentialed if origin is not None and self.policy.allows_origin(origin) else self.anonymous

    async def send(self, message: Any, send: Send, request_headers: Headers) -> None:
        await self.for_origin(request_headers.get("origin")).send(message, send, request_headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = Headers(scope=scope).get("origin") if scope["type"] == "http" else None
        await self.for_origin(origin)(scope, receive, send)


class DocsMiddleware(SwaggerUIMiddleware):
    """Connexion's Swagger UI middleware, consulted only for documentation paths, and built on the first.

    Its router would otherwise try every docs route on every API request, and its Jinja templates cost
    start-up time for pages a developer may never open (see :mod:`mockserver.host.lazy_imports`).
    """

    def __init__(self, app: ASGIApp, *, bases: tuple[str, ...] = ()) -> None:
        super().__init__(app)
        prefixes = "|".join(re.escape(base) for base in bases) or "(?!)"
        self._docs = re.compile(rf"^({prefixes})/(openapi\.(json|yaml)|ui(/.*)?)$")
        self._unbuilt: list[tuple[Specification, dict[str, Any]]] = []

    def add_api(self, specification: Specification, **kwargs: Any) -> None:  # type: ignore[override]
        self._unbuilt.append((specification, kwargs))

    def _build(self) -> None:
        while self._unbuilt:
            specification, kwargs = self._unbuilt.pop(0)
            super().add_api(specification, **kwargs)
        make_strict(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._docs.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        if self._unbuilt:
            self._build()
        await super().__call__(scope, receive, send)


def middleware_stack(renderer: ErrorRenderer, bases: list[str], pipeline: PipelineConfig,
                     controls: ControlPolicy) -> list[Any]:
    """The middleware, outermost first: the operation pipeline, then Connexion's stack for the rest, whose CORS
    layer guards the ``/__mock/`` controls (:mod:`mockserver.host.control_guard`).

    Connexion's security, request-validation and context middleware are left out: the pipeline does their
    work for the operations, and nothing else needs them.
    """
    return [
        functools.partial(OperationPipeline, config=pipeline),
        functools.partial(ServerErrorMiddleware, handler=renderer),
        functools.partial(ControlGuard, policy=controls, public=functools.partial(ApiCors, controls)),
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


class Unrouted:
    """Connexion's endpoint for an operation: never reached, the operation pipeline answers them all first."""

    def __init__(self, operation_id: str) -> None:
        self.operation_id = operation_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise not_found()


class UnroutedApi(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> Unrouted:  # type: ignore[override]
        return Unrouted(operation.operation_id)


class UnroutedASGIApp(AsyncASGIApp):
    api_cls = UnroutedApi  # type: ignore[assignment]


class MockApp(AsyncApp):
    """A Connexion ``AsyncApp`` whose own operation endpoints are inert (see :class:`Unrouted`)."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        self._middleware_app = UnroutedASGIApp()
        AbstractApp.__init__(self, import_name, **kwargs)

    def add_specification(self, specification: Specification, *, base_path: str, name: str, **options: Any) -> None:
        """``add_api`` for a ready :class:`~connexion.spec.Specification`.

        Connexion's ``add_api`` takes a dict or a file and loads (and validates) it again; the mock loads
        its documents itself (see :mod:`mockserver.host.documents`).
        """
        middleware = self.middleware
        if middleware.middleware_stack is not None:
            raise RuntimeError("Cannot add an API after the application has started")
        settings = middleware.options.replace(**options)
        middleware.apis.append(API(specification, base_path=base_path, name=name, **settings.__dict__))


def build_stack(app: MockApp) -> None:
    """Build Connexion's middleware stack now rather than on the first request, and make its routes strict.

    Starlette compiles a mount as ``<base>/{path:path}`` whose ``.*`` stops at a newline, so a path
    parameter holding an encoded newline (``/v1/sessions/a%0A``) would miss its route, its ``$`` lets
    ``/v1/sessions%0A`` pass for ``/v1/sessions``, and it redirects ``/v1/sessions/`` to a ``Location`` built
    from ``Host``: :func:`~mockserver.host.strict_routes.make_strict` fixes all three.
    """
    middleware = app.middleware
    middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()
    for layer in middleware.middleware_stack:
        make_strict(layer)
