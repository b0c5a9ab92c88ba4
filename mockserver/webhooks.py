"""Signed webhook deliveries, made in the background so they never slow down or fail the API request.

Each event is a JSON POST of ``{id, type, created_at, data}`` signed as Standard Webhooks says (the reference
``standardwebhooks`` library: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``), queued per project,
sent only where :mod:`mockserver.webhook_targets` allows, one attempt at a time per webhook (so first attempts
arrive in the order the events happened), retried on the :class:`DeliveryPolicy`'s schedule with the same
``webhook-id``, and never attempted once its webhook is deleted; every attempt is recorded for
``GET /__mock/deliveries``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from contract.standard_webhooks import signed_headers
from mockserver.settings import DEFAULT_WEBHOOK_RETRY_SCHEDULE, DEFAULT_WEBHOOK_TIMEOUT
from mockserver.stores.base import Store
from mockserver.stores.codec import encode_doc
from mockserver.stores.ids import random_id
from mockserver.webhook_targets import Destination, TargetPolicy, TargetRefused

logger = logging.getLogger("mockserver.webhooks")
_UNPREDICTABLE = random.SystemRandom()  # one draw from the OS per id (a choice per character cost 13)

Lookup = Callable[[str, str], Awaitable[Mapping[str, Any] | None]]
"""``(project_id, webhook_id)`` -> the subscription as stored now, or ``None`` once it is deleted."""


def new_event(event_type: str, data: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """The delivery envelope ``{id, type, created_at, data}`` for one event; its ``id`` is the ``webhook-id``."""
    created = (now or datetime.now(UTC)).replace(microsecond=0)
    return {
        "id": "evt_" + random_id(_UNPREDICTABLE, 12),
        "type": event_type,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": dict(data),
    }


def _now() -> str:
    return _iso(time.time())


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Attempt:
    """One try at a delivery: when it started, the signed headers sent, what the receiver answered (or what went
    wrong) and how long it took (``duration_ms``, the latency)."""

    number: int
    started_at: str
    headers: dict[str, str] = field(default_factory=dict)
    status_code: int | None = None
    error: str | None = None
    duration_ms: int | None = None


@dataclass
class Delivery:
    """One event sent to one subscription: its state, the outcome of its latest attempt and every attempt.

    ``message_id`` is the ``webhook-id`` of every attempt (the event's id: the receivers' idempotency key), kept
    by retries and by a manual redelivery (``redelivery_of`` names the delivery replayed).
    """

    id: str
    webhook_id: str
    project_id: str
    event_id: str
    event_type: str
    url: str
    retry_schedule: list[float]
    state: str = "pending"  # pending | delivered | failed | cancelled
    attempts: int = 0
    status_code: int | None = None
    error: str | None = None
    created_at: str = field(default_factory=_now)
    next_attempt_at: str | None = None
    redelivery_of: str | None = None
    attempt_log: list[Attempt] = field(default_factory=list)

    @property
    def message_id(self) -> str:
        return self.event_id

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "message_id": self.message_id}

    def settle(self, state: str, error: str | None = None) -> None:
        self.state, self.error, self.next_attempt_at = state, error, None


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try: a timeout per attempt and a schedule of retries, bounded so a dead receiver costs little
    and never holds the server up."""

    timeout_seconds: float = DEFAULT_WEBHOOK_TIMEOUT
    retry_schedule: tuple[float, ...] = DEFAULT_WEBHOOK_RETRY_SCHEDULE
    # Deliveries share the event loop with the API: each project gets a few attempts at a time and a bounded
    # queue, so a project subscribed to dead receivers slows down only its own deliveries.
    in_flight_per_project: int = 4
    queued_per_project: int = 200
    history: int = 1000

    @property
    def max_attempts(self) -> int:
        return len(self.retry_schedule) + 1

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt`` (2 or more)."""
        return self.retry_schedule[attempt - 2]


@dataclass(eq=False)
class Job:
    """A delivery waiting for its next attempt, with what every attempt sends and how to tell that its webhook
    still exists."""

    delivery: Delivery
    secret: str
    body: bytes
    lookup: Lookup | None = None
    retry: asyncio.TimerHandle | None = None


Attempter = Callable[[Job], Awaitable[bool]]


class ProjectQueue:
    """One project's deliveries on one event loop: first come, first served, at most ``in_flight_per_project``
    attempts at once and one at a time per webhook (its first attempts go out in the order of its events); a
    failed attempt goes back in line after its backoff, so retries hold no attempt slot."""

    def __init__(self, policy: DeliveryPolicy, attempt: Attempter) -> None:
        self.policy = policy
        self.attempt = attempt
        self.waiting: deque[Job] = deque()
        self.backing_off: set[Job] = set()
        self.workers: set[asyncio.Task[None]] = set()
        self.sending: set[str] = set()  # webhooks with an attempt in flight
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

    def _next(self) -> Job | None:
        """The oldest waiting job whose webhook has no attempt in flight (at most ``queued_per_project`` looked at)."""
        for index, job in enumerate(self.waiting):
            if job.delivery.webhook_id not in self.sending:
                del self.waiting[index]
                return job
        return None

    async def _work(self) -> None:
        try:
            while (job := self._next()) is not None:
                webhook = job.delivery.webhook_id
                self.sending.add(webhook)
                self.running += 1
                try:
                    settled = await self.attempt(job)
                finally:
                    self.running -= 1
                    self.sending.discard(webhook)
                if not settled:
                    self._retry_later(job)
        finally:
            # Jobs held back for a webhook another worker is sending to are taken by that worker when it is done.
            self.staff -= 1

    def _retry_later(self, job: Job) -> None:
        delay = self.policy.delay_before(job.delivery.attempts + 1)
        job.delivery.next_attempt_at = _iso(time.time() + delay)
        job.retry = asyncio.get_running_loop().call_later(delay, self._requeue, job)
        self.backing_off.add(job)

    def _requeue(self, job: Job) -> None:
        self.backing_off.discard(job)
        job.retry = None
        self.waiting.append(job)
        self._staff()


class UnknownDelivery(LookupError):
    """No recorded delivery has this id (or it fell out of the history)."""


class WebhookGone(LookupError):
    """The delivery's webhook was deleted: nothing is sent to it any more."""


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
        self._sent: dict[str, Job] = {}  # the latest jobs, kept for redelivery as long as their delivery is listed
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, ProjectQueue]] = (
            weakref.WeakKeyDictionary())

    def dispatch(self, project_id: str, event: Mapping[str, Any], subscriptions: Iterable[Mapping[str, Any]],
                 lookup: Lookup | None = None) -> int:
        """Queue the event for every enabled subscription listening to its type; return how many.

        ``lookup`` tells, before each attempt, whether the subscription still exists (none: always)."""
        body = encode_doc(event)
        scheduled = 0
        for subscription in subscriptions:
            if not subscription.get("enabled", True) or event["type"] not in subscription.get("events", ()):
                continue
            delivery = self._record(project_id, event["id"], event["type"], subscription)
            if self._queue(project_id).put(self._keep(Job(delivery, subscription["secret"], body, lookup))):
                scheduled += 1
            else:
                delivery.settle("failed", "Not attempted: too many deliveries waiting for this project.")
        return scheduled

    async def redeliver(self, delivery_id: str) -> dict[str, Any]:
        """Send a recorded delivery again as a new delivery: the same body and ``webhook-id`` (a receiver that
        already has it ignores it), a fresh timestamp and signature, the current secret of its webhook.

        :class:`UnknownDelivery` or :class:`WebhookGone` when it cannot be."""
        original = self._sent.get(delivery_id)
        if original is None:
            raise UnknownDelivery(delivery_id)
        old = original.delivery
        subscription = await original.lookup(old.project_id, old.webhook_id) if original.lookup else {
            "id": old.webhook_id, "url": old.url, "secret": original.secret}
        if subscription is None:
            raise WebhookGone(old.webhook_id)
        delivery = self._record(old.project_id, old.event_id, old.event_type, subscription)
        delivery.redelivery_of = old.id
        job = self._keep(Job(delivery, subscription["secret"], original.body, original.lookup))
        if not self._queue(old.project_id).put(job):
            delivery.settle("failed", "Not attempted: too many deliveries waiting for this project.")
        return delivery.as_dict()

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
        self._sent.clear()

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

    def _record(self, project_id: str, event_id: str, event_type: str,
                subscription: Mapping[str, Any]) -> Delivery:
        delivery = Delivery(
            id="dlv_" + random_id(_UNPREDICTABLE, 12),
            webhook_id=subscription["id"],
            project_id=project_id,
            event_id=event_id,
            event_type=event_type,
            url=subscription["url"],
            retry_schedule=list(self.policy.retry_schedule),
        )
        if len(self._deliveries) == self._deliveries.maxlen:
            self._sent.pop(self._deliveries[0].id, None)
        self._deliveries.append(delivery)
        return delivery

    def _keep(self, job: Job) -> Job:
        self._sent[job.delivery.id] = job
        return job

    def _queue(self, project_id: str) -> ProjectQueue:
        queues = self._queues.setdefault(asyncio.get_running_loop(), {})
        queue = queues.get(project_id)
        if queue is None:
            queue = queues[project_id] = ProjectQueue(self.policy, self._attempt)
        return queue

    def _queues_here(self) -> list[ProjectQueue]:
        return list(self._queues.get(asyncio.get_running_loop(), {}).values())

    async def _attempt(self, job: Job) -> bool:
        """One attempt; ``True`` once the delivery is settled (delivered, refused, cancelled or out of attempts)."""
        delivery = job.delivery
        if job.lookup is not None and await job.lookup(delivery.project_id, delivery.webhook_id) is None:
            delivery.settle("cancelled", "Not attempted: the webhook was deleted.")
            return True
        try:
            destination = await self.targets.destination(delivery.url, self.policy.timeout_seconds)
        except TargetRefused as refused:  # nothing is sent, so nothing about the target is learnt either
            delivery.settle("failed", f"Refused: {refused}.")
            return True
        except (OSError, TimeoutError):
            destination = None
        delivery.attempts += 1
        delivery.next_attempt_at = None
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
        try:
            attempt.headers = signed_headers(job.secret, delivery.message_id, int(time.time()), job.body)
        except ValueError:  # binascii.Error too: a stored secret that is not base64 (never one the API made)
            attempt.error = "the webhook's secret is not whsec_ followed by base64: nothing could be signed"
            return
        headers = {
            "Host": url.netloc.decode("ascii"),
            "Content-Type": "application/json",
            "User-Agent": "Hissuno-Webhooks/1.0 (mock)",
            **attempt.headers,
        }
        extensions = {"sni_hostname": destination.host} if url.scheme == "https" else {}
        try:
            response = await self._http().post(url.copy_with(host=destination.address), content=job.body,
                                               headers=headers, extensions=extensions)
        except httpx.TimeoutException:
            attempt.error = f"no answer within {self.policy.timeout_seconds:g} s"
            return
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
    and the worker that handled the request makes the deliveries; before each attempt the store is asked again
    whether the webhook still exists (a delete in any worker stops its deliveries, retries included).
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
            subscriptions = self._listening(project_id, event_type)
            if subscriptions:  # the envelope only for an event somebody listens to
                self.dispatcher.dispatch(project_id, new_event(event_type, data), subscriptions, self.subscription)
        except Exception:
            logger.exception("webhook dispatch for %s of %s failed", event_type, project_id)

    def deliver(self, project_id: str, event: Mapping[str, Any]) -> int:
        """Queue ``event`` for the project's subscriptions to its type; how many deliveries were queued."""
        subscriptions = self._listening(project_id, event["type"])
        if not subscriptions:
            return 0
        return self.dispatcher.dispatch(project_id, event, subscriptions, self.subscription)

    def _listening(self, project_id: str, event_type: str) -> list[Mapping[str, Any]]:
        """The project's enabled webhooks subscribed to ``event_type``."""
        return [sub for sub in self.store.all(project_id, self.kind)
                if sub.get("enabled", True) and event_type in sub.get("events", ())]

    async def subscription(self, project_id: str, webhook_id: str) -> Mapping[str, Any] | None:
        """The webhook as stored now (``None`` once deleted)."""
        return await self.store.run(lambda: self.store.get(project_id, self.kind, webhook_id))
