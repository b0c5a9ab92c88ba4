"""Deliberately broken mocks: the real app, with its requests or answers changed, or a broken part injected
through its constructor.

A test proves a check catches a bug by building the bug: a :class:`Mutant` subclass changes requests
(:meth:`Mutant.request`) and/or buffered answers (:meth:`Mutant.answer`) around the real app; a broken part
(:class:`RacyWindowStorage`) goes in through ``create_app``'s arguments. Serve one in a process of its own with
``python -m tests.support.serve_mutant``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode

from limits.aio.storage import Storage

from mockserver.host.connexion_app import MockApp
from mockserver.ratelimit_storage import WindowMemoryStorage
from tests.support.apps import hermetic_app

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass
class Answer:
    """A buffered HTTP response a mutant may change before it is sent."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)

    def set_header(self, name: str, value: str | None) -> None:
        self.headers = [(k, v) for k, v in self.headers if k != name.lower()]
        if value is not None:
            self.headers.append((name.lower(), value))

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def set_json(self, value: Any, content_type: str = "application/json") -> None:
        self.body = json.dumps(value).encode()
        self.set_header("content-type", content_type)


class Mutant:
    """The mock with a bug; the base class changes nothing (the control every mutant is compared with).

    ``app``: the app to wrap (by default a fresh :func:`~tests.support.apps.hermetic_app` built from
    ``settings_overrides``, ``settings`` and ``limiter_storage``). ``/__mock/`` controls pass untouched.
    """

    settings_overrides: ClassVar[dict[str, Any]] = {}

    def __init__(self, app: MockApp | None = None, *, limiter_storage: Storage | None = None,
                 **settings: Any) -> None:
        self.app = app if app is not None else hermetic_app(
            limiter_storage=limiter_storage, **{**self.settings_overrides, **settings})
        self.mock = self.app.mock
        self.keys = self.mock.fixture.keys

    def key(self, project: str, permission: str = "full") -> str:
        return next(
            k.key for k in self.keys if k.project_id == project and k.permission == permission and k.status == "active"
        )

    def identity(self, scope: Scope) -> Any:
        """The key fixture behind the request's Bearer token, if any."""
        token = header(scope, "authorization") or ""
        value = token.removeprefix("Bearer ").strip()
        return next((k for k in self.keys if k.key == value), None)

    def signed_in(self, scope: Scope) -> Any:
        """The live sign-in behind the request's session cookie, if any (a ``SignIn``: member and roles)."""
        token = session_cookie(scope, self.mock.controls.authenticator.cookie)
        return self.mock.sign_ins.live(token) if token else None

    def owner_session(self, project: str) -> str:
        """A fresh session token of the project's owner (signed in directly, as the sign-in control would)."""
        owner = next(m for m in self.mock.fixture.members if m.project_id == project and m.role == "owner")
        return self.mock.sign_ins.open(owner.email)[0]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/__mock"):
            await self.app(scope, receive, send)
            return
        scope = self.request(dict(scope))
        answer = await self.call(scope, receive)
        answer = await self.answer(scope, answer)
        headers = [(k.encode(), v.encode()) for k, v in answer.headers if k != "content-length"]
        headers.append((b"content-length", str(len(answer.body)).encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    async def call(self, scope: Scope, receive: Receive | None = None) -> Answer:
        """Run the real mock on a request and buffer its answer."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def empty() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        # A copy: the app writes into its scope (root_path), and a mutant may replay the original.
        await self.app(dict(scope), receive or empty, capture)
        headers = [(k.decode().lower(), v.decode()) for k, v in start.get("headers", [])]
        return Answer(start.get("status", 500), headers, b"".join(chunks))

    def request(self, scope: Scope) -> Scope:
        return scope

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        return answer


def header(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key.decode().lower() == name:
            return value.decode()
    return None


def with_header(scope: Scope, name: str, value: str | None) -> Scope:
    """The scope with the header ``name`` set to ``value`` (removed for None)."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.decode().lower() != name]
    if value is not None:
        headers.append((name.encode(), value.encode()))
    return {**scope, "headers": headers}


def session_cookie(scope: Scope, name: str) -> str | None:
    """The value of the request's session cookie ``name``."""
    for part in (header(scope, "cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def project_of(scope: Scope) -> str | None:
    """The project an internal path names (``/api/projects/<id>/...``)."""
    parts = scope["path"].split("/")
    return parts[3] if len(parts) > 3 and parts[1:3] == ["api", "projects"] else None


def query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))


def with_query(scope: Scope, values: dict[str, str]) -> Scope:
    return {**scope, "query_string": urlencode(values).encode()}


def is_list(answer: Answer) -> bool:
    body = answer.json
    return answer.status == 200 and isinstance(body, dict) and isinstance(body.get("data"), list) and "total" in body


class RacyWindowStorage(WindowMemoryStorage):
    """A deliberately broken rate-limit storage: reads the window, yields to the event loop for ``pause_seconds``
    (a slow round trip), then counts without checking again, so concurrent requests near the limit all get in."""

    def __init__(self, pause_seconds: float = 0.0) -> None:
        super().__init__()
        self.pause_seconds = pause_seconds

    async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
        _, count = await super().get_moving_window(key, limit, expiry)
        await asyncio.sleep(self.pause_seconds)
        if count >= limit:
            oldest, count = await super().get_moving_window(key, limit, expiry)
            return False, oldest, count
        return await super().acquire_with_window(key, 1 << 62, expiry)
