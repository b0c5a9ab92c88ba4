"""The Access page: a project's API keys listed (by prefix, never the key), created (the key shown once), read,
revoked one by one or all at once.

Who may call these (an owner's session or a ``full`` key) is the admit step's business, read from the
contract's ``x-hissuno-access: owner``. A project holds at most :data:`~mockserver.api_keys.MAX_UNREVOKED_KEYS`
keys that are not revoked (409 past it). A created key authenticates from the next request on and a revoked
one is refused from the next request on, on every worker: both are one write to the store that
:mod:`mockserver.pipeline.authenticate` reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from mockserver import api_keys
from mockserver.api_keys import ACCESS, KIND, MAX_UNREVOKED_KEYS
from mockserver.encoding import json_bytes
from mockserver.handlers.common import ResourceHandlers, created_reply, envelope
from mockserver.pipeline.errors import ApiError, not_found, validation_failed
from mockserver.pipeline.reply import Call, Reply
from mockserver.stores.base import StoreFull
from mockserver.stores.query import Doc, Filter, Query
from mockserver.stores.timestamps import format_timestamp, parse_timestamp

DEFAULT_PERMISSION = "full"


def too_many_keys() -> ApiError:
    return ApiError(409, f"A project can have at most {MAX_UNREVOKED_KEYS} API keys that are not revoked: "
                         "revoke one first.")


class KeyHandlers(ResourceHandlers):
    kind = KIND

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listApiKeys": self.list, "createApiKey": self.create, "getApiKey": self.get,
                "revokeApiKey": self.revoke, "revokeAllApiKeys": self.revoke_all}

    def list(self, call: Call) -> Reply:
        query = Query(filters=(Filter("project_id", "eq", call.project_id),), sort="created_at",
                      limit=int(call.params.get("limit", 50)), offset=int(call.params.get("offset", 0)))
        page = self.store.list(ACCESS, KIND, query)
        now = self.clock()
        return Reply(200, raw=envelope(page, query, lambda doc: json_bytes(api_keys.shown(doc, now))))

    def get(self, call: Call) -> Reply:
        return Reply(200, api_keys.shown(self._find(call), self.clock()))

    def create(self, call: Call) -> Reply:
        body, now = call.body, self.clock()
        expires = _expiry(body.get("expires_at"), now)
        key = api_keys.new_key()
        fields = api_keys.record(call.project_id, body["name"], key, body.get("permission", DEFAULT_PERMISSION),
                                 now, expires_at=expires)
        with self.store.atomic(ACCESS):  # the cap holds whichever worker asks
            if len(api_keys.unrevoked_keys(self.store, call.project_id)) >= MAX_UNREVOKED_KEYS:
                raise too_many_keys()
            try:
                doc = self.store.create(ACCESS, KIND, fields, api_keys.KEY_ID_PREFIX)
            except StoreFull as full:  # every project's keys share one namespace: say so, not "@access"
                raise ApiError(507, f"This mock keeps at most {full.cap:,} created API keys, revoked ones included "
                                    "(--max-created); reset the mock (POST /__mock/reset).") from None
        return created_reply(call, {**api_keys.shown(doc, now), "key": key}, doc["id"])

    def revoke(self, call: Call) -> Reply:
        now = self.clock()
        with self.store.atomic(ACCESS):
            doc = self._find(call)
            if not doc.get("revoked_at"):
                doc = {**doc, "revoked_at": format_timestamp(now)}
                self.store.put(ACCESS, KIND, doc, announce=False)
        return Reply(200, api_keys.shown(doc, now))

    def revoke_all(self, call: Call) -> Reply:
        stamp = format_timestamp(self.clock())
        with self.store.atomic(ACCESS):
            revoked = api_keys.unrevoked_keys(self.store, call.project_id)
            for doc in revoked:
                self.store.put(ACCESS, KIND, {**doc, "revoked_at": stamp}, announce=False)
        return Reply(200, {"revoked": len(revoked)})

    def _find(self, call: Call) -> Doc:
        doc = self.store.get(ACCESS, KIND, call.params["keyId"])
        if doc is None or doc.get("project_id") != call.project_id:
            raise not_found("API key not found.")
        return doc


def _expiry(value: str | None, now: datetime) -> datetime | None:
    """The requested expiry in UTC, which must lie ahead (a key expired at birth is a mistake, not a key)."""
    if value is None:
        return None
    try:
        moment = parse_timestamp(value)
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise validation_failed([{"field": "expires_at", "message": f"{value!r} is not an RFC 3339 date-time."}],
                                "Validation failed.") from None
    if moment <= now:
        raise validation_failed([{"field": "expires_at", "message": f"{value} is not in the future."}],
                                "The key would be expired already.")
    return moment
