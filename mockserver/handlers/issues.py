"""Issues: list with filters, read one with the sessions that raised it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.handlers.common import NOT_ARCHIVED, ResourceHandlers, when
from mockserver.pipeline.errors import not_found
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import pick
from mockserver.stores.query import Filter

KIND = "issues"
SEARCHED = ("title", "description")


class IssueHandlers(ResourceHandlers):
    kind = KIND

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listIssues": self.list, "getIssue": self.get}

    def list(self, call: Call) -> Reply:
        p = call.params
        return self.list_reply(call, (
            None if p.get("show_archived") else NOT_ARCHIVED,
            when(p.get("type"), lambda v: Filter("type", "eq", v)),
            when(p.get("priority"), lambda v: Filter("priority", "eq", v)),
            when(p.get("status"), lambda v: Filter("status", "eq", v)),
            when(p.get("search"), lambda v: Filter("", "search", v, SEARCHED)),
        ), sort="updated_at")

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
