"""Knowledge sources: list, read one, add one (one codebase per project). A new source's analysis starts
``pending`` and goes on in the background (:mod:`mockserver.processing`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.handlers.common import ResourceHandlers, created_reply, when
from mockserver.pipeline.errors import conflict, not_found
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import pick
from mockserver.stores.query import Filter
from mockserver.stores.timestamps import format_timestamp

KIND = "knowledge_sources"
INPUT_FIELDS = ("name", "url", "content", "repository_url", "repository_branch", "analysis_scope")


class KnowledgeSourceHandlers(ResourceHandlers):
    kind = KIND

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listKnowledgeSources": self.list, "getKnowledgeSource": self.get,
                "createKnowledgeSource": self.create}

    def list(self, call: Call) -> Reply:
        p = call.params
        return self.list_reply(call, (
            when(p.get("type"), lambda v: Filter("type", "eq", v)),
            when(p.get("status"), lambda v: Filter("status", "eq", v)),
        ), sort="created_at")

    def get(self, call: Call) -> Reply:
        doc = self.store.get(call.project_id, KIND, call.params["sourceId"])
        if doc is None:
            raise not_found("Knowledge source not found.")
        return Reply(200, self.summary(doc))

    def create(self, call: Call) -> Reply:
        body = call.body
        now = format_timestamp(self.clock())
        fields: dict[str, Any] = {"type": body["type"]}
        fields.update({name: body.get(name) for name in INPUT_FIELDS})
        fields.update({"status": "pending", "error_message": None, "enabled": body.get("enabled", True),
                       "analyzed_at": None, "created_at": now, "updated_at": now})
        with self.store.atomic(call.project_id):  # one codebase per project, whichever worker asks
            if body["type"] == "codebase":
                existing = next((doc for doc in self.store.all(call.project_id, KIND) if doc["type"] == "codebase"),
                                None)
                if existing is not None:
                    raise conflict(f"The project already has a codebase source ({existing['id']}): "
                                   "a project has at most one.")
            doc = self.store.create(call.project_id, KIND, fields, "ks_")
        return created_reply(call, self.summary(doc), doc["id"])

    def summary(self, doc: dict[str, Any]) -> dict[str, Any]:
        return pick(doc, self.views.knowledge_source)
