"""Deliberately broken variants of the mock for the conformance suite: :class:`tests.support.mutants.Mutant`
subclasses, one bug each.

Each mutant breaks one promise of the contract the way a real backend might (a forgotten auth check, a
leaky query, an error page from the framework). The suite must fail on every one and name the check that
guards that promise; a mutant the suite misses is a bug in the suite.
"""

from __future__ import annotations

import secrets

from tests.support.mutants import (
    Answer,
    Mutant,
    Scope,
    header,
    is_list,
    project_of,
    query,
    session_cookie,
    with_header,
    with_query,
)

HIGH_LIMIT = 100_000


# --- auth ---------------------------------------------------------------------------------------


class AcceptsMissingKey(Mutant):
    """No Authorization header? The request runs as the enterprise project's full key."""

    def request(self, scope: Scope) -> Scope:
        if header(scope, "authorization") is None:
            fallback = next(
                k for k in self.keys if k.plan == "enterprise" and k.permission == "full" and k.status == "active"
            )
            return with_header(scope, "authorization", f"Bearer {fallback.key}")
        return scope


class AcceptsRevokedKeys(Mutant):
    """Revoked and expired keys keep working (the status is never looked at)."""

    def request(self, scope: Scope) -> Scope:
        key = self.identity(scope)
        if key is not None and key.status != "active":
            return with_header(scope, "authorization", f"Bearer {self.key(key.project_id)}")
        return scope


class ReadOnlyKeysWrite(Mutant):
    """A read-only key may create and delete (the permission level is never looked at)."""

    def request(self, scope: Scope) -> Scope:
        key = self.identity(scope)
        if key is not None and key.permission == "read-only" and scope["method"] in ("POST", "DELETE"):
            return with_header(scope, "authorization", f"Bearer {self.key(key.project_id)}")
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


# --- the session cookie and owner-only operations ---------------------------------------------------


class MembersManageKeys(Mutant):
    """The Access page takes any caller of the project: a member's session or a standard key acts as the owner."""

    def request(self, scope: Scope) -> Scope:
        project = project_of(scope)
        if project is None or "/api-keys" not in scope["path"]:
            return scope
        signed_in, key = self.signed_in(scope), self.identity(scope)
        member = signed_in is not None and signed_in.member.roles.get(project) == "member"
        if member or (key is not None and key.project_id == project and key.permission != "full"):
            scope = with_header(scope, "authorization", None)
            return with_header(scope, "cookie", f"{self.mock.controls.authenticator.cookie}="
                                                f"{self.owner_session(project)}")
        return scope


class SessionCookieIgnored(Mutant):
    """The internal API never reads the session cookie (only keys authenticate)."""

    def request(self, scope: Scope) -> Scope:
        return with_header(scope, "cookie", None)


class AcceptsAnySessionCookie(Mutant):
    """A session cookie the mock does not know is taken as the owner's of the path's project."""

    def request(self, scope: Scope) -> Scope:
        name, project = self.mock.controls.authenticator.cookie, project_of(scope)
        token = session_cookie(scope, name)
        if token and project in {p.id for p in self.mock.fixture.projects} and self.signed_in(scope) is None:
            return with_header(scope, "cookie", f"{name}={self.owner_session(project)}")
        return scope


class KeyWinsOverTheCookie(Mutant):
    """With a key and the session cookie, the key decides (the session is dropped)."""

    def request(self, scope: Scope) -> Scope:
        if header(scope, "authorization") and header(scope, "cookie"):
            return with_header(scope, "cookie", None)
        return scope


class SessionOnEveryProject(Mutant):
    """A signed-in user reaches any project: off their projects the request runs as that project's owner."""

    def request(self, scope: Scope) -> Scope:
        signed_in, project = self.signed_in(scope), project_of(scope)
        known = {p.id for p in self.mock.fixture.projects}
        if signed_in is not None and project in known and project not in signed_in.member.roles:
            return with_header(scope, "cookie", f"{self.mock.controls.authenticator.cookie}="
                                                f"{self.owner_session(project)}")
        return scope


class NoCrossSiteCheck(Mutant):
    """Writes with the session cookie are served whatever page they come from (``Origin`` is never read)."""

    def request(self, scope: Scope) -> Scope:
        if self.signed_in(scope) is not None:
            return with_header(with_header(scope, "origin", None), "sec-fetch-site", None)
        return scope


class SessionOnV1(Mutant):
    """``/v1`` takes the session cookie too: the request runs as a full key of the user's first project."""

    def request(self, scope: Scope) -> Scope:
        signed_in = self.signed_in(scope)
        if signed_in is not None and scope["path"].startswith("/v1/") and not header(scope, "authorization"):
            return with_header(scope, "authorization", f"Bearer {self.key(next(iter(signed_in.member.roles)))}")
        return scope


# --- keys -----------------------------------------------------------------------------------------


def _creates_a_key(scope: Scope) -> bool:
    return scope["method"] == "POST" and scope["path"].endswith("/api-keys")


