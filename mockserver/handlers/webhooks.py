"""/v1 webhook subscriptions: register (the secret is shown once), list, read, delete (``full`` keys).

A project holds at most :data:`MAX_WEBHOOKS_PER_PROJECT` and one per URL (409 past either), and a URL that can only
ever point at the mock itself is a 422; where else deliveries may go is decided when each one is sent
(:mod:`mockserver.webhooks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from contract.standard_webhooks import new_secret
from mockserver.handlers.common import Clock, ResourceHandlers, created_reply, utc_now
from mockserver.pipeline.errors import ApiError, conflict, not_found, sentence, validation_failed
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import Views, pick
from mockserver.stores.base import Store
from mockserver.stores.timestamps import format_timestamp
from mockserver.webhook_targets import TargetPolicy, TargetRefused

KIND = "webhooks"
MAX_WEBHOOKS_PER_PROJECT = 100
"""Bounds the stored subscriptions and what one event fans out to; far above a real project's needs."""


def too_many_webhooks() -> ApiError:
    return conflict(f"A project can have at most {MAX_WEBHOOKS_PER_PROJECT} webhooks: delete one first.")


def same_url(url: str) -> str:
    """The URL as compared for duplicates: scheme and host are case-insensitive, the rest is not."""
    try:
        parts = urlsplit(url)
    except ValueError:  # the contract's pattern lets through what urllib cannot split ("https://[x"): compare as is
        return url
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def registered_for(url: str, webhooks: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    wanted = same_url(url)
    return next((doc for doc in webhooks if same_url(doc["url"]) == wanted), None)


class WebhookHandlers(ResourceHandlers):
    kind = KIND

    def __init__(self, store: Store, views: Views, clock: Clock = utc_now, *,
                 targets: TargetPolicy | None = None) -> None:
        super().__init__(store, views, clock)
        self.targets = targets or TargetPolicy()

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listWebhooks": self.list, "getWebhook": self.get, "createWebhook": self.create,
                "deleteWebhook": self.delete}

    def list(self, call: Call) -> Reply:
        return self.list_reply(call, (), sort="created_at")

    def get(self, call: Call) -> Reply:
        return Reply(200, self.summary(self._find(call)))

    def create(self, call: Call) -> Reply:
        body = call.body
        try:
            self.targets.check_registration(body["url"])
        except TargetRefused as refused:
            raise validation_failed([{"field": "url", "message": sentence(str(refused), "Not allowed.")}],
                                    "Webhook URL is not allowed.") from None
        fields = {
            "url": body["url"],
            "events": list(dict.fromkeys(body["events"])),
            "description": body.get("description"),
            "enabled": body.get("enabled", True),
            "created_at": format_timestamp(self.clock()),
            "secret": new_secret(),
        }
        with self.store.atomic(call.project_id):  # the cap and one per URL hold whichever worker asks
            webhooks = self.store.all(call.project_id, KIND)
            duplicate = registered_for(body["url"], webhooks)
            if duplicate is not None:
                raise conflict(f"This URL already has a webhook ({duplicate['id']}): delete it before registering "
                               "the URL again.")
            if len(webhooks) >= MAX_WEBHOOKS_PER_PROJECT:
                raise too_many_webhooks()
            doc = self.store.create(call.project_id, KIND, fields, "whk_")
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
