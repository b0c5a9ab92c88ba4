"""Webhooks: a server that takes a subscription delivers each event it emits, signed (Standard Webhooks, verified
with the reference library), fresh, in the contract's shape; retries with the same ``webhook-id``; and stops
the moment the subscription is deleted.

The family applies to the operations that declare deliveries (the ``callbacks`` of ``createWebhook``) and to the
deletes they link to, and to nothing else: a document without deliveries (the internal API) gets *not
applicable*. It registers webhooks pointing at its inbox (:mod:`conformance.webhook_inbox`), makes the server
emit each event it can (:mod:`conformance.checks.webhook_events`: through the API, or ``--trigger-url``) and judges
what arrives. One round of deliveries gives five verdicts; the delete check runs a round of its own.

Bounds: at most three webhooks registered (each deleted again), one or two requests per event type, one wait of
at most ``--webhook-wait`` seconds (default 30; it ends as soon as everything expected has arrived) for the
deliveries and the first retry, one as long for the delete check's first delivery, and a quiet period after the
delete of three times the delivery latency seen (at least :data:`QUIET_MIN`, at most ``--webhook-wait``); all
within the stage's share of the time budget.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from conformance.budget import OutOfTime
from conformance.checks.base import Note, Scenario, problem, scenario_check
from conformance.checks.webhook_events import Cause, Fired, causes
from conformance.client import Exchange, render_curl
from conformance.operations import Contract, Operation
from conformance.results import CheckResult, Problem, skipped, verdict
from conformance.webhook_contract import WebhookRegistration, registering_operations, registrations
from conformance.webhook_inbox import ALWAYS, Arrival, Box, Inbox
from contract import standard_webhooks

FAMILY = "webhooks"
INBOX = "webhook inbox"
# The quiet period after a delete: three times the delivery latency seen, at least this long.
QUIET_MIN = 2.0
# An attempt arriving this soon after the delete's answer may have started before the delete.
IN_FLIGHT_GRACE = 0.5
_VERDICTS = ("delivered", "signature", "timestamp", "payload", "retry")


def _deletes_of_registrations(contract: Contract) -> list[Operation]:
    found = [contract.delete_of(op) for op in registering_operations(contract)]
    return [delete for delete, _ in filter(None, found)]


@dataclass(eq=False)
class Subscription:
    """A webhook the family registered: its box in the inbox, what it asked for, and what registering answered."""

    box: Box
    events: list[str]
    exchange: Exchange

    @property
    def body(self) -> dict[str, Any]:
        return self.exchange.json if isinstance(self.exchange.json, dict) else {}

    @property
    def id(self) -> str | None:
        value = self.body.get("id")
        return value if isinstance(value, str) else None

    @property
    def secret(self) -> str | None:
        """The signing secret the registration answered (the string field holding a ``whsec_`` value)."""
        found = [v for v in self.body.values() if isinstance(v, str) and v.startswith(standard_webhooks.SECRET_PREFIX)]
        return found[0] if found else None


@dataclass(frozen=True)
class Round:
    """One round of deliveries: the subscriptions, the events caused, and how long the wait for them lasted."""

    registration: WebhookRegistration
    everything: Subscription
    retried: Subscription
    fired: list[tuple[Cause, Fired]]
    waited: float


@scenario_check(
    FAMILY,
    "delivered",
    "Every event the run causes reaches the webhook subscribed to it, and no webhook gets a type it did not pick.",
    scope=registering_operations,
    also={
        "signature": "Every delivery carries webhook-id, webhook-timestamp and a webhook-signature that verifies "
        "with the secret the registration answered (the standardwebhooks library).",
        "timestamp": "Every delivery's webhook-timestamp is within 5 minutes of its arrival.",
        "payload": "Every delivery's headers, envelope and data match the contract's delivery for its event type.",
        "retry": "A delivery answered 500 is attempted again, with the same webhook-id and body.",
    },
)
def delivered(scenario: Scenario) -> Iterator[CheckResult | Note]:
    for operation in scenario.in_scope(delivered):
        registration = _registration(scenario.contract, operation)
        plan = causes(scenario, registration, scenario.target.trigger_url)
        names = [f"{FAMILY}.{name}" for name in _VERDICTS]
        if not plan:
            reason = "no event could be caused: the API makes none and no --trigger-url was given"
            yield from (skipped(operation.label, name, FAMILY, reason, api=scenario.api) for name in names)
            continue
        left_out = [t for t in registration.event_types if t not in {c.event_type for c in plan}]
        if left_out:
            yield Note(f"webhooks: {len(left_out)} event types could not be caused through the API and were not "
                       f"checked ({', '.join(left_out)}); --trigger-url reaches them on the mock")
        inbox = _inbox(scenario)
        everything = _subscribe(scenario, registration, inbox.box(), list(registration.event_types))
        retried = _subscribe(scenario, registration, inbox.box(fail_first=1), [plan[0].event_type])
        refused = _registration_problems(operation, everything) + _registration_problems(operation, retried)
        if refused:
            yield from (verdict(operation.label, name, FAMILY, refused, api=scenario.api) for name in names)
            continue
        fired = [(cause, cause.fire()) for cause in plan]
        round_ = Round(registration, everything, retried, fired, _wait_for_round(scenario, inbox, everything,
                                                                                  retried, fired))
        yield from _round_verdicts(scenario, operation, round_)
        for subscription in (everything, retried):
            _unsubscribe(scenario, operation, subscription)


@scenario_check(
    FAMILY,
    "after_delete",
    "Once a webhook is deleted nothing reaches it: neither new events nor retries queued before the delete.",
    scope=_deletes_of_registrations,
)
def after_delete(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(after_delete):
        registering = next(op for op in registering_operations(scenario.contract)
                           if (found := scenario.contract.delete_of(op)) and found[0] is operation)
        registration = _registration(scenario.contract, registering)
        plan = causes(scenario, registration, scenario.target.trigger_url)
        if not plan:
            reason = "no event could be caused: the API makes none and no --trigger-url was given"
            yield skipped(operation.label, after_delete.name, FAMILY, reason, api=scenario.api)
            continue
        try:
            problems = _after_delete_problems(scenario, operation, registration, plan[0])
        except _Unproven as unproven:
            yield skipped(operation.label, after_delete.name, FAMILY, str(unproven), api=scenario.api)
            continue
        yield verdict(operation.label, after_delete.name, FAMILY, problems, api=scenario.api)


class _Unproven(Exception):
    """Silence after the delete would prove nothing (nothing arrived before it either)."""


def _after_delete_problems(
    scenario: Scenario, operation: Operation, registration: WebhookRegistration, cause: Cause
) -> list[Problem]:
    """Register a webhook whose box answers 500 to everything (so retries are queued), cause an event, wait for its
    first attempt, delete the webhook, cause the event again, and watch the box for a quiet period."""
    inbox = _inbox(scenario)
    subscription = _subscribe(scenario, registration, inbox.box(fail_first=ALWAYS), [cause.event_type])
    refused = _registration_problems(registration.operation, subscription)
    if refused or subscription.id is None:
        return refused or [problem("the registration answered no `id` to delete it by", subscription.exchange)]
    first = cause.fire()
    if not first.accepted:
        return [_cause_problem(cause, first)]
    box = subscription.box
    if not inbox.wait(lambda: bool(box.arrivals), _allowed_wait(scenario, scenario.webhook_inbox.wait)):
        raise _Unproven(f"the {cause.event_type} event never reached the webhook before the delete, so silence "
                        "after it proves nothing")
    latency = max(0.0, box.arrivals[0].monotonic - first.exchange.received_at)
    found = scenario.contract.delete_of(registration.operation)
    assert found is not None  # the scope holds only deletes a registration links to
    deleted = scenario.send(operation, ids={found[1]: subscription.id})
    if deleted.status != operation.success_status:
        return [problem(f"deleting the webhook: expected {operation.success_status}, got {deleted.status}", deleted)]
    seen = {arrival.header(standard_webhooks.ID_HEADER) for arrival in box.arrivals}
    again = cause.fire()
    quiet = min(scenario.webhook_inbox.wait, max(QUIET_MIN, 3 * latency))
    inbox.wait(lambda: False, _allowed_wait(scenario, quiet, required=True))
    grace = max(IN_FLIGHT_GRACE, deleted.received_at - deleted.sent_at)
    late = [
        arrival for arrival in list(box.arrivals)
        if arrival.monotonic > deleted.received_at
        and (arrival.header(standard_webhooks.ID_HEADER) not in seen or arrival.monotonic > deleted.received_at + grace)
    ]  # fmt: skip
    return [
        Problem(f"{_describe(arrival)} reached the webhook {arrival.monotonic - deleted.received_at:.2f} s after "
                f"its delete was answered {deleted.status}", again.exchange.curl())
        for arrival in late[:5]
    ]


# --- one round of deliveries ---------------------------------------------------------------------------------


def _round_verdicts(scenario: Scenario, operation: Operation, round_: Round) -> Iterator[CheckResult]:
    subscriptions = (round_.everything, round_.retried)
    label, api = operation.label, scenario.api
    yield verdict(label, f"{FAMILY}.delivered", FAMILY, _delivery_problems(round_), api=api)
    judged = {
        "signature": lambda: _signature_problems(subscriptions),
        "timestamp": lambda: _timestamp_problems(subscriptions),
        "payload": lambda: _payload_problems(round_.registration, subscriptions),
    }
    arrived = any(s.box.arrivals for s in subscriptions)
    for name, problems in judged.items():
        if arrived:
            yield verdict(label, f"{FAMILY}.{name}", FAMILY, problems(), api=api)
        else:
            yield skipped(label, f"{FAMILY}.{name}", FAMILY, "no delivery arrived to judge", api=api)
    first = _first_and_retries(round_.retried)
    if first is None:
        reason = f"the {round_.retried.events[0]} event never arrived, so no retry could be asked for"
        yield skipped(label, f"{FAMILY}.retry", FAMILY, reason, api=api)
    else:
        yield verdict(label, f"{FAMILY}.retry", FAMILY, _retry_problems(round_, *first), api=api)


def _wait_for_round(scenario: Scenario, inbox: Inbox, everything: Subscription, retried: Subscription,
                    fired: list[tuple[Cause, Fired]]) -> float:
    """Wait until every accepted cause's event reached ``everything`` and the retried box saw a retry; returns
    the seconds waited (:class:`OutOfTime` when the budget cut the wait short of what was missing)."""
    started = time.monotonic()

    def complete() -> bool:
        pending = [c for c, f in fired if f.accepted and _match(everything, c, f) is None]
        return not pending and _first_and_retries(retried, need_retry=True) is not None

    allowed = _allowed_wait(scenario, scenario.webhook_inbox.wait)
    if not inbox.wait(complete, allowed) and allowed < scenario.webhook_inbox.wait:
        raise OutOfTime(scenario.client.budget.ran_out())
    return time.monotonic() - started


def _delivery_problems(round_: Round) -> list[Problem]:
    problems = []
    for cause, fired in round_.fired:
        if not fired.accepted:
            problems.append(_cause_problem(cause, fired))
        elif _match(round_.everything, cause, fired) is None:
            problems.append(Problem(
                f"{cause.event_type} (caused by {cause.how}) did not reach the webhook subscribed to it within "
                f"{round_.waited:.1f} s", fired.exchange.curl()))
    for subscription in (round_.everything, round_.retried):
        for arrival in subscription.box.arrivals:
            kind = _payload(arrival).get("type")
            if isinstance(kind, str) and kind not in subscription.events:
                problems.append(Problem(f"{_describe(arrival)} reached a webhook subscribed only to "
                                        f"{', '.join(subscription.events)}", _curl(subscription, arrival)))
    return problems


def _signature_problems(subscriptions: tuple[Subscription, ...]) -> list[Problem]:
    problems = []
    for subscription in subscriptions:
        secret = subscription.secret
        for arrival in subscription.box.arrivals:
            missing = [h for h in standard_webhooks.HEADERS if not arrival.header(h)]
            if missing:
                problems.append(Problem(f"{_describe(arrival)} has no {', '.join(missing)} header",
                                        _curl(subscription, arrival)))
            elif secret is None or not _verifies(secret, arrival):
                signature = arrival.header(standard_webhooks.SIGNATURE_HEADER)[:60]
                problems.append(Problem(f"{_describe(arrival)}: webhook-signature {signature!r} does not verify with "
                                        "the secret the registration answered", _curl(subscription, arrival)))
    return problems


def _verifies(secret: str, arrival: Arrival) -> bool:
    try:
        return standard_webhooks.signature_matches(secret, arrival.headers, arrival.body)
    except (ValueError, TypeError):  # a secret that is not base64
        return False


def _timestamp_problems(subscriptions: tuple[Subscription, ...]) -> list[Problem]:
    problems = []
    tolerance = standard_webhooks.TOLERANCE_SECONDS
    for subscription in subscriptions:
        for arrival in subscription.box.arrivals:
            skew = standard_webhooks.timestamp_skew(arrival.headers, arrival.received_at)
            if skew is None:
                stamp = arrival.header(standard_webhooks.TIMESTAMP_HEADER)
                message = f"{_describe(arrival)}: webhook-timestamp {stamp!r} is not Unix seconds"
            elif abs(skew) > tolerance:
                when = "before" if skew > 0 else "after"
                message = (f"{_describe(arrival)}: webhook-timestamp is {abs(skew):.0f} s {when} its arrival "
                           f"(receivers refuse more than {tolerance} s)")
            else:
                continue
            problems.append(Problem(message, _curl(subscription, arrival)))
    return problems


def _payload_problems(registration: WebhookRegistration, subscriptions: tuple[Subscription, ...]) -> list[Problem]:
    problems = []
    for subscription in subscriptions:
        for arrival in subscription.box.arrivals:
            payload = _json(arrival.body)
            callback = registration.callback_for(payload.get("type") if isinstance(payload, dict) else None)
            if not isinstance(payload, dict):
                found = [f"the body is not a JSON object: {arrival.body[:120]!r}"]
            elif callback is None:
                found = [f"the contract declares no delivery of type {payload.get('type')!r}"]
            else:
                found = callback.header_problems(arrival.headers) + callback.payload_problems(payload)
            problems.extend(Problem(f"{_describe(arrival)}: {text}", _curl(subscription, arrival)) for text in found)
    return problems


def _first_and_retries(subscription: Subscription, *, need_retry: bool = False) -> tuple[Arrival, list[Arrival]] | None:
    """The first delivery to the box (answered 500) and the later deliveries of the same event (its retries)."""
    arrivals = list(subscription.box.arrivals)
    if not arrivals:
        return None
    first, later = arrivals[0], arrivals[1:]
    retries = [a for a in later if _subject(a) == _subject(first)]
    if need_retry and not retries:
        return None
    return first, retries


def _retry_problems(round_: Round, first: Arrival, retries: list[Arrival]) -> list[Problem]:
    subscription = round_.retried
    if not retries:
        return [Problem(f"{_describe(first)} was answered {first.status} and not attempted again within "
                        f"{round_.waited:.1f} s", _curl(subscription, first))]
    retry = retries[0]
    problems = []
    first_id, retry_id = (a.header(standard_webhooks.ID_HEADER) for a in (first, retry))
    if retry_id != first_id:
        problems.append(Problem(f"the retry of {_describe(first)} came as webhook-id {retry_id!r}: a retry keeps the "
                                "id (the receivers' idempotency key)", _curl(subscription, retry)))
    if _json(retry.body) != _json(first.body):
        problems.append(Problem(f"the retry of {_describe(first)} has another body: {retry.body[:200]!r}",
                                _curl(subscription, retry)))
    return problems


# --- helpers ---------------------------------------------------------------------------------------------------


def _registration(contract: Contract, operation: Operation) -> WebhookRegistration:
    return next(r for r in registrations(contract) if r.operation is operation)


def _inbox(scenario: Scenario) -> Inbox:
    return scenario.shared(INBOX, scenario.webhook_inbox.open)


def _allowed_wait(scenario: Scenario, seconds: float, *, required: bool = False) -> float:
    """``seconds``, or what the stage's budget has left if less (:class:`OutOfTime` when ``required``)."""
    remaining = scenario.client.budget.remaining()
    if remaining is None or seconds <= remaining:
        return seconds
    if required:
        raise OutOfTime(scenario.client.budget.ran_out())
    return max(0.0, remaining - 1.0)


