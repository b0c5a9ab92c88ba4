"""Issues: list with filters, read one with the sessions that raised it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.handlers.common import list_query, list_reply, when
from mockserver.pipeline.errors import not_found
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import Views, pick
from mockserver.stores.base import Store
from mockserver.stores.query import Filter

KIND = "issues"
SEARCHED = ("title", "description")


class IssueHandlers:
    def __init__(self, store: Store, views: Views) -> None:
        self.store = store
        self.views = views

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listIssues": self.list, "getIssue": self.get}

    def list(self, call: Call) -> Reply:
        p = call.params
        query = list_query(call, (
            None if p.get("show_archived") else Filter("is_archived", "eq", False),
            when(p.get("type"), lambda v: Filter("type", "eq", v)),
            when(p.get("priority"), lambda v: Filter("priority", "eq", v)),
            when(p.get("status"), lambda v: Filter("status", "eq", v)),
            when(p.get("search"), lambda v: Filter("", "search", v, SEARCHED)),
        ), sort="updated_at")
        return list_reply(self.views, KIND, self.store.list(call.project_id, KIND, query), query)

    def get(self, call: Call) -> Reply:
        doc = self.store.get(call.project_id, KIND, call.params["issueId"])
        if doc is None:
            raise not_found("Issue not found.")
        sessions = [self.store.get(call.project_id, "sessions", sid) for sid in doc.get("session_ids", ())]
        return Reply(200, {
            **self.summary(doc),
            "sessions": [pick(s, self.views.issue_session) for s in sessions if s is not None],
        })

    def summary(self, doc: dict[str, Any]) -> dict[str, Any]:
        return pick(doc, self.views.issue)
