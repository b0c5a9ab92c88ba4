"""A stand-in for today's real Hissuno backend (commit af55ad9), for the nine seed endpoints of the internal API,
its API-key routes, its cookie sessions and the routes it has for the contract's lifecycle writes (a session's
review, an issue's update).

It follows ``hissuno-backend-facts.md`` (sections 0-2 and 6), not our contract, so the conformance suite can be
proven against a server that is not ours: ``hiss_`` keys checked by a proxy before any route (401 bodies without
a period, 403 ``Forbidden`` for another project's path), lists keyed by resource (``{sessions, total}``,
``{sources}`` without a total), single objects wrapped (``{session, messages}``, ``{issue}``), camelCase filters,
no permission levels, no rate limiting and no rate-limit headers, no 422 ever, 500 on a body that is not JSON and
on an issue id that is not a UUID, session ids like ``manual-<ms>-<rand>``, and no ``GET /customers`` (a
Next.js HTML 404); API keys as section 2.10 and 1.4 describe them (``{apiKeys}``, ``{apiKey, fullKey}``,
``{success: true}``, revoke by ``DELETE``, a cap of 25 answered 500, listed to any member), and a user's Supabase
cookie that wins over a key, 401 for a non-member, no check of a write's ``Origin`` (section 1.5). Where the facts
are silent (a ``limit`` that is not a number) it picks the plainest reading
of the code they describe, and says so beside the code.

``fixes`` turns single divergences off (the names of :data:`FIXES`), so a test can show that fixing one makes
its register entry stale.
"""

from __future__ import annotations

import base64
import json
import random
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

PROJECT_A = "3f0c1a52-7d4e-4c1b-9a55-0d6f2b9e8a11"
PROJECT_B = "9b2e7c40-1f3a-4e8d-b6c2-5a7d9e0f1c22"
# Divergences a test may switch off, one at a time.
FIXES = frozenset({"non_uuid_issue_is_404"})
NOT_FOUND_PAGE = "<!DOCTYPE html><html><head><title>404: This page could not be found.</title></head></html>"
MAX_ACTIVE_KEYS = 25
SESSION_COOKIE = "sb-hissuno-auth-token"
OWNER_ID = "0b5f3c1e-2a47-4d8e-9c61-7e2f4a9b3d10"
UUID_SHAPE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SESSION_SOURCES = ("widget", "slack", "intercom", "gong", "manual")
SESSION_STATUSES = ("active", "closing_soon", "awaiting_idle_response", "closed")
NATIVE_TAGS = ("general_feedback", "wins", "losses", "bug", "feature_request", "change_request")
ISSUE_TYPES = ("bug", "feature_request", "change_request")
USER_SOURCE_TYPES = ("website", "docs_portal", "uploaded_doc", "raw_text")
LEVELS = {"high": (4, 5), "medium": (2, 3), "low": (1, 1)}
EPOCH = datetime(2026, 2, 18, 17, 38, 6, 123456, tzinfo=UTC)


def make_key(rng: random.Random) -> str:
    """``hiss_`` and 36 random bytes in base64url: 53 characters."""
    return "hiss_" + base64.urlsafe_b64encode(rng.randbytes(36)).decode().rstrip("=")


@dataclass
class Project:
    id: str
    name: str
    sessions: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    reviewing: set[str] = field(default_factory=set)


@dataclass
class Key:
    value: str
    project_id: str
    active: bool = True
    id: str = ""
    name: str = "Fixture key"
    created_at: str = "2026-02-01T09:00:00.000000+00:00"
    expires_at: str | None = None
    revoked_at: str | None = None

    def record(self) -> dict[str, Any]:
        """``ApiKeyRecord``: every column but the hash (section 4.5)."""
        return {"id": self.id, "project_id": self.project_id, "created_by_user_id": OWNER_ID, "name": self.name,
                "key_prefix": self.value[:16], "last_used_at": None, "expires_at": self.expires_at,
                "revoked_at": self.revoked_at, "created_at": self.created_at}  # fmt: skip