def _subscribe(scenario: Scenario, registration: WebhookRegistration, box: Box, events: list[str]) -> Subscription:
    operation = registration.operation
    body = _registration_body(operation, box.url, events, scenario.marker())
    return Subscription(box, events, scenario.send(operation, json_body=body))


def _registration_body(operation: Operation, url: str, events: list[str], marker: str) -> dict[str, Any]:
    """A registration of ``url`` for ``events``: the request schema's required fields, the URL in its ``uri``
    string, the events in its array of event types, the marker in a free-text field."""
    body: dict[str, Any] = {}
    properties = operation.schema_properties(operation.request_schema)
    for name, raw in properties.items():
        schema = operation.resolve(raw)
        if schema.get("format") == "uri":
            body[name] = url
        elif schema.get("type") == "array" and operation.resolve(schema.get("items", {})).get("enum"):
            body[name] = events
        elif schema.get("type") == "string" and not schema.get("format") and not schema.get("enum"):
            body.setdefault(name, f"hissuno conformance {marker}")
    return body


def _registration_problems(operation: Operation, subscription: Subscription) -> list[Problem]:
    exchange = subscription.exchange
    if exchange.status != operation.success_status:
        return [problem(f"registering a webhook: expected {operation.success_status}, got {exchange.status}: "
                        f"{exchange.text[:200]}", exchange)]
    if subscription.secret is None:
        return [problem("registering a webhook answered no whsec_ secret", exchange)]
    return []


