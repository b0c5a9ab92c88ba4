"""Deliberately broken webhook senders for the conformance suite's ``webhooks`` family: the real mock with one
delivery promise broken each, most of them through :class:`~tests.support.delivery_relay.RelayingMutant` (the
deliveries pass a relay that breaks them the way a real sender might).

The family must fail on every one and name the check that guards the promise.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time

from tests.support.delivery_relay import RelayingMutant, Route, forward, resign
from tests.support.mutants import Answer, Mutant, Receive, Scope, Send

STALE_SECONDS = 600
DROPPED_EVENT = "knowledge_source.created"


def _webhook_delete(scope: Scope) -> bool:
    return scope["method"] == "DELETE" and scope["path"].startswith("/v1/webhooks/")


class WrongSecret(Mutant):
    """The registration answers a secret other than the one deliveries are signed with."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        body = answer.json
        if answer.status == 201 and isinstance(body, dict) and str(body.get("secret", "")).startswith("whsec_"):
            other = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")  # a key nobody signs with
            answer.set_json({**body, "secret": other})
        return answer


class StaleTimestamp(RelayingMutant):
    """Deliveries are stamped (and correctly signed) ten minutes in the past: a clock or a queue gone wrong."""

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        stamp = int(time.time()) - STALE_SECONDS
        return forward(route, resign(route, headers, body, timestamp=stamp), body)


class PayloadBreaksSchema(RelayingMutant):
    """The event's ``data`` carries its ``created_at`` as a number (well signed): a serializer bug."""

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        event = json.loads(body)
        event["data"]["created_at"] = 1768473000
        changed = json.dumps(event, separators=(",", ":")).encode()
        return forward(route, resign(route, headers, changed), changed)


class MissingEvent(RelayingMutant):
    """One event type is never sent (the mock is told it was delivered)."""

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        if f'"type":"{DROPPED_EVENT}"'.encode() in body.replace(b" ", b""):
            return 204
        return forward(route, headers, body)


class NoRetry(RelayingMutant):
    """Any answer counts as delivered: a receiver's 500 is never retried."""

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        forward(route, headers, body)
        return 204


class NewIdOnRetry(RelayingMutant):
    """Each attempt gets a new ``webhook-id`` (well signed), so receivers cannot tell a retry from a new event."""

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        fresh = "evt_" + secrets.token_hex(8)  # well formed (the contract's pattern): only the retry promise breaks
        return forward(route, resign(route, headers, body, message_id=fresh), body)


class DeliversAfterDelete(Mutant):
    """Deleting a webhook answers 204 and changes nothing: it keeps getting every event."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _webhook_delete(scope):
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await super().__call__(scope, receive, send)


class RetriesAfterDelete(RelayingMutant):
    """A failed delivery is retried from a queue nobody empties when the webhook is deleted."""

    RETRY_EVERY = 0.6
    RETRIES = 3

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        if not 200 <= forward(route, headers, body) < 300:
            threading.Thread(target=self._retry, args=(route, headers, body), daemon=True).start()
        return 204

    def _retry(self, route: Route, headers: dict[str, str], body: bytes) -> None:
        for _ in range(self.RETRIES):
            time.sleep(self.RETRY_EVERY)
            if 200 <= forward(route, resign(route, headers, body, timestamp=int(time.time())), body) < 300:
                return
