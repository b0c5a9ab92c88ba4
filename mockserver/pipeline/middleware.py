"""The operation pipeline: the Connexion middleware that answers every operation of the contract, in order:

    route → prefer → authenticate (401) → admit (403, 429) → body_limit (413) → validate (400, 422)
          → handler (2xx, 404) → reply, with the key's rate-limit headers and CORS on every answer

with one plain call per step (one module each in this folder), and :mod:`~mockserver.pipeline.errors` for every
failure. Requests for anything else (the Swagger UI, ``/__mock/`` controls, CORS preflights, paths outside the
contract) go on to the rest of Connexion's stack.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from connexion.middleware.abstract import SpecMiddleware
from connexion.middleware.response_validation import ResponseValidationOperation
from connexion.operations import AbstractOperation
from connexion.spec import Specification
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from contract.conventions import OWNER_ONLY, SESSION_SCHEME
from mockserver.pipeline.admit import Gate, with_window
from mockserver.pipeline.authenticate import Authenticator, authorization, session_token
from mockserver.pipeline.body_limit import MAX_BODY_BYTES, limited
from mockserver.pipeline.errors import ApiError, encoded, to_api_error
from mockserver.pipeline.prefer import DeclaredOperation, Preferences
from mockserver.pipeline.reply import REPLY, Call, Handler, rehearsed_reply, send_reply
from mockserver.pipeline.route import PathRouter
from mockserver.pipeline.validate.operation import OperationValidator
from mockserver.pipeline.validate.schemas import ValidatorCache
from mockserver.ratelimit import RateLimitDecision

T = TypeVar("T")
_ORIGIN = b"origin"
_VARY_ORIGIN = (b"vary", b"Origin")


@dataclass(frozen=True, slots=True)
class Operation:
    """What one operation needs at request time, prepared when the app is built."""

    operation_id: str
    base: str
    validator: OperationValidator
    handler: Handler
    made_up: Handler | None  # the handler of made-up data, for ``Prefer: dynamic=true`` (lists)
    declared: DeclaredOperation | None
    reply: ASGIApp  # writes scope[REPLY]; wrapped in Connexion's response validation when asked
    takes_session: bool = False  # the session cookie is one of its security schemes
    owner_only: bool = False  # x-hissuno-access: owner


class CorsPolicy(Protocol):
    """Adds a CORS policy's headers to an answer's start message (:class:`mockserver.host.connexion_app.ApiCors`)."""

    async def send(self, message: Any, send: Send, request_headers: Headers) -> None: ...


async def run_here(work: Callable[[], T]) -> T:
    return work()


@dataclass(frozen=True)
class PipelineConfig:
    """The pieces the steps share (one app's keys and sign-ins, limiter, CORS policy and ``Prefer`` declarations);
    ``run`` calls a step that reads the store (the store's ``run``: a store that waits on a network calls it off
    the loop)."""

    authenticator: Authenticator
    gate: Gate
    preferences: Preferences
    cors: CorsPolicy
    cache: ValidatorCache
    made_up: Mapping[str, Handler] = field(default_factory=dict)  # operationId -> handler of made-up data
    max_body_bytes: int = MAX_BODY_BYTES
    run: Callable[[Callable[[], Any]], Awaitable[Any]] = run_here


class OperationPipeline(SpecMiddleware):
    """Answers every request for an operation of the mounted documents; passes everything else on."""

    def __init__(self, app: ASGIApp, *, config: PipelineConfig) -> None:
        self.app = app
        self.config = config
        self._routes: list[tuple[str, str, Operation]] = []
        self.router: PathRouter[Operation] = PathRouter(())

    def add_api(self, specification: Specification, base_path: str | None = None, **kwargs: Any) -> None:
        """Prepare every operation of one document (Connexion calls this for each ``app.add_api``)."""
        base = base_path or ""
        for path, item in specification.get("paths", {}).items():
            for method in item:
                if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                    operation = specification.operation_cls.from_spec(
                        specification, path=path, method=method, resolver=kwargs["resolver"],
                        uri_parser_class=kwargs.get("uri_parser_class"))
                    prepared = self._prepare(operation, item[method], base, kwargs)
                    self._routes.append((base + path, method, prepared))
        self.router = PathRouter(self._routes)

    def _prepare(self, operation: AbstractOperation, definition: Mapping[str, Any], base: str,
                 options: Mapping[str, Any]) -> Operation:
        if not operation.security:
            raise ValueError(f"{operation.operation_id}: the mock serves secured operations only")
        reply: ASGIApp = send_reply
        if options.get("validate_responses"):
            reply = ResponseValidationOperation(send_reply, operation=operation,
                                                validator_map=options.get("validator_map"))
        extension, owner = OWNER_ONLY
        return Operation(
            operation_id=operation.operation_id,
            base=base,
            validator=OperationValidator(operation, self.config.cache),
            handler=operation.function,
            made_up=self.config.made_up.get(operation.operation_id),
            declared=self.config.preferences.declared(base, operation.operation_id),
            reply=reply,
            takes_session=any(SESSION_SCHEME in requirement for requirement in operation.security),
            owner_only=definition.get(extension) == owner,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path")
        match = self.router.match(scope["method"], raw_path.decode("latin-1") if raw_path else scope["path"])
        if match is None or (match.target is None and _is_preflight(scope)):
            await self.app(scope, receive, send)  # the docs, the controls, CORS preflights, unknown paths
            return
        if match.target is None:
            error = ApiError(405, "Method not allowed.", headers={"Allow": ", ".join(match.allowed_methods())})
            await self._send(scope, send, encoded(error))
            return
        await self._serve(match.target, match.params, scope, receive, send)

    async def _serve(self, operation: Operation, path_params: dict[str, str], scope: Scope, receive: Receive,
                     send: Send) -> None:
        config = self.config
        decision: RateLimitDecision | None = None
        try:
            rehearsal, pending = await config.preferences.read(scope["headers"], operation.declared)
            credentials, duplicated = authorization(scope["headers"])
            authenticator = config.authenticator
            session = session_token(scope["headers"], authenticator.cookie) if operation.takes_session else None
            project = path_params.get(config.gate.project_param)
            identity = await config.run(functools.partial(authenticator.authenticate, credentials, session, project))
            decision = await config.gate.admit(identity, scope["method"], path_params, rehearsal,
                                               duplicated or pending, owner_only=operation.owner_only,
                                               headers=scope["headers"])
            if operation.validator.has_body:  # a body the operation never reads is never refused (no 413)
                receive = limited(scope, receive, config.max_body_bytes)
            params = operation.validator.params(scope, path_params)
            body = await operation.validator.body(scope, receive)
            call = Call(identity, params, body, scope["path"])
            if rehearsal is not None and rehearsal.replaces_handler:
                reply = rehearsed_reply(rehearsal, call, operation.made_up)
            else:
                reply = await config.run(functools.partial(operation.handler, call))
            encoded_reply = reply.encoded(decision.raw_headers())
            if operation.reply is send_reply:
                await self._send(scope, send, encoded_reply)
            else:  # Connexion's response validation buffers the reply and raises before sending a bad one
                scope[REPLY] = encoded_reply
                await operation.reply(scope, receive, self._cors_send(scope, send))
        except Exception as exc:
            error = to_api_error(exc)
            if decision is not None:
                with_window(error, decision)
            await self._send(scope, send, encoded(error))

    def _cors_send(self, scope: Scope, send: Send) -> Send:
        cors, request_headers = self.config.cors, Headers(scope=scope)

        async def cors_send(message: Any) -> None:
            await cors.send(message, send, request_headers)

        return cors_send

    async def _send(self, scope: Scope, send: Send, reply: tuple[int, list[tuple[bytes, bytes]], bytes]) -> None:
        """Write an answer with the CORS headers: Starlette's policy, called directly when there is an
        ``Origin``; without one, its answer is always just ``Vary: Origin``."""
        status, headers, body = reply
        start = {"type": "http.response.start", "status": status, "headers": headers}
        if _header(scope, _ORIGIN) is None:
            headers.append(_VARY_ORIGIN)
            await send(start)
        else:
            await self.config.cors.send(start, send, Headers(scope=scope))
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return value
    return None


def _is_preflight(scope: Scope) -> bool:
    if scope["method"] != "OPTIONS":
        return False
    names = {name for name, _ in scope["headers"]}
    return b"origin" in names and b"access-control-request-method" in names

