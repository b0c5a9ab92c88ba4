"""Sessions: list with filters, read one with its messages and linked issues, create one from the API, change
its tags, close it and have it reviewed (the review finishes later: :mod:`mockserver.processing`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.handlers.common import NOT_ARCHIVED, Clock, ResourceHandlers, created_reply, utc_now, when
from mockserver.pipeline.errors import bad_request, conflict, not_found
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import Views, pick
from mockserver.processing import REVIEW_DUE, REVIEW_STARTED, review_running
from mockserver.stores.base import Store
from mockserver.stores.query import Filter
from mockserver.stores.timestamps import format_timestamp, parse_timestamp

KIND = "sessions"
SEARCHED = ("name", "customer_email", "user_id", "id")


class SessionHandlers(ResourceHandlers):
    """``review_seconds``: how long a review runs (the mock's ``--processing-delay``); another is a 409 meanwhile."""

    kind = KIND

    def __init__(self, store: Store, views: Views, clock: Clock = utc_now, *, review_seconds: float = 0.0) -> None:
        super().__init__(store, views, clock)
        self.review_seconds = review_seconds

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listSessions": self.list, "getSession": self.get, "createSession": self.create,
                "updateSession": self.update, "closeSession": self.close, "reviewSession": self.review}

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
        return Reply(200, self.detail(call.project_id, self._find(call)))

    def update(self, call: Call) -> Reply:
        with self.store.atomic(call.project_id):
            doc = self._find(call)
            tags = list(call.body["tags"])
            if tags != doc.get("tags"):
                doc = {**doc, "tags": tags, "updated_at": format_timestamp(self.clock())}
                self.store.put(call.project_id, KIND, doc, announce=False)  # no webhook event for tags
        return Reply(200, self.detail(call.project_id, doc))

    def close(self, call: Call) -> Reply:
        """``status`` ``closed``, then ``session.closed`` and the review it starts."""
        with self.store.atomic(call.project_id):
            doc = self._find(call)
            if doc["status"] == "closed":
                raise conflict("Session is already closed.")
            doc = {**doc, "status": "closed", "updated_at": format_timestamp(self.clock()),
                   REVIEW_DUE: self._review_due(doc)}
            self.store.put(call.project_id, KIND, doc, announce=False)
        self.store.announce(call.project_id, KIND, "closed", doc)
        return Reply(200, self.detail(call.project_id, doc))

    def review(self, call: Call) -> Reply:
        """202: the review runs; ``session.reviewed`` fires when it ends."""
        with self.store.atomic(call.project_id):
            doc = self._find(call)
            if review_running(doc, self.clock().timestamp()):
                raise conflict("A review of this session is already running.")
            doc = {**doc, REVIEW_DUE: self._review_due(doc)}
            self.store.put(call.project_id, KIND, doc, announce=False)
        self.store.announce(call.project_id, KIND, REVIEW_STARTED, doc)
        return Reply(202, self.detail(call.project_id, doc))

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

    def _find(self, call: Call) -> dict[str, Any]:
        doc = self.store.get(call.project_id, KIND, call.params["sessionId"])
        if doc is None:
            raise not_found("Session not found.")
        return doc

    def _review_due(self, doc: dict[str, Any]) -> float:
        """When a review started now ends; a review already running keeps its end."""
        now = self.clock().timestamp()
        return doc[REVIEW_DUE] if review_running(doc, now) else now + self.review_seconds

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
