"""Issues: list with filters, read one with the sessions that raised it, open one by hand, change it, upvote it.

Each write fires its event: ``issue.created`` and ``issue.updated`` as the store announces writes,
``issue.upvoted`` announced here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.handlers.common import NOT_ARCHIVED, ResourceHandlers, created_reply, when
from mockserver.pipeline.errors import conflict, not_found
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import pick
from mockserver.stores.query import Filter
from mockserver.stores.timestamps import format_timestamp

KIND = "issues"
SESSIONS = "sessions"
SEARCHED = ("title", "description")
EDITABLE = ("type", "title", "description", "priority", "status", "affected_areas")
PRIORITY_BY_VOTES = ((5, "high"), (3, "medium"), (1, "low"))
"""The domain's rule for an issue nobody prioritised by hand: 5 votes or more, high; 3 or more, medium."""
PRIORITY_RANK = {"low": 0, "medium": 1, "high": 2}


def priority_for_votes(votes: int) -> str:
    return next(priority for least, priority in PRIORITY_BY_VOTES if votes >= least)


class IssueHandlers(ResourceHandlers):
    kind = KIND

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listIssues": self.list, "getIssue": self.get, "createIssue": self.create,
                "updateIssue": self.update, "upvoteIssue": self.upvote}

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
        return Reply(200, self.detail(call.project_id, self._find(call)))

    def create(self, call: Call) -> Reply:
        body = call.body
        now = format_timestamp(self.clock())
        doc = self.store.create(call.project_id, KIND, {
            "type": body["type"],
            "title": body["title"],
            "description": body.get("description", ""),
            "priority": body.get("priority", priority_for_votes(1)),
            "priority_manual_override": "priority" in body,
            "status": body.get("status", "open"),
            "upvote_count": 1,
            "impact_score": None,
            "effort_score": None,
            "velocity_score": None,
            "impact_reasoning": None,
            "effort_reasoning": None,
            "velocity_reasoning": None,
            "affected_areas": list(body.get("affected_areas", ())),
            "product_spec": None,
            "is_archived": False,
            "analysis_computed_at": None,
            "created_at": now,
            "updated_at": now,
            "session_ids": [],
        }, "iss_")
        return created_reply(call, self.detail(call.project_id, doc), doc["id"])

    def update(self, call: Call) -> Reply:
        """The fields sent, changed; ``issue.updated`` only when something did change."""
        with self.store.atomic(call.project_id):
            doc = self._find(call)
            changes = {name: call.body[name] for name in EDITABLE if name in call.body}
            if "priority" in changes:
                changes["priority_manual_override"] = True
            if any(doc.get(name) != value for name, value in changes.items()):
                doc = {**doc, **changes, "updated_at": format_timestamp(self.clock())}
                self.store.put(call.project_id, KIND, doc)
        return Reply(200, self.detail(call.project_id, doc))

    def upvote(self, call: Call) -> Reply:
        """One more vote, from a session (linked both ways, once) or from the dashboard; then ``issue.upvoted``."""
        session_id = (call.body or {}).get("session_id")
        with self.store.atomic(call.project_id):
            doc = self._find(call)
            now = format_timestamp(self.clock())
            votes = doc["upvote_count"] + 1
            doc = {**doc, "upvote_count": votes, "priority": self._priority(doc, votes), "updated_at": now}
            if session_id is not None:
                doc["session_ids"] = [*doc.get("session_ids", ()), self._link(call.project_id, session_id, doc, now)]
            self.store.put(call.project_id, KIND, doc, announce=False)
        self.store.announce(call.project_id, KIND, "upvoted", doc)
        return Reply(200, self.detail(call.project_id, doc))

    def summary(self, doc: dict[str, Any]) -> dict[str, Any]:
        return pick(doc, self.views.issue)

    def detail(self, project_id: str, doc: Mapping[str, Any]) -> dict[str, Any]:
        sessions = [self.store.get(project_id, SESSIONS, sid) for sid in doc.get("session_ids", ())]
        return {
            **self.summary(dict(doc)),
            "sessions": [pick(s, self.views.issue_session) for s in sessions if s is not None],
        }

    def _find(self, call: Call) -> dict[str, Any]:
        doc = self.store.get(call.project_id, KIND, call.params["issueId"])
        if doc is None:
            raise not_found("Issue not found.")
        return doc

    @staticmethod
    def _priority(doc: Mapping[str, Any], votes: int) -> str:
        """The votes' priority, never lower than the issue's, unless a person chose it."""
        if doc.get("priority_manual_override"):
            return str(doc["priority"])
        return max(str(doc["priority"]), priority_for_votes(votes), key=PRIORITY_RANK.__getitem__)

    def _link(self, project_id: str, session_id: str, issue: Mapping[str, Any], now: str) -> str:
        """Link the session to the issue (the session lists it among its ``linked_issues``)."""
        if session_id in issue.get("session_ids", ()):
            raise conflict(f"Session {session_id} already upvoted this issue.")
        session = self.store.get(project_id, SESSIONS, session_id)
        if session is None:
            raise not_found("Session not found.")
        linked = {**session, "issue_ids": [*session.get("issue_ids", ()), issue["id"]], "updated_at": now}
        self.store.put(project_id, SESSIONS, linked, announce=False)
        return session_id
