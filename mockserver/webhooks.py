"""Signed webhook deliveries, made in the background so they never slow down or fail the API request.

Each event is a JSON POST of ``{id, type, created_at, data}`` with a ``Hissuno-Signature`` (:func:`sign`),
retried a bounded number of times; every attempt is recorded for ``GET /__mock/deliveries``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import string
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from mockserver.stores.base import Store
from mockserver.stores.codec import encode_doc

SIGNATURE_HEADER = "Hissuno-Signature"
EVENT_ID_HEADER = "Hissuno-Event-Id"
EVENT_TYPE_HEADER = "Hissuno-Event-Type"
SIGNATURE_TOLERANCE_SECONDS = 300
logger = logging.getLogger("mockserver.webhooks")
_ID_ALPHABET = string.ascii_lowercase + string.digits


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``Hissuno-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, *, now: float | None = None,
           tolerance: int = SIGNATURE_TOLERANCE_SECONDS) -> bool:
    """What a receiver does: recompute the HMAC, compare in constant time, reject stale timestamps."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
        received = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, received)


def new_event(event_type: str, data: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """The delivery envelope ``{id, type, created_at, data}`` for one event."""
    created = (now or datetime.now(UTC)).replace(microsecond=0)
    return {
        "id": "evt_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12)),
        "type": event_type,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": dict(data),
    }


@dataclass
class Delivery:
    """One event sent to one subscription, with the outcome of its latest attempt."""

    id: str
    webhook_id: str
    project_id: str
    event_id: str
    event_type: str
    url: str
    state: str = "pending"  # pending | delivered | failed
    attempts: int = 0
    status_code: int | None = None
    error: str | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try: bounded so a dead receiver costs little and never holds the server up."""

    timeout_seconds: float = 5.0
    max_attempts: int = 3
    backoff_seconds: float = 0.5
    # Deliveries share the event loop with the API: a project with hundreds of subscriptions to dead URLs
    # would otherwise fan every write out into hundreds of connection attempts and starve the requests.
    max_in_flight: int = 8
    max_backlog: int = 200
    history: int = 1000


class WebhookDispatcher:
    """Fans an event out to the matching subscriptions, each delivery in its own background task."""

    def __init__(self, policy: DeliveryPolicy | None = None,
                 client_factory: Callable[[], httpx.AsyncClient] | None = None) -> None:
        self.policy = policy or DeliveryPolicy()
        self._client_factory = client_factory or (lambda: httpx.AsyncClient(timeout=self.policy.timeout_seconds))
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._deliveries: deque[Delivery] = deque(maxlen=self.policy.history)
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())

    def dispatch(self, project_id: str, event: Mapping[str, Any], subscriptions: Iterable[Mapping[str, Any]]) -> int:
        """Schedule the event for every enabled subscription listening to its type; return how many."""
        body = encode_doc(event)
        scheduled = 0
        for subscription in subscriptions:
            if not subscription.get("enabled", True) or event["type"] not in subscription.get("events", ()):
                continue
            delivery = Delivery(
                id="dlv_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12)),
                webhook_id=subscription["id"],
                project_id=project_id,
                event_id=event["id"],
                event_type=event["type"],
                url=subscription["url"],
            )
            self._deliveries.append(delivery)
            if len(self._tasks) >= self.policy.max_backlog:
                delivery.state, delivery.error = "failed", "Not attempted: too many deliveries waiting."
                continue
            task = asyncio.get_running_loop().create_task(self._deliver(delivery, subscription["secret"], body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            scheduled += 1
        return scheduled

    def deliveries(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """Recorded deliveries, newest first (optionally of one project)."""
        return [d.as_dict() for d in reversed(self._deliveries) if project_id in (None, d.project_id)]

    def clear(self) -> None:
        self._deliveries.clear()

    async def drain(self) -> None:
        """Wait for every delivery in flight on this event loop (tests and graceful shutdown)."""
        while tasks := self._tasks_here():
            await asyncio.gather(*tasks, return_exceptions=True)

    async def aclose(self) -> None:
        tasks = self._tasks_here()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None and self._client_loop is asyncio.get_running_loop():
            await self._client.aclose()
            self._client = None

    def _tasks_here(self) -> list[asyncio.Task[None]]:
        loop = asyncio.get_running_loop()
        return [task for task in self._tasks if task.get_loop() is loop]

    async def _deliver(self, delivery: Delivery, secret: str, body: bytes) -> None:
        for attempt in range(1, self.policy.max_attempts + 1):
            delivery.attempts = attempt
            if await self._attempt(delivery, secret, body):
                delivery.state = "delivered"
                return
            if attempt < self.policy.max_attempts:
                await asyncio.sleep(self.policy.backoff_seconds * 2 ** (attempt - 1))
        delivery.state = "failed"

    async def _attempt(self, delivery: Delivery, secret: str, body: bytes) -> bool:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Hissuno-Webhooks/1.0 (mock)",
            SIGNATURE_HEADER: sign(secret, body, int(time.time())),
            EVENT_ID_HEADER: delivery.event_id,
            EVENT_TYPE_HEADER: delivery.event_type,
        }
        try:
            async with self._slot():
                response = await self._http().post(delivery.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            delivery.status_code, delivery.error = None, f"{type(error).__name__}: {error}".rstrip(": ")
            return False
        delivery.status_code = response.status_code
        delivery.error = None if response.is_success else f"receiver answered {response.status_code}"
        return response.is_success

    def _slot(self) -> asyncio.Semaphore:
        """At most ``max_in_flight`` attempts at once on this event loop."""
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.policy.max_in_flight)
        return slots

    def _http(self) -> httpx.AsyncClient:
        """One client per event loop: an app driven by several loops in turn (tests) gets a fresh one each."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = self._client_factory()
            self._client_loop = loop
        return self._client


class WebhookRelay:
    """Subscribed to the store: hands each announced event to the project's matching subscriptions.

    It runs inside the handler that caused the event, so it only schedules (the deliveries happen in the
    background on the same event loop) and swallows its own failures: a webhook never fails an API request.
    Subscriptions are read from the store, so with several workers every worker knows every subscription,
    and the worker that handled the request makes the deliveries.
    """

    def __init__(self, store: Store, dispatcher: WebhookDispatcher, kind: str = "webhooks") -> None:
        self.store = store
        self.dispatcher = dispatcher
        self.kind = kind

    def __call__(self, project_id: str, event_type: str, data: Mapping[str, Any]) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the store used outside a request (a script): nobody to deliver with
            return
        try:
            subscriptions = [
                sub for sub in self.store.all(project_id, self.kind)
                if sub.get("enabled", True) and event_type in sub.get("events", ())
            ]
            if subscriptions:
                self.dispatcher.dispatch(project_id, new_event(event_type, data), subscriptions)
        except Exception:
            logger.exception("webhook dispatch for %s of %s failed", event_type, project_id)
