"""Signed webhook deliveries, made in the background so they never slow down or fail the API request.

Each event is a JSON POST of ``{id, type, created_at, data}`` with a ``Hissuno-Signature`` (:func:`sign`), queued
per project, sent only where :mod:`mockserver.webhook_targets` allows, retried a bounded number of times; every
attempt is recorded for ``GET /__mock/deliveries``.
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
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from mockserver.stores.base import Store
from mockserver.stores.codec import encode_doc
from mockserver.webhook_targets import Destination, TargetPolicy, TargetRefused

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


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Attempt:
    """One try at a delivery: when it started, what the receiver answered (or what went wrong), how long it took."""

    number: int
    started_at: str
    status_code: int | None = None
    error: str | None = None
    duration_ms: int | None = None


@dataclass
class Delivery:
    """One event sent to one subscription: its state, the outcome of its latest attempt and every attempt."""

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
    created_at: str = field(default_factory=_now)
    attempt_log: list[Attempt] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def settle(self, state: str, error: str | None = None) -> None:
        self.state, self.error = state, error


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try: bounded so a dead receiver costs little and never holds the server up."""

    timeout_seconds: float = 5.0
    max_attempts: int = 3
    backoff_seconds: float = 0.5
    # Deliveries share the event loop with the API: each project gets a few attempts at a time and a bounded
    # queue, so a project subscribed to dead receivers slows down only its own deliveries.
    in_flight_per_project: int = 4
    queued_per_project: int = 200
    history: int = 1000


@dataclass(eq=False)
class Job:
    """A delivery waiting for its next attempt, with what every attempt sends."""

    delivery: Delivery
    secret: str
    body: bytes
    retry: asyncio.TimerHandle | None = None


Attempter = Callable[[Job], Awaitable[bool]]


class ProjectQueue:
    """One project's deliveries on one event loop: first come, first served, at most ``in_flight_per_project``
    attempts at once; a failed attempt goes back in line after its backoff, so retries hold no attempt slot."""

    def __init__(self, policy: DeliveryPolicy, attempt: Attempter) -> None:
        self.policy = policy
        self.attempt = attempt
        self.waiting: deque[Job] = deque()
        self.backing_off: set[Job] = set()
        self.workers: set[asyncio.Task[None]] = set()
        self.staff = 0  # workers still taking jobs (a finished worker may stay in ``workers`` a moment longer)
        self.running = 0

    def held(self) -> int:
        """Deliveries this queue holds: waiting, being attempted, or waiting to be retried."""
        return len(self.waiting) + self.running + len(self.backing_off)

    def idle(self) -> bool:
        return not (self.waiting or self.backing_off or self.staff)

    def put(self, job: Job) -> bool:
        """Queue ``job``; ``False`` when the project already holds ``queued_per_project`` deliveries."""
        if self.held() >= self.policy.queued_per_project:
            return False
        self.waiting.append(job)
        self._staff()
        return True

    def cancel(self) -> None:
        """Forget every delivery of this queue: waiting, backing off or in flight."""
        self.waiting.clear()
        for job in self.backing_off:
            if job.retry is not None:
                job.retry.cancel()
        self.backing_off.clear()
        for worker in self.workers:
            worker.cancel()

    def _staff(self) -> None:
        loop = asyncio.get_running_loop()
        # A worker not busy with an attempt (``staff - running``) takes the next job itself.
        while self.staff < self.policy.in_flight_per_project and self.staff - self.running < len(self.waiting):
            self.staff += 1
            worker = loop.create_task(self._work())
            self.workers.add(worker)
            worker.add_done_callback(self.workers.discard)

    async def _work(self) -> None:
        try:
            while self.waiting:
                job = self.waiting.popleft()
                self.running += 1
                try:
                    settled = await self.attempt(job)
                finally:
                    self.running -= 1
                if not settled:
                    self._retry_later(job)
        finally:
            self.staff -= 1

    def _retry_later(self, job: Job) -> None:
        delay = self.policy.backoff_seconds * 2 ** (job.delivery.attempts - 1)
        job.retry = asyncio.get_running_loop().call_later(delay, self._requeue, job)
        self.backing_off.add(job)

    def _requeue(self, job: Job) -> None:
        self.backing_off.discard(job)
        job.retry = None
        self.waiting.append(job)
        self._staff()