def _unsubscribe(scenario: Scenario, registering: Operation, subscription: Subscription) -> None:
    found = scenario.contract.delete_of(registering)
    if found is not None and subscription.id is not None:
        scenario.send(found[0], ids={found[1]: subscription.id})


def _match(subscription: Subscription, cause: Cause, fired: Fired) -> Arrival | None:
    """The delivery of the caused event (its type, and its data's id when the cause knows it)."""
    for arrival in list(subscription.box.arrivals):
        payload = _payload(arrival)
        data = payload.get("data")
        same_data = fired.data_id is None or (isinstance(data, dict) and data.get("id") == fired.data_id)
        if payload.get("type") == cause.event_type and same_data:
            return arrival
    return None


def _cause_problem(cause: Cause, fired: Fired) -> Problem:
    return problem(f"causing {cause.event_type} through {cause.how}: {fired.exchange.describe()}: "
                   f"{fired.exchange.text[:200]}", fired.exchange)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _payload(arrival: Arrival) -> dict[str, Any]:
    payload = _json(arrival.body)
    return payload if isinstance(payload, dict) else {}


def _subject(arrival: Arrival) -> tuple[Any, Any]:
    """What a delivery is about: its type and its data's id (a retry is about the same)."""
    payload = _payload(arrival)
    data = payload.get("data")
    return payload.get("type"), data.get("id") if isinstance(data, dict) else None


def _describe(arrival: Arrival) -> str:
    kind = _payload(arrival).get("type") or "unreadable"
    message_id = arrival.header(standard_webhooks.ID_HEADER)
    return f"the {kind} delivery {message_id}" if message_id else f"a {kind} delivery"


def _curl(subscription: Subscription, arrival: Arrival) -> str:
    """The delivery as it arrived, replayable against the same URL."""
    headers = {k: v for k, v in arrival.headers.items() if k.startswith("webhook-") or k == "content-type"}
    return render_curl("POST", subscription.box.url, headers, arrival.body)
