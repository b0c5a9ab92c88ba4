"""Routes outside the contract, under ``/__mock/``: reset, the fixture keys and members, dashboard sign-in and
sign-out, firing a webhook event, the webhook deliveries and their redelivery.

They need no API key (a developer or a test harness calls them), are never rate-limited, and answer JSON; who
may call them from a browser is :mod:`mockserver.host.control_guard`'s to decide. With several workers,
``reset`` resets the shared state for all of them (and ends every sign-in), while ``deliveries`` lists (and
``redeliver`` finds) those of the worker that answers (``GET /`` names its process id).
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mockserver.event_trigger import EventTrigger, TriggerRefused
from mockserver.pipeline.authenticate import Authenticator, session_token
from mockserver.ratelimit import RateLimiter
from mockserver.sign_ins import DEFAULT_TTL, MAX_TTL, UnknownMember
from mockserver.stores.base import Store
from mockserver.webhooks import UnknownDelivery, WebhookDispatcher, WebhookGone

ResetHook = Callable[[], Awaitable[None] | None]
MAX_CONTROL_BODY = 4096
"""Bytes a control's JSON body may hold (``{"email": ..., "expires_in": ...}``); more is a 413."""


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)


def error_response(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


class BadControlRequest(Exception):
    """A control request the control cannot act on: its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read up to :data:`MAX_CONTROL_BODY` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_CONTROL_BODY:
            raise BadControlRequest(413, f"The body is larger than {MAX_CONTROL_BODY} bytes.")
        chunks.append(chunk)
    try:
        body = orjson.loads(b"".join(chunks) or b"{}")
    except orjson.JSONDecodeError:
        raise BadControlRequest(400, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadControlRequest(400, "The body must be a JSON object.")
    return body


def session_cookie(name: str, token: str, max_age: int) -> str:
    """A ``Set-Cookie`` value: the page's scripts cannot read it, and other sites' requests do not carry it."""
    return f"{name}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"


class MockControls:
    """The ``/__mock/`` endpoints, plus ``GET /`` pointing at the documents and their Swagger UIs."""

    def __init__(self, store: Store, authenticator: Authenticator, limiter: RateLimiter,
                 documents: dict[str, str], webhooks: WebhookDispatcher | None = None, *,
                 projects: Sequence[str] = (), trigger: EventTrigger | None = None,
                 on_reset: Sequence[ResetHook] = ()) -> None:
        """``on_reset``: what else ``POST /__mock/reset`` forgets (background work still to come)."""
        self.store = store
        self.authenticator = authenticator
        self.projects = list(projects)
        self.limiter = limiter
        self.documents = documents
        self.webhooks = webhooks or WebhookDispatcher()
        self.trigger = trigger
        self.on_reset = tuple(on_reset)

    def routes(self) -> list[tuple[str, str, Callable[[Request], Awaitable[Response]], list[str]]]:
        """``(path, name, endpoint, methods)`` for ``app.add_url_rule``."""
        return [
            ("/", "mock_index", self.index, ["GET"]),
            ("/__mock/reset", "mock_reset", self.reset, ["POST"]),
            ("/__mock/keys", "mock_keys", self.keys, ["GET"]),
            ("/__mock/members", "mock_members", self.members, ["GET"]),
            ("/__mock/session", "mock_session", self.session, ["POST", "DELETE"]),
            ("/__mock/events", "mock_events", self.events, ["POST"]),
            ("/__mock/deliveries", "mock_deliveries", self.deliveries, ["GET"]),
            ("/__mock/deliveries/{delivery_id}/redeliver", "mock_redeliver", self.redeliver, ["POST"]),
        ]

    async def reset(self, request: Request) -> Response:
        """Seeded data back, created data gone, every rate-limit window emptied, deliveries cancelled and forgotten."""
        self.store.reset()
        await self.limiter.reset()
        self.webhooks.clear()
        for hook in self.on_reset:
            result = hook()
            if inspect.isawaitable(result):
                await result
        return json_response({"reset": True, "projects": self.projects})

    async def keys(self, request: Request) -> Response:
        """The fixture's keys, each with its current status (one revoked through the API shows it)."""
        return json_response(await self.store.run(self.authenticator.keys.listing))

    async def members(self, request: Request) -> Response:
        """Who may sign in: ``[{"email", "project_id", "role"}]``."""
        return json_response(self.authenticator.sign_ins.members.listing())

    async def session(self, request: Request) -> Response:
        """``POST {"email", "expires_in"?}`` signs a member in (the session cookie, ``HttpOnly`` and
        ``SameSite=Lax``); ``DELETE`` ends the session the request's cookie names."""
        try:
            if request.method == "DELETE":
                return await self._sign_out(request)
            return await self._sign_in(request)
        except BadControlRequest as bad:
            return error_response(bad.status, bad.message)

    async def _sign_in(self, request: Request) -> Response:
        body = await json_body(request)
        email, expires_in = body.get("email"), body.get("expires_in", int(DEFAULT_TTL.total_seconds()))
        if not isinstance(email, str) or not 0 < len(email) <= 254:
            raise BadControlRequest(422, 'Send {"email": "<a member\'s email>"}; GET /__mock/members lists them.')
        longest = int(MAX_TTL.total_seconds())
        if isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 0 < expires_in <= longest:
            raise BadControlRequest(422, f"Give expires_in as a whole number of seconds from 1 to {longest}.")
        try:
            token, signed_in = await self.store.run(
                functools.partial(self.authenticator.sign_ins.open, email, timedelta(seconds=expires_in)))
        except UnknownMember:
            message = f"No member has the email {email!r}; GET /__mock/members lists them."
            raise BadControlRequest(404, message) from None
        member = signed_in.member
        body = {"signed_in": member.email, "cookie": self.authenticator.cookie,
                "expires_at": signed_in.expires_at.isoformat().replace("+00:00", "Z"),
                "projects": [{"project_id": project, "role": role} for project, role in member.roles.items()]}
        cookie = session_cookie(self.authenticator.cookie, token, expires_in)
        return json_response(body, headers={"Set-Cookie": cookie, "Cache-Control": "no-store"})

    async def _sign_out(self, request: Request) -> Response:
        name = self.authenticator.cookie
        token = session_token(request.scope["headers"], name)
        ended = await self.store.run(functools.partial(self.authenticator.sign_ins.close, token)) if token else False
        return json_response({"signed_out": ended}, headers={"Set-Cookie": session_cookie(name, "", 0)})

    async def events(self, request: Request) -> Response:
        """``POST {"type", "project_id"?, "data"?}`` fires a webhook event of any declared type (202): built from
        the project's current data (or the contract's example), ``data``'s fields on top, checked against the
        contract; the answer holds the event and how many deliveries were queued."""
        if self.trigger is None:
            return error_response(404, "This mock fires no events: its contract declares no webhook deliveries.")
        try:
            body = await json_body(request)
            fired = await self.trigger.fire(body.get("type"), body.get("project_id"), body.get("data"))
        except (BadControlRequest, TriggerRefused) as bad:
            return error_response(bad.status, bad.message)
        return json_response(fired, 202)

    async def deliveries(self, request: Request) -> Response:
        """Webhook deliveries, newest first (``?project_id=`` for one project): each one's state, its
        ``message_id`` (the ``webhook-id``), its retry schedule and next attempt, and every attempt with its
        signed headers, status and latency."""
        return json_response(self.webhooks.deliveries(request.query_params.get("project_id")))

    async def redeliver(self, request: Request) -> Response:
        """Send a recorded delivery again (202): a new delivery with the same body and ``webhook-id``, signed
        afresh; 404 for an unknown delivery, 409 once its webhook is deleted."""
        delivery_id = request.path_params["delivery_id"]
        try:
            return json_response(await self.webhooks.redeliver(delivery_id), 202)
        except UnknownDelivery:
            return error_response(404, f"No delivery {delivery_id!r}; GET /__mock/deliveries lists them.")
        except WebhookGone as gone:
            return error_response(409, f"The webhook {gone} was deleted: nothing is delivered to it any more.")

    async def index(self, request: Request) -> Response:
        return json_response({
            "name": "Hissuno mock server",
            "documents": {
                name: {"base_path": base, "openapi": f"{base}/openapi.json", "swagger_ui": f"{base}/ui/"}
                for name, base in self.documents.items()
            },
            "controls": {"reset": "POST /__mock/reset", "keys": "GET /__mock/keys", "members": "GET /__mock/members",
                         "sign_in": "POST /__mock/session", "sign_out": "DELETE /__mock/session",
                         "events": "POST /__mock/events", "deliveries": "GET /__mock/deliveries",
                         "redeliver": "POST /__mock/deliveries/{delivery_id}/redeliver"},
            "worker": os.getpid(),
        })
