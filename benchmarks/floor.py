"""The Python floor: a bare Starlette app serving the mock's own seeded sessions on the same three /v1 routes.

It builds the data with the mock's fixture loader and seeder (same fixture, same seed, same documents) and
renders them through the mock's spec-derived views, then answers ``GET /v1/sessions``, ``GET
/v1/sessions/{id}`` and ``POST /v1/sessions`` with orjson: a dict lookup for the key, no spec, no validation,
no rate limit. Whatever the mock costs above this app is the price of Connexion, validation and the
contract's behaviour; this app itself is what uvicorn and Starlette cost on this machine.

Run: ``python -m benchmarks.floor --port 4020 [--seed 42] [--fixtures FILE]``.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contract.spec import bundled
from mockserver.data.fixture import load_fixture
from mockserver.data.seed import build_dataset
from mockserver.presentation import Views, pick
from mockserver.settings import default_fixtures

Doc = dict[str, Any]


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, headers=headers, media_type="application/json")


class FloorSessions:
    """Sessions per project, newest activity first (archived ones hidden, as the mock's default list does),
    plus an id index: the least work a list, a get and a create need."""

    def __init__(self, fixtures: Path, seed: int) -> None:
        fixture = load_fixture(fixtures)
        self.views = Views(bundled("v1"))
        self.projects_by_key = {k.key: k.project_id for k in fixture.keys if k.status == "active"}
        dataset = build_dataset(fixture, seed)
        self.ordered: dict[str, list[Doc]] = {}
        self.by_id: dict[str, dict[str, Doc]] = {}
        for project_id, kinds in dataset.items():
            sessions = sorted(kinds.get("sessions", []), key=lambda d: (d["last_activity_at"], d["id"]), reverse=True)
            self.ordered[project_id] = [doc for doc in sessions if not doc["is_archived"]]
            self.by_id[project_id] = {doc["id"]: doc for doc in sessions}
        self._ids = itertools.count(1)

    def project_of(self, request: Request) -> str | None:
        authorization = request.headers.get("authorization", "")
        return self.projects_by_key.get(authorization[7:]) if authorization.startswith("Bearer ") else None

    async def list(self, request: Request) -> Response:
        project_id = self.project_of(request)
        if project_id is None:
            return json_response(401, {"error": "Invalid API key."})
        limit = int(request.query_params.get("limit", 50))
        offset = int(request.query_params.get("offset", 0))
        rows = self.ordered[project_id]
        page = [pick(doc, self.views.session) for doc in rows[offset : offset + limit]]
        return json_response(200, {"data": page, "total": len(rows), "limit": limit, "offset": offset})

    async def get(self, request: Request) -> Response:
        project_id = self.project_of(request)
        if project_id is None:
            return json_response(401, {"error": "Invalid API key."})
        doc = self.by_id[project_id].get(request.path_params["session_id"])
        if doc is None:
            return json_response(404, {"error": "Session not found."})
        return json_response(200, self.detail(doc))

    async def create(self, request: Request) -> Response:
        project_id = self.project_of(request)
        if project_id is None:
            return json_response(401, {"error": "Invalid API key."})
        body = orjson.loads(await request.body())
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        doc: Doc = {
            "id": f"sess_floor{next(self._ids)}", "name": body.get("name"), "status": "active", "source": "api",
            "session_type": "chat", "customer_email": body["customer_email"], "customer_id": None, "user_id": None,
            "user_metadata": body.get("user_metadata") or {}, "page_url": body.get("page_url"),
            "page_title": body.get("page_title"), "tags": body.get("tags") or [], "message_count": 1,
            "first_message_at": now, "last_activity_at": now, "pm_reviewed_at": None, "is_archived": False,
            "is_human_takeover": False, "created_at": now, "updated_at": now,
            "messages": [{"sender": "user", "content": body["message"], "created_at": now}],
        }  # fmt: skip
        self.ordered[project_id].insert(0, doc)
        self.by_id[project_id][doc["id"]] = doc
        return json_response(201, self.detail(doc), {"Location": f"/v1/sessions/{doc['id']}"})

    def detail(self, doc: Doc) -> Doc:
        return {**pick(doc, self.views.session), "messages": doc.get("messages", []), "linked_issues": []}


def create_floor_app(fixtures: Path | None = None, seed: int = 42) -> Starlette:
    sessions = FloorSessions(fixtures or default_fixtures(), seed)
    return Starlette(
        routes=[
            Route("/v1/sessions", sessions.list, methods=["GET"]),
            Route("/v1/sessions", sessions.create, methods=["POST"]),
            Route("/v1/sessions/{session_id}", sessions.get, methods=["GET"]),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4020)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--fixtures", type=Path, default=None)
    args = parser.parse_args(argv)
    app = create_floor_app(args.fixtures, args.seed)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
