"""Webhook receivers built on the ``standardwebhooks`` library, served on 127.0.0.1 (a thread of this process): one
that does what a receiver must, and broken ones that each skip one duty, so tests can prove that
``hissuno-conformance webhook-receiver`` tells them apart.

:class:`SampleReceiver` is the receiver the README recommends: verify with the library (signature and the
5-minute tolerance), refuse a ``webhook-id`` seen before, handle the event types you know, answer fast.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from tests.support.webhook_receiver import post_handler

# Ids are remembered for twice the tolerance (a replay older than that fails the timestamp check anyway).
REMEMBER_SECONDS = 600
REMEMBER_AT_MOST = 10_000


class SampleReceiver:
    """A correct receiver. Use as a context manager; ``url`` takes deliveries, ``answers`` records each status."""

    def __init__(self, secret: str, event_types: Iterable[str], *, acknowledge_unknown: bool = False) -> None:
        self.webhook = Webhook(secret)
        self.event_types = frozenset(event_types)
        self.acknowledge_unknown = acknowledge_unknown
        self.seen: OrderedDict[str, float] = OrderedDict()
        self.answers: list[int] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), post_handler(self._answer))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/hissuno"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, headers: Mapping[str, str], body: bytes) -> int:
        """The status this receiver answers a delivery with."""
        try:
            event = self.verified(headers, body)
        except WebhookVerificationError:
            return 400
        if not self.first_time(headers["webhook-id"]):
            return 409
        if event.get("type") not in self.event_types and not self.acknowledge_unknown:
            return 422
        return 204

    def verified(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        return self.webhook.verify(body, dict(headers))

    def first_time(self, message_id: str) -> bool:
        """Whether the id is new (and remember it)."""
        now = time.monotonic()
        with self.lock:
            while self.seen and (next(iter(self.seen.values())) < now - REMEMBER_SECONDS
                                 or len(self.seen) >= REMEMBER_AT_MOST):
                self.seen.popitem(last=False)
            if message_id in self.seen:
                return False
            self.seen[message_id] = now
            return True

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        status = self.handle({k.lower(): v for k, v in headers.items()}, body)
        self.answers.append(status)
        return status

    def __enter__(self) -> SampleReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class AcceptsEverything(SampleReceiver):
    """Verifies nothing: every delivery is acknowledged."""

    def handle(self, headers: Mapping[str, str], body: bytes) -> int:
        return 204


class IgnoresTimestamp(SampleReceiver):
    """Checks the signature by hand and forgets the tolerance: a delivery signed long ago is still taken."""

    def verified(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        stamp = datetime.fromtimestamp(int(headers.get("webhook-timestamp", "0")), UTC)
        expected = self.webhook.sign(headers.get("webhook-id", ""), stamp, body)
        if expected not in headers.get("webhook-signature", "").split(" "):
            raise WebhookVerificationError("No matching signature found")
        return json.loads(body)


class NoReplayProtection(SampleReceiver):
    """Verifies with the library but never remembers an id: a captured delivery can be replayed."""

    def first_time(self, message_id: str) -> bool:
        return True


class SlowReceiver(SampleReceiver):
    """Correct, but takes ``delay`` seconds over every answer."""

    def __init__(self, secret: str, event_types: Iterable[str], *, delay: float) -> None:
        super().__init__(secret, event_types)
        self.delay = delay

    def handle(self, headers: Mapping[str, str], body: bytes) -> int:
        time.sleep(self.delay)
        return super().handle(headers, body)


class RefusesEverything(SampleReceiver):
    """Answers 401 to everything, the valid delivery too."""

    def handle(self, headers: Mapping[str, str], body: bytes) -> int:
        return 401
