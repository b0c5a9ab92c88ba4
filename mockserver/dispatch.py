"""The innermost layer: call the handler for the routed operation and write its JSON reply.

Connexion's ``AsyncApp`` wraps every handler in a decorator built anew on each request (parameter
inspection, response serialisation); that costs more than the mock's handlers themselves. Here the
validators have already parsed the parameters and the body into the scope, so a handler is a plain
function ``(Call) -> Reply`` and its reply is serialised once with orjson. A ``Prefer`` rehearsal
(:mod:`mockserver.prefer`) answers here in the handler's place, after validation. Routing, security and validation
stay Connexion's: this only replaces the last hop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncASGIApp
from connexion.operations import AbstractOperation
from starlette.types import Receive, Scope, Send

from mockserver.access import RATE_LIMIT_HEADERS
from mockserver.auth import Identity, identity_of
from mockserver.encoding import json_bytes
from mockserver.errors import unauthorized
from mockserver.prefer import REHEARSAL, Rehearsal
from mockserver.validation import request_state

_JSON = (b"content-type", b"application/json")


@dataclass(frozen=True, slots=True)
class Call:
    """One authenticated request, as a handler sees it."""

    identity: Identity
    params: Mapping[str, Any]
    body: Any
    path: str

    @property
    def project_id(self) -> str:
        return self.identity.project_id


@dataclass(frozen=True, slots=True)
class Reply:
    """A handler's answer: status, JSON-able body (``None`` for no body) or ready JSON bytes, extra headers."""

    status: int
    body: Any = None
    headers: Mapping[str, str] | None = None
    raw: bytes | None = None


Handler = Callable[[Call], Reply]


class HandlerOperation:
    """The ASGI endpoint of one operation."""

    def __init__(self, handler: Handler, operation_id: str) -> None:
        self.handler = handler
        self.operation_id = operation_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = request_state(scope)
        identity = identity_of(scope)
        if identity is None:  # every operation is secured; this only guards a misconfigured spec
            raise unauthorized()
        rehearsal = state.get(REHEARSAL)
        if rehearsal is not None and rehearsal.replaces_handler:
            reply = rehearsed_reply(rehearsal, scope["path"])
        else:
            reply = self.handler(Call(identity, state.get("params", {}), state.get("body"), scope["path"]))
        body = reply.raw if reply.raw is not None else b"" if reply.body is None else json_bytes(reply.body)
        headers = [_JSON] if body else []
        headers.append((b"content-length", str(len(body)).encode()))
        headers.extend(state.get(RATE_LIMIT_HEADERS, ()))
        if reply.headers:
            headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items())
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def rehearsed_reply(rehearsal: Rehearsal, path: str) -> Reply:
    """The answer ``Prefer`` asked for, in place of the handler's; errors go to the one error renderer."""
    if rehearsal.status is not None and rehearsal.status >= 400:
        raise rehearsal.error()
    status, body, headers = rehearsal.reply_parts(path)
    return Reply(status, body, headers)


class HandlerApi(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> HandlerOperation:  # type: ignore[override]
        return HandlerOperation(operation.function, operation.operation_id)


class HandlerASGIApp(AsyncASGIApp):
    api_cls = HandlerApi  # type: ignore[assignment]


class MockApp(AsyncApp):
    """A Connexion ``AsyncApp`` whose operations are :class:`HandlerOperation`s."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        self._middleware_app = HandlerASGIApp()
        AbstractApp.__init__(self, import_name, **kwargs)
