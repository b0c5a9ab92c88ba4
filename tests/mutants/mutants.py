"""Deliberately broken variants of the mock: ASGI wrappers around ``create_app()``, one bug each.

Each mutant breaks one promise of the contract the way a real backend might (a forgotten auth check, a
leaky query, an error page from the framework). The suite must fail on every one and name the check that
guards that promise; a mutant the suite misses is a bug in the suite.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from mockserver.app import create_app
from mockserver.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
HIGH_LIMIT = 100_000


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
    """Wraps the mock; subclasses change requests (:meth:`request`) and/or answers (:meth:`answer`)."""

    settings_overrides: dict[str, Any] = {}

    def __init__(self) -> None:
        self.app = create_app(Settings.from_env({}, **self.settings_overrides))
        self.mock = self.app.mock
        # Webhook deliveries are answered in-process: tests send nothing beyond 127.0.0.1.
        answer = httpx.MockTransport(lambda request: httpx.Response(204))
        self.mock.webhooks._client_factory = lambda: httpx.AsyncClient(transport=answer)
        self.keys = self.mock.fixture.keys

    def key(self, project: str, permission: str = "full") -> str:
        return next(
            k.key for k in self.keys if k.project_id == project and k.permission == permission and k.status == "active"
        )

    def identity(self, scope: Scope) -> Any:
        """The key fixture behind the request's Bearer token, if any."""
        token = _header(scope, "authorization") or ""
        value = token.removeprefix("Bearer ").strip()
        return next((k for k in self.keys if k.key == value), None)

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


def _header(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key.decode().lower() == name:
            return value.decode()
    return None


def _with_header(scope: Scope, name: str, value: str) -> Scope:
    headers = [(k, v) for k, v in scope.get("headers", []) if k.decode().lower() != name]
    headers.append((name.encode(), value.encode()))
    return {**scope, "headers": headers}


def _query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))


def _with_query(scope: Scope, query: dict[str, str]) -> Scope:
    return {**scope, "query_string": urlencode(query).encode()}


def _is_list(answer: Answer) -> bool:
    body = answer.json
    return answer.status == 200 and isinstance(body, dict) and isinstance(body.get("data"), list) and "total" in body


# --- auth ---------------------------------------------------------------------------------------


class AcceptsMissingKey(Mutant):
    """No Authorization header? The request runs as the enterprise project's full key."""

    def request(self, scope: Scope) -> Scope:
        if _header(scope, "authorization") is None:
            fallback = next(
                k for k in self.keys if k.plan == "enterprise" and k.permission == "full" and k.status == "active"
            )
            return _with_header(scope, "authorization", f"Bearer {fallback.key}")
        return scope


class AcceptsRevokedKeys(Mutant):
    """Revoked and expired keys keep working (the status is never looked at)."""

    def request(self, scope: Scope) -> Scope:
        key = self.identity(scope)
        if key is not None and key.status != "active":
            return _with_header(scope, "authorization", f"Bearer {self.key(key.project_id)}")
        return scope


class ReadOnlyKeysWrite(Mutant):
    """A read-only key may create and delete (the permission level is never looked at)."""

    def request(self, scope: Scope) -> Scope:
        key = self.identity(scope)
        if key is not None and key.permission == "read-only" and scope["method"] in ("POST", "DELETE"):
            return _with_header(scope, "authorization", f"Bearer {self.key(key.project_id)}")
        return scope


class IgnoresProjectInPath(Mutant):
    """The internal API serves the key's own project whatever ``{projectId}`` the path names."""

    def request(self, scope: Scope) -> Scope:
        key = self.identity(scope)
        parts = scope["path"].split("/")
        if key is not None and len(parts) > 3 and parts[1:3] == ["api", "projects"]:
            parts[3] = key.project_id
            path = "/".join(parts)
            return {**scope, "path": path, "raw_path": path.encode()}
        return scope


# --- isolation ----------------------------------------------------------------------------------


class LeaksByIdAcrossProjects(Mutant):
    """A 404 by id is retried with every other project's key: another project's row comes back."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        key = self.identity(scope)
        if answer.status != 404 or scope["method"] != "GET" or key is None:
            return answer
        for other in {k.project_id for k in self.keys} - {key.project_id}:
            found = await self.call(_with_header(scope, "authorization", f"Bearer {self.key(other)}"))
            if found.status == 200:
                return found
        return answer


class LeaksListsAcrossProjects(Mutant):
    """Lists append the first rows of every other project (a missing ``WHERE project_id = ?``)."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        key = self.identity(scope)
        if key is None or not _is_list(answer):
            return answer
        body = answer.json
        for other in sorted({k.project_id for k in self.keys} - {key.project_id}):
            found = await self.call(_with_header(scope, "authorization", f"Bearer {self.key(other)}"))
            if _is_list(found):
                body["data"].extend(found.json["data"][:2])
        answer.set_json(body)
        return answer


# --- state --------------------------------------------------------------------------------------


