"""Sessions: list with filters, read one with its messages and linked issues, create one from the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.handlers.common import NOT_ARCHIVED, ResourceHandlers, created_reply, when
from mockserver.pipeline.errors import bad_request, not_found
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import pick
from mockserver.stores.query import Filter
from mockserver.stores.timestamps import format_timestamp, parse_timestamp

KIND = "sessions"
SEARCHED = ("name", "customer_email", "user_id", "id")


class SessionHandlers(ResourceHandlers):
    kind = KIND

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listSessions": self.list, "getSession": self.get, "createSession": self.create}

    def list(self, call: Call) -> Reply:
        p = call.params
        return self.list_reply(call, (
            None if p.get("show_archived") else NOT_ARCHIVED,
            when(p.get("status"), lambda v: Filter("status", "eq", v)),
            when(p.get("source"), lambda v: Filter("source", "eq", v)),
            when(p.get("session_type"), lambda v: Filter("session_type", "eq", v)),
            when(p.get("tags") or None, lambda v: Filter("tags", "any", tuple(v))),
            when(p.get("customer_id"), lambda v: Filter("customer_id", "eq", v)),
            when(p.get("search"), lambda v: Filter("", "search", v, SEARCHED)),
            when(p.get("date_from"), lambda v: Filter("created_at", "since", _moment(v))),
            when(p.get("date_to"), lambda v: Filter("created_at", "until", _moment(v))),
        ), sort="last_activity_at")

    def get(self, call: Call) -> Reply:
        doc = self.store.get(call.project_id, KIND, call.params["sessionId"])
        if doc is None:
            raise not_found("Session not found.")
        return Reply(200, self.detail(call.project_id, doc))

    def create(self, call: Call) -> Reply:
        body = call.body
        now = format_timestamp(self.clock())
        customer = self.store.find(call.project_id, "customers", "email", body["customer_email"])
        doc = self.store.create(call.project_id, KIND, {
            "name": body.get("name"),
            "status": "active",
            "source": "api",
            "session_type": "chat",
            "customer_email": body["customer_email"],
            "customer_id": customer["id"] if customer else None,
            "user_id": None,
            "user_metadata": dict(body.get("user_metadata") or {}),
            "page_url": body.get("page_url"),
            "page_title": body.get("page_title"),
            "tags": list(body.get("tags") or []),
            "message_count": 1,
            "first_message_at": now,
            "last_activity_at": now,
            "pm_reviewed_at": None,
            "is_archived": False,
            "is_human_takeover": False,
            "created_at": now,
            "updated_at": now,
            "messages": [{"sender": "user", "content": body["message"], "created_at": now}],
            "issue_ids": [],
        }, "sess_")
        return created_reply(call, self.detail(call.project_id, doc), doc["id"])

    def summary(self, doc: dict[str, Any]) -> dict[str, Any]:
        return pick(doc, self.views.session)

    def detail(self, project_id: str, doc: dict[str, Any]) -> dict[str, Any]:
        linked = [self.store.get(project_id, "issues", issue_id) for issue_id in doc.get("issue_ids", ())]
        return {
            **self.summary(doc),
            "messages": list(doc.get("messages", ())),
            "linked_issues": [pick(issue, self.views.linked_issue) for issue in linked if issue is not None],
        }


def _moment(value: str) -> datetime:
    try:
        return parse_timestamp(value)
    except ValueError:
        raise bad_request(f"Invalid query parameter: {value!r} is not a date-time this server can read.") from None