class CreatedKeysDoNotWork(Mutant):
    """The key a create shows is not the one it stored: it never works."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        body = answer.json
        if _creates_a_key(scope) and answer.status == 201 and isinstance(body, dict):
            body["key"] = body["prefix"] + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(20))
            answer.set_json(body)
        return answer


class RevokedKeysLinger(Mutant):
    """A revocation answers the key as revoked but changes nothing: the key goes on working."""

    async def __call__(self, scope: Scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"].endswith("/revoke"):
            read = await self.call({**scope, "method": "GET", "path": scope["path"].removesuffix("/revoke"),
                                    "raw_path": scope["path"].removesuffix("/revoke").encode()})
            body = read.json
            if read.status == 200 and isinstance(body, dict):
                body.update(status="revoked", revoked_at=body["created_at"])
                read.set_json(body)
            headers = [(k.encode(), v.encode()) for k, v in read.headers if k != "content-length"]
            headers.append((b"content-length", str(len(read.body)).encode()))
            await send({"type": "http.response.start", "status": read.status, "headers": headers})
            await send({"type": "http.response.body", "body": read.body})
            return
        await super().__call__(scope, receive, send)


class ListsShowTheKey(Mutant):
    """Lists and reads of keys show each key whole, as its create did."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.shown: dict[str, str] = {}

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        body = answer.json
        if _creates_a_key(scope) and answer.status == 201 and isinstance(body, dict):
            self.shown[body["id"]] = body["key"]
        elif "/api-keys" in scope["path"] and scope["method"] == "GET" and answer.status == 200:
            items = body["data"] if is_list(answer) else [body]
            for item in items:
                if isinstance(item, dict) and item.get("id") in self.shown:
                    item["key"] = self.shown[item["id"]]
            answer.set_json(body)
        return answer


class NoKeyCap(Mutant):
    """No cap on a project's active keys: past it, a create still answers 201 (a copy of the last one, new id)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.last: dict[str, object] | None = None

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if _creates_a_key(scope) and answer.status == 201:
            self.last = answer.json
        elif _creates_a_key(scope) and answer.status == 409 and self.last is not None:
            answer.status = 201
            answer.set_json({**self.last, "id": f"key_{secrets.token_hex(5)}"})
        return answer


# --- isolation ----------------------------------------------------------------------------------


class LeaksByIdAcrossProjects(Mutant):
    """A 404 by id is retried with every other project's key: another project's row comes back."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        key = self.identity(scope)
        if answer.status != 404 or scope["method"] != "GET" or key is None:
            return answer
        for other in {k.project_id for k in self.keys} - {key.project_id}:
            found = await self.call(with_header(scope, "authorization", f"Bearer {self.key(other)}"))
            if found.status == 200:
                return found
        return answer


class LeaksListsAcrossProjects(Mutant):
    """Lists append the first rows of every other project (a missing ``WHERE project_id = ?``)."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        key = self.identity(scope)
        if key is None or not is_list(answer):
            return answer
        body = answer.json
        for other in sorted({k.project_id for k in self.keys} - {key.project_id}):
            found = await self.call(with_header(scope, "authorization", f"Bearer {self.key(other)}"))
            if is_list(found):
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


class WritesNotStored(Mutant):
    """A PATCH answers the changed object, but the change is never stored: reading it back shows the old one."""

    def request(self, scope: Scope) -> Scope:
        if scope["method"] == "PATCH":
            scope["hissuno.before"] = self._stored(scope)
        return scope

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        before = scope.get("hissuno.before")
        if before is not None and answer.status == 200:
            project, kind, doc = before
            self.mock.store.put(project, kind, doc, announce=False)
        return answer

    def _stored(self, scope: Scope) -> tuple[str, str, dict] | None:
        key = self.identity(scope)
        *_, kind, doc_id = scope["path"].rstrip("/").split("/")
        doc = self.mock.store.get(key.project_id, kind, doc_id) if key is not None else None
        return (key.project_id, kind, doc) if doc is not None else None


# --- conflicts ----------------------------------------------------------------------------------


class DuplicateWebhookUrlsAccepted(Mutant):
    """A URL that already has a webhook gets a second one: the duplicate check was forgotten."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        message = (answer.json or {}).get("error", "") if answer.status == 409 else ""
        key = self.identity(scope)
        if "already has a webhook (" not in message or key is None:
            return answer
        existing = self.mock.store.get(key.project_id, "webhooks", message.split("(", 1)[1].split(")", 1)[0])
        fields = {name: value for name, value in existing.items() if name != "id"}
        made = self.mock.store.create(key.project_id, "webhooks", {**fields, "secret": "whsec_" + "d" * 32}, "whk_")
        answer.status = 201
        answer.set_json(made)
        answer.set_header("location", f"{scope['path']}/{made['id']}")
        return answer


class SecondCodebaseIs422(Mutant):
    """A second codebase source is a validation error (422), as the mock had it before issue 16, not a 409."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if answer.status == 409 and "codebase" in (answer.json or {}).get("error", ""):
            answer.status = 422
            answer.set_json({"error": "A project can have only one codebase source.",
                             "details": [{"field": "type", "message": "The project already has a codebase source."}]})
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
        if is_list(answer):
            answer.set_json(answer.json["data"])
        return answer


class IgnoresOffset(Mutant):
    """``offset`` is echoed but never applied: every page is the first page."""

    def request(self, scope: Scope) -> Scope:
        values = query(scope)
        if scope["method"] == "GET" and "offset" in values and values["offset"].isdigit():
            scope["hissuno.offset"] = int(values.pop("offset"))
            return with_query(scope, values)
        return scope

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if "hissuno.offset" in scope and is_list(answer):
            body = answer.json
            body["offset"] = scope["hissuno.offset"]
            answer.set_json(body)
        return answer


class AcceptsLimitZero(Mutant):
    """``limit=0`` is taken (as one row) instead of being rejected."""

    def request(self, scope: Scope) -> Scope:
        values = query(scope)
        if values.get("limit") == "0":
            scope["hissuno.limit"] = 0
            return with_query(scope, {**values, "limit": "1"})
        return scope

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if "hissuno.limit" in scope and is_list(answer):
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
        if is_list(answer):
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
