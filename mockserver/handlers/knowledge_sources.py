"""Knowledge sources: list, and add one (its analysis starts ``pending``; one codebase per project)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.handlers.common import ResourceHandlers, created_reply, when
from mockserver.pipeline.errors import validation_failed
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import pick
from mockserver.stores.query import Filter
from mockserver.stores.timestamps import format_timestamp

KIND = "knowledge_sources"
INPUT_FIELDS = ("name", "url", "content", "repository_url", "repository_branch", "analysis_scope")


class KnowledgeSourceHandlers(ResourceHandlers):
    kind = KIND

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listKnowledgeSources": self.list, "createKnowledgeSource": self.create}

    def list(self, call: Call) -> Reply:
        p = call.params
        return self.list_reply(call, (
            when(p.get("type"), lambda v: Filter("type", "eq", v)),
            when(p.get("status"), lambda v: Filter("status", "eq", v)),
        ), sort="created_at")

    def create(self, call: Call) -> Reply:
        body = call.body
        now = format_timestamp(self.clock())
        fields: dict[str, Any] = {"type": body["type"]}
        fields.update({name: body.get(name) for name in INPUT_FIELDS})
        fields.update({"status": "pending", "error_message": None, "enabled": body.get("enabled", True),
                       "analyzed_at": None, "created_at": now, "updated_at": now})
        with self.store.atomic(call.project_id):  # one codebase per project, whichever worker asks
            if body["type"] == "codebase" and any(
                doc["type"] == "codebase" for doc in self.store.all(call.project_id, KIND)
            ):
                raise validation_failed(
                    [{"field": "type", "message": "The project already has a codebase source (at most one)."}],
                    "A project can have only one codebase source.",
                )
            doc = self.store.create(call.project_id, KIND, fields, "ks_")
        return created_reply(call, self.summary(doc), doc["id"])

    def summary(self, doc: dict[str, Any]) -> dict[str, Any]:
        return pick(doc, self.views.knowledge_source)