class CreatesNotPersisted(Mutant):
    """A create answers 201 with an object that was never stored (its id leads nowhere)."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        body = answer.json
        if answer.status == 201 and isinstance(body, dict) and isinstance(body.get("id"), str):
            prefix = body["id"].split("_", 1)[0]
            body["id"] = f"{prefix}_{secrets.token_hex(5)}"
            answer.set_json(body)
            location = answer.header("location")
            if location:
                answer.set_header("location", location.rsplit("/", 1)[0] + "/" + body["id"])
        return answer


class CreateEchoesDefaults(Mutant):
    """A create answers the stored object without the name that was sent (a field dropped on write)."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        body = answer.json
        if answer.status == 201 and isinstance(body, dict) and "name" in body:
            body["name"] = None
            answer.set_json(body)
        return answer


# --- envelope and errors ------------------------------------------------------------------------


class HtmlErrors(Mutant):
    """Errors come back as the framework's HTML error page."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if answer.status >= 400:
            answer.body = f"<html><body><h1>{answer.status}</h1></body></html>".encode()
            answer.set_header("content-type", "text/html; charset=utf-8")
        return answer


class ProblemJsonErrors(Mutant):
    """Errors come back as RFC 9457 problem details instead of ``{"error"}``."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if answer.status >= 400:
            message = (answer.json or {}).get("error", "Error.")
            problem = {"type": "about:blank", "title": message, "status": answer.status, "detail": message}
            answer.set_json(problem, "application/problem+json")
        return answer


class UnwrappedLists(Mutant):
    """Lists are a bare JSON array, without ``total``, ``limit`` and ``offset``."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if _is_list(answer):
            answer.set_json(answer.json["data"])
        return answer


class IgnoresOffset(Mutant):
    """``offset`` is echoed but never applied: every page is the first page."""

    def request(self, scope: Scope) -> Scope:
        query = _query(scope)
        if scope["method"] == "GET" and "offset" in query and query["offset"].isdigit():
            scope["hissuno.offset"] = int(query.pop("offset"))
            return _with_query(scope, query)
        return scope

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if "hissuno.offset" in scope and _is_list(answer):
            body = answer.json
            body["offset"] = scope["hissuno.offset"]
            answer.set_json(body)
        return answer


class AcceptsLimitZero(Mutant):
    """``limit=0`` is taken (as one row) instead of being rejected."""

    def request(self, scope: Scope) -> Scope:
        query = _query(scope)
        if query.get("limit") == "0":
            scope["hissuno.limit"] = 0
            return _with_query(scope, {**query, "limit": "1"})
        return scope

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if "hissuno.limit" in scope and _is_list(answer):
            body = answer.json
            body["limit"], body["data"] = 0, []
            answer.set_json(body)
        return answer


# --- Schemathesis' checks -----------------------------------------------------------------------


class CreatedAs200(Mutant):
    """Creates answer 200 instead of 201."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if answer.status == 201:
            answer.status = 200
        return answer


class SchemaViolatingStatus(Mutant):
    """Rows in lists carry a ``status`` outside the enum (``archived``)."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if _is_list(answer):
            body = answer.json
            for item in body["data"]:
                if isinstance(item, dict) and "status" in item:
                    item["status"] = "archived"
            answer.set_json(body)
        return answer


# --- rate limits --------------------------------------------------------------------------------


class DropsRetryAfter(Mutant):
    """429 answers lose their ``Retry-After`` header."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if answer.status == 429:
            answer.set_header("retry-after", None)
        return answer


class NoRateLimiting(Mutant):
    """The plan's limit is advertised in the headers but never enforced."""

    settings_overrides = {
        "rate_limits": {
            "free": f"{HIGH_LIMIT}/minute",
            "pro": f"{HIGH_LIMIT}/minute",
            "enterprise": f"{HIGH_LIMIT}/minute",
        }
    }

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        key = self.identity(scope)
        if key is None or answer.header("x-ratelimit-limit") is None:
            return answer
        advertised = int(self.mock.fixture.plans[key.plan].split("/")[0])
        used = HIGH_LIMIT - int(answer.header("x-ratelimit-remaining") or 0)
        remaining = max(0, advertised - used)
        answer.set_header("x-ratelimit-limit", str(advertised))
        answer.set_header("x-ratelimit-remaining", str(remaining))
        answer.set_header("ratelimit-policy", f'"{key.plan}";q={advertised};w=60')
        answer.set_header("ratelimit", f'"{key.plan}";r={remaining};t=60')
        return answer


class RemainingNeverFalls(Mutant):
    """``X-RateLimit-Remaining`` (and ``RateLimit`` r) always say limit - 1, right up to the 429."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        limit = answer.header("x-ratelimit-limit")
        if limit is None or answer.status == 429:
            return answer
        stuck = str(int(limit) - 1)
        answer.set_header("x-ratelimit-remaining", stuck)
        state = answer.header("ratelimit") or ""
        answer.set_header("ratelimit", state.split(";r=")[0] + f";r={stuck};t=60")
        return answer