@dataclass(frozen=True)
class User:
    """A Supabase user signed in with a cookie, and their roles (``project_members``)."""

    id: str
    email: str
    roles: dict[str, str]
    token: str


class Backend:
    """The double's data (two projects, their keys) and its nine endpoints."""

    def __init__(self, seed: int = 7, fixes: Iterable[str] = ()) -> None:
        self.fixes = frozenset(fixes)
        unknown = self.fixes - FIXES
        if unknown:
            raise ValueError(f"unknown fixes {sorted(unknown)}; known: {sorted(FIXES)}")
        self.rng = random.Random(seed)
        self.projects = {pid: self._seed(pid, name) for pid, name in ((PROJECT_A, "Northwind"), (PROJECT_B, "Lumen"))}
        self.keys = [Key(make_key(self.rng), PROJECT_A), Key(make_key(self.rng), PROJECT_A),
                     Key(make_key(self.rng), PROJECT_B), Key(make_key(self.rng), PROJECT_A, active=False)]  # fmt: skip
        for key in self.keys:
            key.id = self._uuid()
        self.users = [User(OWNER_ID, "owner@northwind.test", {PROJECT_A: "owner"}, f"owner-{self._uuid()}"),
                      User(self._uuid(), "member@northwind.test", {PROJECT_A: "member"}, f"member-{self._uuid()}")]
        self.clock = 0

    # Keys, as a backend team would hand them to the suite.

    @property
    def main_key(self) -> str:
        return self.keys[0].value

    @property
    def spare_key(self) -> str:
        """Another key of the main project (the backend has no permission levels: it acts like the main one)."""
        return self.keys[1].value

    @property
    def other_key(self) -> str:
        return self.keys[2].value

    @property
    def revoked_key(self) -> str:
        return self.keys[3].value

    @property
    def owner_cookie(self) -> str:
        return f"{SESSION_COOKIE}={self.users[0].token}"

    @property
    def member_cookie(self) -> str:
        return f"{SESSION_COOKIE}={self.users[1].token}"

    def cli_keys(self) -> list[str]:
        """The ``hissuno-conformance run`` arguments naming every key and session this backend has."""
        return ["--api", "internal", "--api-key", self.main_key, "--project-id", PROJECT_A,
                "--other-api-key", self.other_key, "--other-project-id", PROJECT_B,
                "--revoked-key", self.revoked_key, "--rate-limit-key", self.spare_key,
                "--session-cookie", self.owner_cookie, "--member-session-cookie", self.member_cookie]  # fmt: skip

    # Seeded data.

    def _now(self) -> str:
        self.clock += 1
        return _stamp(EPOCH + timedelta(seconds=self.clock))

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _seed(self, project_id: str, name: str) -> Project:
        project = Project(project_id, name)
        for index in range(6):
            created = _stamp(EPOCH - timedelta(days=index + 1))
            session = self._session_row(project, f"widget-{project_id[:4]}-{index}", created)
            session["source"] = SESSION_SOURCES[index % len(SESSION_SOURCES)]
            session["status"] = SESSION_STATUSES[index % len(SESSION_STATUSES)]
            session["tags"] = [NATIVE_TAGS[index % len(NATIVE_TAGS)]]
            project.sessions.append(session)
            project.messages[session["id"]] = [
                {"id": self._uuid(), "role": "user", "content": f"Question {index}", "createdAt": created,
                 "senderType": "user"}]  # fmt: skip
        for index in range(4):
            created = _stamp(EPOCH - timedelta(days=index + 2))
            project.issues.append({
                "id": self._uuid(), "project_id": project_id, "type": ISSUE_TYPES[index % 3],
                "title": f"Issue {index} of {name}", "description": "Raised by a session.", "priority": "low",
                "priority_manual_override": False, "upvote_count": 1 + index, "status": "open",
                "is_archived": False, "impact_score": 1 + index, "velocity_score": 1 + index, "effort_score": 2,
                "created_at": created, "updated_at": created, "project": {"id": project_id, "name": name}})  # fmt: skip
        project.sources.append({
            "id": self._uuid(), "project_id": project_id, "type": "website", "url": "https://example.com",
            "content": None, "storage_path": None, "status": "completed", "enabled": True,
            "created_at": _stamp(EPOCH - timedelta(days=9)), "source_code": None})  # fmt: skip
        return project

    def _message(self, message: dict[str, Any], now: str) -> dict[str, Any]:
        """A stored message as the API shows it: camelCase keys, sender ``ai`` for the assistant."""
        sender = "user" if message["role"] == "user" else "ai"
        return {"id": self._uuid(), "role": message["role"], "content": message["content"].strip(),
                "createdAt": now, "senderType": sender}  # fmt: skip

    def _session_row(self, project: Project, session_id: str, created: str) -> dict[str, Any]:
        return {"id": session_id, "project_id": project.id, "user_id": None, "user_metadata": {},
                "contact_id": None, "page_url": None, "page_title": None, "name": "Anonymous - Feb 18",
                "source": "manual", "session_type": "chat", "message_count": 0, "status": "active", "tags": [],
                "first_message_at": None, "last_activity_at": created, "pm_reviewed_at": None,
                "is_archived": False, "is_human_takeover": False, "created_at": created, "updated_at": created,
                "project": {"id": project.id, "name": project.name}, "contact": None}  # fmt: skip

    # The proxy (app/src/proxy.ts): it decides 401 and the path's 403 before any route runs; a cookie user passes.

    def user(self, request: Request) -> User | None:
        token = request.cookies.get(SESSION_COOKIE)
        return next((u for u in self.users if u.token == token), None) if token else None

    def admit(self, request: Request) -> Response | None:
        if self.user(request) is not None:
            return None  # the API key header is then ignored completely (section 1.2, step 5)
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer hiss_"):
            return JSONResponse({"error": "Unauthorized"}, status_code=401)
        token = header.removeprefix("Bearer ")
        key = next((k for k in self.keys if k.value == token and k.active), None)
        if key is None:
            return JSONResponse({"error": "Invalid API key"}, status_code=401)
        match = re.match(r"^/api/projects/([^/]+)", request.url.path)
        if match and match.group(1) != key.project_id:
            return JSONResponse({"error": "Forbidden"}, status_code=403)
        return None

    def access(self, request: Request, owner: bool = False) -> Response | None:
        """``assertProjectAccess``: a user who is not a member gets 401 "Unauthorized." (not 403); an owner-only
        route needs the ``owner`` role (a key acts as its creator, an owner here)."""
        user = self.user(request)
        if user is None:
            return None
        role = user.roles.get(request.path_params["projectId"])
        if role is None:
            return JSONResponse({"error": "Unauthorized."}, status_code=401)
        if owner and role != "owner":
            return JSONResponse({"error": "Forbidden."}, status_code=403)
        return None

    def project(self, request: Request) -> Project:
        return self.projects[request.path_params["projectId"]]

    # Sessions (section 2.1-2.3).

    async def sessions(self, request: Request) -> Response:
        project = self.project(request)
        if request.method == "POST":
            return await self._create_session(request, project)
        query = request.query_params
        rows = [s for s in project.sessions if query.get("showArchived") == "true" or not s["is_archived"]]
        for name, column in (("status", "status"), ("source", "source")):
            if name in query:
                rows = [s for s in rows if s[column] == query[name]]
        for name, column in (("userId", "user_id"), ("sessionId", "id"), ("name", "name")):
            if name in query:
                rows = [s for s in rows if query[name].lower() in (s[column] or "").lower()]
        if "tags" in query:
            wanted = set(query["tags"].split(","))
            rows = [s for s in rows if wanted & set(s["tags"])]
        rows.sort(key=lambda s: s["last_activity_at"], reverse=True)
        page, total = _page(rows, query)
        return JSONResponse({"sessions": page, "total": total})

    async def _create_session(self, request: Request, project: Project) -> Response:
        body = await _json_or_none(request)
        if body is None:
            return JSONResponse({"error": "Unable to create session."}, status_code=500)
        body = body if isinstance(body, dict) else {}
        now = self._now()
        session_id = f"manual-{1771436286000 + self.clock}-{self.rng.getrandbits(35):07x}"[:30]
        session = self._session_row(project, session_id, now)
        session["user_id"] = body.get("user_id") or None
        session["tags"] = [tag for tag in _list(body, "tags") if tag in NATIVE_TAGS]
        kept = [message for message in _list(body, "messages") if _kept(message)]
        session["message_count"] = len(kept)
        project.sessions.append(session)
        project.messages[session_id] = [self._message(message, now) for message in kept]
        return JSONResponse({"session": {**session, "issue_sessions": [{"count": 0}]}}, status_code=201)

    async def session(self, request: Request) -> Response:
        project = self.project(request)
        session_id = request.path_params["sessionId"]
        found = next((s for s in project.sessions if s["id"] == session_id), None)
        if found is None:
            return JSONResponse({"error": "Session not found."}, status_code=404)
        return JSONResponse(
            {"session": {**found, "linked_issues": []}, "messages": project.messages.get(session_id, [])}
        )

    async def review(self, request: Request) -> Response:
        """Starts the PM review (section 2.10). The run is driven by an SSE stream nobody opens here, so it stays
        running and a second request is a 409; the answer is the run, not the session (the route's own shape)."""
        project = self.project(request)
        session_id = request.path_params["sessionId"]
        if not any(s["id"] == session_id for s in project.sessions):
            return JSONResponse({"error": "Session not found."}, status_code=404)
        if session_id in project.reviewing:
            return JSONResponse({"error": "Review is already in progress"}, status_code=409)
        project.reviewing.add(session_id)
        run_id = f"session-review-{session_id}-{1771436286000 + self.clock}"
        return JSONResponse({"message": "Session review started", "status": "processing", "runId": run_id,
                             "reviewId": self._uuid()})

    # Issues (section 2.4-2.5).

    async def issues(self, request: Request) -> Response:
        project = self.project(request)
        query = request.query_params
        rows = [i for i in project.issues if query.get("showArchived") == "true" or not i["is_archived"]]
        for name in ("type", "priority", "status"):
            if name in query:
                rows = [i for i in rows if i[name] == query[name]]
        if "search" in query:
            needle = query["search"].lower()
            rows = [i for i in rows if needle in i["title"].lower() or needle in i["description"].lower()]
        for name, column in (("velocityLevel", "velocity_score"), ("impactLevel", "impact_score"),
                             ("effortLevel", "effort_score")):  # fmt: skip
            if name in query:
                if query[name] not in LEVELS:
                    return JSONResponse({"error": "Unable to load issues."}, status_code=500)
                low, high = LEVELS[query[name]]
                rows = [i for i in rows if low <= (i[column] or 0) <= high]
        rows.sort(key=lambda i: i["updated_at"], reverse=True)
        page, total = _page(rows, query)
        return JSONResponse({"issues": page, "total": total})

    async def issue(self, request: Request) -> Response:
        issue_id = request.path_params["issueId"]
        if not UUID_SHAPE.match(issue_id) and "non_uuid_issue_is_404" not in self.fixes:  # PostgREST 22P02
            return JSONResponse({"error": "Unable to load issue."}, status_code=500)
        found = next((i for i in self.project(request).issues if i["id"] == issue_id), None)
        if found is None:
            return JSONResponse({"error": "Issue not found."}, status_code=404)
        return JSONResponse({"issue": {**found, "sessions": []}})

    async def update_issue(self, request: Request) -> Response:
        """The issue's route also updates (section 0: unvalidated body, 500 on bad JSON or a non-UUID id); the
        answer is wrapped like the read's."""
        issue_id = request.path_params["issueId"]
        if not UUID_SHAPE.match(issue_id):
            return JSONResponse({"error": "Unable to update issue."}, status_code=500)
        found = next((i for i in self.project(request).issues if i["id"] == issue_id), None)
        if found is None:
            return JSONResponse({"error": "Issue not found."}, status_code=404)
        body = await _json_or_none(request)
        if not isinstance(body, dict):
            return JSONResponse({"error": "Unable to update issue."}, status_code=500)
        found.update({name: value for name, value in body.items() if name in found and name != "id"})
        found["updated_at"] = self._now()
        return JSONResponse({"issue": found})

    # Customers (section 2.6-2.7): no list at /customers; the import is step 3 of a CSV flow.

    async def customers_import(self, request: Request) -> Response:
        body = await _json_or_none(request)
        if body is None:
            return JSONResponse({"error": "Unable to import data."}, status_code=500)
        body = body if isinstance(body, dict) else {}
        if not body.get("storagePath"):
            return JSONResponse({"error": "storagePath is required."}, status_code=400)
        if body.get("entityType") not in ("company", "contact"):
            return JSONResponse({"error": "Valid entityType is required (company or contact)."}, status_code=400)
        if not isinstance(body.get("mappings"), list):
            return JSONResponse({"error": "Column mappings are required."}, status_code=400)
        if not str(body["storagePath"]).startswith(f"{self.project(request).id}/"):
            return JSONResponse({"error": "Forbidden."}, status_code=403)
        return JSONResponse({"error": "Failed to download CSV file."}, status_code=500)

    # Knowledge sources (section 2.8-2.9).

    async def knowledge_sources(self, request: Request) -> Response:
        project = self.project(request)
        if request.method == "GET":
            rows = sorted(project.sources, key=lambda s: s["created_at"], reverse=True)
            return JSONResponse({"sources": rows})
        body = await _json_or_none(request)
        if not isinstance(body, dict):
            return JSONResponse({"error": "Invalid payload."}, status_code=400)
        kind = body.get("type")
        if kind == "codebase":
            if not body.get("repositoryUrl") or not body.get("repositoryBranch"):
                message = "repositoryUrl and repositoryBranch are required for codebase type."
                return JSONResponse({"error": message}, status_code=400)
            return JSONResponse({"error": "GitHub integration not connected for this project."}, status_code=400)
        if kind not in USER_SOURCE_TYPES:
            return JSONResponse({"error": "Invalid or missing source type."}, status_code=400)
        if kind in ("website", "docs_portal") and not body.get("url"):
            return JSONResponse({"error": "URL is required for website/docs_portal sources."}, status_code=400)
        if kind == "raw_text" and not body.get("content"):
            return JSONResponse({"error": "Content is required for raw_text sources."}, status_code=400)
        source = {"id": self._uuid(), "project_id": project.id, "type": kind, "url": body.get("url") or None,
                  "content": body.get("content") or None, "storage_path": None, "status": "pending",
                  "enabled": True, "created_at": self._now()}  # fmt: skip
        project.sources.append({**source, "source_code": None})
        return JSONResponse({"source": source}, status_code=201)

    # API keys (sections 1.4, 2.10): listed to any member or key; created, revoked, all revoked by an owner.

    async def api_keys(self, request: Request) -> Response:
        project_id = request.path_params["projectId"]
        if request.method == "GET":
            rows = sorted((k for k in self.keys if k.project_id == project_id), key=lambda k: k.created_at,
                          reverse=True)
            return JSONResponse({"apiKeys": [k.record() for k in rows]})
        if (refused := self.access(request, owner=True)) is not None:
            return refused
        if request.method == "DELETE":
            for key in self.keys:
                if key.project_id == project_id and key.active:
                    key.active, key.revoked_at = False, self._now()
            return JSONResponse({"success": True})
        body = await _json_or_none(request)
        if not isinstance(body, dict):
            return JSONResponse({"error": "Failed to create API key."}, status_code=500)
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            return JSONResponse({"error": "Name is required."}, status_code=400)
        if sum(k.project_id == project_id and k.active for k in self.keys) >= MAX_ACTIVE_KEYS:
            return JSONResponse({"error": "Failed to create API key."}, status_code=500)
        key = Key(make_key(self.rng), project_id, id=self._uuid(), name=body["name"], created_at=self._now(),
                  expires_at=body.get("expiresAt") if isinstance(body.get("expiresAt"), str) else None)
        self.keys.append(key)
        return JSONResponse({"apiKey": key.record(), "fullKey": key.value}, status_code=201)

    async def api_key(self, request: Request) -> Response:
        """Revoke one: filtered by the key's id only; an unknown id still succeeds; a non-UUID id is 22P02."""
        if (refused := self.access(request, owner=True)) is not None:
            return refused
        key_id = request.path_params["keyId"]
        if not UUID_SHAPE.match(key_id):
            return JSONResponse({"error": "Failed to revoke API key."}, status_code=500)
        for key in self.keys:
            if key.id == key_id and key.active:
                key.active, key.revoked_at = False, self._now()
        return JSONResponse({"success": True})

    def app(self) -> Starlette:
        backend = self

        def route(path: str, endpoint: Any, methods: list[str]) -> Route:
            async def member_only(request: Request) -> Response:
                return backend.access(request) or await endpoint(request)

            return Route(f"/api/projects/{{projectId}}{path}", member_only, methods=methods)

        routes = [
            route("/sessions", self.sessions, ["GET", "POST"]),
            route("/sessions/{sessionId}", self.session, ["GET"]),
            route("/sessions/{sessionId}/review", self.review, ["POST"]),
            route("/issues", self.issues, ["GET"]),
            route("/issues/{issueId}", self.issue, ["GET"]),
            route("/issues/{issueId}", self.update_issue, ["PATCH"]),
            route("/customers/import", self.customers_import, ["POST"]),
            route("/settings/knowledge-sources", self.knowledge_sources, ["GET", "POST"]),
            route("/api-keys", self.api_keys, ["GET", "POST", "DELETE"]),
            route("/api-keys/{keyId}", self.api_key, ["DELETE"]),
        ]
        inner = Starlette(routes=routes)

        async def asgi(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return
            request = Request(scope)
            refused = backend.admit(request) if request.url.path.startswith("/api/") else None
            if refused is None and not _routed(inner, scope):
                refused = _next_js_fallback(inner, scope)
            if refused is not None:
                await refused(scope, receive, send)
                return
            await inner(scope, receive, send)

        return asgi  # type: ignore[return-value]


def _routed(app: Starlette, scope: Any) -> bool:
    from starlette.routing import Match

    return any(route.matches(scope)[0] is Match.FULL for route in app.routes)


def _next_js_fallback(app: Starlette, scope: Any) -> Response:
    """What Next.js answers outside the handlers: 405 (no body) for another method on a route, else its 404 page."""
    from starlette.routing import Match

    if any(route.matches(scope)[0] is Match.PARTIAL for route in app.routes):
        return Response(status_code=405)
    return HTMLResponse(NOT_FOUND_PAGE, status_code=404)


def _list(body: dict[str, Any], name: str) -> list[Any]:
    value = body.get(name)
    return value if isinstance(value, list) else []


def _kept(message: Any) -> bool:
    """Messages the create keeps: a ``user`` or ``assistant`` role and non-blank text; others are dropped."""
    return (
        isinstance(message, dict)
        and message.get("role") in ("user", "assistant")
        and isinstance(message.get("content"), str)
        and bool(message["content"].strip())
    )


def _page(rows: list[dict[str, Any]], query: Any) -> tuple[list[dict[str, Any]], int]:
    """``limit``/``offset`` as ``parseInt`` reads them; the facts give no bound, so a value that is not a number
    falls back to the default (50, 0) and a negative offset to 0 (the plainest reading of the code)."""
    limit, offset = _parse_int(query.get("limit"), 50), max(0, _parse_int(query.get("offset"), 0))
    return (rows[offset : offset + limit] if limit > 0 else []), len(rows)


def _parse_int(value: str | None, default: int) -> int:
    match = re.match(r"^\s*([+-]?\d+)", value or "")
    return int(match.group(1)) if match else default


async def _json_or_none(request: Request) -> Any:
    """The body parsed as JSON, or None when it is not JSON (the routes' unguarded ``request.json()``)."""
    try:
        return json.loads(await request.body())
    except ValueError:
        return None


def _stamp(moment: datetime) -> str:
    """PostgREST's timestamptz form: offset, microseconds."""
    return moment.isoformat(timespec="microseconds")