class WebhookDispatcher:
    """Fans an event out to the matching subscriptions: a queue per project, each delivery checked against the
    :class:`~mockserver.webhook_targets.TargetPolicy` before every attempt and sent to the address checked."""

    def __init__(self, policy: DeliveryPolicy | None = None,
                 client_factory: Callable[[], httpx.AsyncClient] | None = None,
                 targets: TargetPolicy | None = None) -> None:
        self.policy = policy or DeliveryPolicy()
        self.targets = targets or TargetPolicy()
        self._client_factory = client_factory or self._default_client
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._deliveries: deque[Delivery] = deque(maxlen=self.policy.history)
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, ProjectQueue]] = (
            weakref.WeakKeyDictionary())

    def dispatch(self, project_id: str, event: Mapping[str, Any], subscriptions: Iterable[Mapping[str, Any]]) -> int:
        """Queue the event for every enabled subscription listening to its type; return how many."""
        body = encode_doc(event)
        queue = self._queue(project_id)
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
            if queue.put(Job(delivery, subscription["secret"], body)):
                scheduled += 1
            else:
                delivery.settle("failed", "Not attempted: too many deliveries waiting for this project.")
        return scheduled

    def deliveries(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """Recorded deliveries, newest first (optionally of one project)."""
        return [d.as_dict() for d in reversed(self._deliveries) if project_id in (None, d.project_id)]

    def clear(self) -> None:
        """Forget every delivery and cancel those still queued, retrying or in flight (``/__mock/reset``)."""
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, queues in list(self._queues.items()):
            if loop is current:
                for queue in queues.values():
                    queue.cancel()
        self._queues.clear()
        self._deliveries.clear()

    async def drain(self) -> None:
        """Wait until every delivery queued on this event loop has settled (tests and graceful shutdown)."""
        while any(not queue.idle() for queue in self._queues_here()):
            await asyncio.sleep(0.01)

    async def aclose(self) -> None:
        queues = self._queues_here()
        for queue in queues:
            queue.cancel()
        await asyncio.gather(*(w for q in queues for w in list(q.workers)), return_exceptions=True)
        if self._client is not None and self._client_loop is asyncio.get_running_loop():
            await self._client.aclose()
            self._client = None

    def _queue(self, project_id: str) -> ProjectQueue:
        queues = self._queues.setdefault(asyncio.get_running_loop(), {})
        queue = queues.get(project_id)
        if queue is None:
            queue = queues[project_id] = ProjectQueue(self.policy, self._attempt)
        return queue

    def _queues_here(self) -> list[ProjectQueue]:
        return list(self._queues.get(asyncio.get_running_loop(), {}).values())

    async def _attempt(self, job: Job) -> bool:
        """One attempt; ``True`` once the delivery is settled (delivered, refused, or out of attempts)."""
        delivery = job.delivery
        try:
            destination = await self.targets.destination(delivery.url, self.policy.timeout_seconds)
        except TargetRefused as refused:  # nothing is sent, so nothing about the target is learnt either
            delivery.settle("failed", f"Refused: {refused}.")
            return True
        except (OSError, TimeoutError):
            destination = None
        delivery.attempts += 1
        attempt = Attempt(delivery.attempts, _now())
        delivery.attempt_log.append(attempt)
        started = time.monotonic()
        if destination is None:
            attempt.error = f"Cannot resolve the host of {delivery.url}."
        else:
            await self._send(job, destination, attempt)
        attempt.duration_ms = round((time.monotonic() - started) * 1000)
        delivery.status_code, delivery.error = attempt.status_code, attempt.error
        if attempt.error is None:
            delivery.settle("delivered")
            return True
        if delivery.attempts >= self.policy.max_attempts:
            delivery.settle("failed", attempt.error)
            return True
        return False

    async def _send(self, job: Job, destination: Destination, attempt: Attempt) -> None:
        delivery = job.delivery
        url = httpx.URL(delivery.url)
        headers = {
            "Host": url.netloc.decode("ascii"),
            "Content-Type": "application/json",
            "User-Agent": "Hissuno-Webhooks/1.0 (mock)",
            SIGNATURE_HEADER: sign(job.secret, job.body, int(time.time())),
            EVENT_ID_HEADER: delivery.event_id,
            EVENT_TYPE_HEADER: delivery.event_type,
        }
        extensions = {"sni_hostname": destination.host} if url.scheme == "https" else {}
        try:
            response = await self._http().post(url.copy_with(host=destination.address), content=job.body,
                                               headers=headers, extensions=extensions)
        except httpx.HTTPError as error:
            attempt.error = f"{type(error).__name__}: {error}".rstrip(": ")
            return
        attempt.status_code = response.status_code
        if not response.is_success:
            attempt.error = f"receiver answered {response.status_code}"

    def _default_client(self) -> httpx.AsyncClient:
        # No proxy from the environment: a proxy would connect to the host by name, not to the address checked.
        return httpx.AsyncClient(timeout=self.policy.timeout_seconds, follow_redirects=False, trust_env=False)

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
