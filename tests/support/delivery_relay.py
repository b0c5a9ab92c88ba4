"""A mock whose webhook deliveries pass through a relay on their way to the receivers, so a mutant can change them:
re-sign them, drop them, answer the mock in the receiver's place, send them again later.

:class:`RelayingMutant` rewrites each registration (``POST /v1/webhooks``) to point at its relay, a small HTTP
server on 127.0.0.1, and rewrites the answer back, so the client sees its own URL; the relay hands every delivery
to :meth:`RelayingMutant.deliver` with the receiver's URL and the secret the registration answered.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from typing import Any

import httpx
from standardwebhooks import Webhook

from tests.support.mutants import Answer, Message, Mutant, Receive, Scope, Send, with_header
from tests.support.webhook_receiver import post_handler

REGISTRATION = ("POST", "/v1/webhooks")
FORWARD_TIMEOUT = 5.0


@dataclass
class Route:
    """One registered webhook: where its deliveries really go, and its signing secret once it is known."""

    receiver_url: str
    relay_url: str
    secret: str | None = None


def resign(route: Route, headers: dict[str, str], body: bytes, *, message_id: str | None = None,
           timestamp: int | None = None) -> dict[str, str]:
    """The Standard Webhooks headers for ``body``, signed with the route's secret (by the library), with the id
    and timestamp given or the delivery's own."""
    message_id = message_id or headers["webhook-id"]
    stamp = timestamp if timestamp is not None else int(headers["webhook-timestamp"])
    signature = Webhook(route.secret or "").sign(message_id, datetime.fromtimestamp(stamp, UTC), body)
    return {**headers, "webhook-id": message_id, "webhook-timestamp": str(stamp), "webhook-signature": signature}


def forward(route: Route, headers: dict[str, str], body: bytes) -> int:
    """Send the delivery on to the receiver; its status (502 when it could not be reached)."""
    sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
    try:
        return httpx.post(route.receiver_url, content=body, headers=sent, timeout=FORWARD_TIMEOUT).status_code
    except httpx.HTTPError:
        return 502


class RelayingMutant(Mutant):
    """The mock with every webhook registered through the relay; by default the relay changes nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.routes: dict[str, Route] = {}
        self.relay = ThreadingHTTPServer(("127.0.0.1", 0), post_handler(self._relay))
        self.relay.daemon_threads = True
        threading.Thread(target=self.relay.serve_forever, daemon=True).start()

    def deliver(self, route: Route, headers: dict[str, str], body: bytes) -> int:
        """What happens to one delivery; returns the status the mock gets."""
        return forward(route, headers, body)

    def close(self) -> None:
        self.relay.shutdown()
        self.relay.server_close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["method"], scope["path"]) == REGISTRATION:
            body = await _read(receive)
            rewritten = self._through_relay(body)
            scope = with_header(scope, "content-length", str(len(rewritten)))
            receive = _replay(rewritten)
        await super().__call__(scope, receive, send)

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        body = answer.json
        if (scope["method"], scope["path"]) != REGISTRATION or not isinstance(body, dict):
            return answer
        route = next((r for r in self.routes.values() if r.relay_url == body.get("url")), None)
        if route is not None:
            route.secret = body.get("secret")
            answer.set_json({**body, "url": route.receiver_url})
        return answer

    def _through_relay(self, body: bytes) -> bytes:
        try:
            registration = json.loads(body)
        except ValueError:
            return body
        if not isinstance(registration, dict) or not isinstance(registration.get("url"), str):
            return body
        token = secrets.token_hex(6)
        port = self.relay.server_address[1]
        route = Route(registration["url"], f"http://127.0.0.1:{port}/relay/{token}")
        self.routes[token] = route
        return json.dumps({**registration, "url": route.relay_url}).encode()

    def _relay(self, path: str, headers: dict[str, str], body: bytes) -> int:
        route = self.routes.get(path.rsplit("/", 1)[-1])
        lowered = {k.lower(): v for k, v in headers.items()}
        return self.deliver(route, lowered, body) if route is not None else 404


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
