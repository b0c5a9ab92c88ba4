"""/v1 webhook subscriptions: register (the secret is shown once), list, read, delete (``full`` keys)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from typing import Any

from mockserver.handlers.common import ResourceHandlers, created_reply
from mockserver.pipeline.errors import not_found
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import pick
from mockserver.stores.timestamps import format_timestamp

KIND = "webhooks"
_SECRET_ALPHABET = string.ascii_letters + string.digits


def new_secret() -> str:
    return "whsec_" + "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(32))


class WebhookHandlers(ResourceHandlers):
    kind = KIND

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listWebhooks": self.list, "getWebhook": self.get, "createWebhook": self.create,
                "deleteWebhook": self.delete}

    def list(self, call: Call) -> Reply:
        return self.list_reply(call, (), sort="created_at")

    def get(self, call: Call) -> Reply:
        return Reply(200, self.summary(self._find(call)))

    def create(self, call: Call) -> Reply:
        body = call.body
        doc = self.store.create(call.project_id, KIND, {
            "url": body["url"],
            "events": list(dict.fromkeys(body["events"])),
            "description": body.get("description"),
            "enabled": body.get("enabled", True),
            "created_at": format_timestamp(self.clock()),
            "secret": new_secret(),
        }, "whk_")
        return created_reply(call, {**self.summary(doc), "secret": doc["secret"]}, doc["id"])

    def delete(self, call: Call) -> Reply:
        if not self.store.delete(call.project_id, KIND, self._find(call)["id"]):
            raise not_found("Webhook not found.")
        return Reply(204)

    def summary(self, doc: dict[str, Any]) -> dict[str, Any]:
        return pick(doc, self.views.webhook)

    def _find(self, call: Call) -> dict[str, Any]:
        doc = self.store.get(call.project_id, KIND, call.params["webhookId"])
        if doc is None:
            raise not_found("Webhook not found.")
        return doc
