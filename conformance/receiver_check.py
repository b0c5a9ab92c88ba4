"""``hissuno-conformance webhook-receiver``: does a user's webhook endpoint verify what it is sent?

It sends the endpoint a valid Standard Webhooks delivery of a contract event (signed with the endpoint's secret
by the reference library), then forged ones: a tampered body, a signature made with another secret, timestamps
outside the tolerance, the valid delivery replayed byte for byte, and a well-signed event of an unknown type.
Only the valid one may be acknowledged (2xx; the unknown type too with ``acknowledge_unknown``), and every answer
must come within ``timeout``, the time a sender waits before it counts an attempt as failed. A refusal proves
nothing from an endpoint that refused the valid delivery too, so the forged checks are then skipped.

Each check is declared with :func:`receiver_check` and sends at most two deliveries; a run sends at most eight,
each waiting at most ``timeout`` seconds. The verdicts form a :class:`~conformance.results.RunReport`, so the
reports and exit codes are those of ``hissuno-conformance run``.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import requests

from conformance.client import render_curl
from conformance.results import CheckResult, Problem, RunReport, skipped, verdict
from conformance.target import TargetError
from contract import standard_webhooks
from contract.registry import Registry

FAMILY = "receiver"
API = "receiver"
DEFAULT_TIMEOUT = 5.0
# How far outside the tolerance the forged timestamps are: twice the reference libraries' five minutes.
FORGED_SKEW_SECONDS = 2 * standard_webhooks.TOLERANCE_SECONDS
UNKNOWN_EVENT_TYPE = "conformance.unknown_event"
USER_AGENT = "hissuno-conformance (webhook-receiver)"


class Skip(Exception):
    """The check cannot judge this endpoint; the message says why."""


@dataclass(frozen=True)
class Delivery:
    """One POST to the endpoint: what it is (for reports), its headers and its body as sent."""

    what: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    """The endpoint's answer to one delivery: its status, or None when none came within the time budget."""

    delivery: Delivery
    status: int | None
    seconds: float
    error: str = ""
    # False when no connection could be made (nothing listens there).
    connected: bool = True

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> str:
        if self.status is None:
            return f"got no answer ({self.error})"
        return f"was answered {self.status} in {self.seconds:.2f} s"


@dataclass(eq=False)
class Endpoint:
    """The receiver under test: its URL and secret, the event it is sent, how long a sender waits for it, and
    whether it should acknowledge an event type it does not know."""

    url: str
    secret: str
    event: dict[str, Any]
    timeout: float = DEFAULT_TIMEOUT
    acknowledge_unknown: bool = False
    tls_verify: bool | str = True
    session: requests.Session = field(default_factory=requests.Session)
    clock: Callable[[], float] = time.time

    def delivery(self, what: str, *, event: dict[str, Any] | None = None, secret: str | None = None,
                 skew: int = 0, sent_body: bytes | None = None) -> Delivery:
        """A delivery of ``event`` (the endpoint's by default) under a fresh id, signed with ``secret`` (the
        endpoint's by default) at now minus ``skew`` seconds; ``sent_body`` replaces the signed body."""
        message_id = "evt_" + secrets.token_hex(8)
        body = json.dumps({**(event or self.event), "id": message_id}, separators=(",", ":")).encode()
        stamp = int(self.clock()) - skew
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **standard_webhooks.signed_headers(secret or self.secret, message_id, stamp, body),
        }
        return Delivery(what, headers, body if sent_body is None else sent_body)

    def send(self, delivery: Delivery) -> Answer:
        started = time.monotonic()
        try:
            response = self.session.post(self.url, data=delivery.body, headers=delivery.headers,
                                         timeout=self.timeout, allow_redirects=False, verify=self.tls_verify)
        except requests.ReadTimeout:
            return Answer(delivery, None, time.monotonic() - started, f"nothing within {self.timeout:g} s")
        except requests.RequestException as error:
            return Answer(delivery, None, time.monotonic() - started, _reason(error), connected=False)
        seconds = time.monotonic() - started
        if seconds > self.timeout:
            return Answer(delivery, None, seconds, f"the answer took {seconds:.1f} s, over {self.timeout:g} s")
        return Answer(delivery, response.status_code, seconds)

    @cached_property
    def valid(self) -> Answer:
        """The answer to the valid delivery (sent once; the replay check sends it again)."""
        return self.send(self.delivery("a valid delivery"))

    def reachable(self) -> None:
        """:class:`TargetError` when the endpoint cannot be reached at all (the valid delivery is the probe)."""
        if not self.valid.connected:
            raise TargetError(f"cannot reach {self.url}: {self.valid.error}")

    def curl(self, delivery: Delivery) -> str:
        return render_curl("POST", self.url, delivery.headers, delivery.body)

    @property
    def operation(self) -> str:
        return f"POST {self.url}"


@dataclass(frozen=True)
class ReceiverCheck:
    name: str
    proves: str
    run: Callable[[Endpoint], Iterable[Problem]]


RECEIVER_CHECKS: Registry[ReceiverCheck] = Registry("receiver check")


def receiver_check(name: str, proves: str) -> Callable[[Callable[[Endpoint], Iterable[Problem]]], ReceiverCheck]:
    """Declare the check ``receiver.<name>``: a function from the endpoint to the problems it shows; it raises
    :class:`Skip` when it cannot judge. Checks run in the order they are declared."""

    def decorate(function: Callable[[Endpoint], Iterable[Problem]]) -> ReceiverCheck:
        return RECEIVER_CHECKS.add(ReceiverCheck(f"{FAMILY}.{name}", proves, function))

    return decorate


def _refused(endpoint: Endpoint, delivery: Delivery, why: str) -> Iterator[Problem]:
    """Problems unless the endpoint refuses ``delivery`` in time (skipped when it refused the valid one too)."""
    if not endpoint.valid.acknowledged:
        raise Skip("the valid delivery was not acknowledged, so a refusal proves nothing")
    answer = endpoint.send(delivery)
    if answer.status is None:
        yield Problem(f"{delivery.what} {answer.describe()}: refuse it within {endpoint.timeout:g} s (senders "
                      "retry what times out)", endpoint.curl(delivery))
    elif answer.acknowledged:
        yield Problem(f"{delivery.what} {answer.describe()}, expected a refusal (any status but 2xx): {why}",
                      endpoint.curl(delivery))


@receiver_check("accepts_valid", "A delivery signed with the secret and sent now is acknowledged (2xx) in time.")
def accepts_valid(endpoint: Endpoint) -> Iterator[Problem]:
    answer = endpoint.valid
    if not answer.acknowledged:
        yield Problem(f"{answer.delivery.what} {answer.describe()}, expected 2xx within {endpoint.timeout:g} s",
                      endpoint.curl(answer.delivery))


@receiver_check("rejects_replay", "The valid delivery sent again byte for byte (same webhook-id) is refused.")
def rejects_replay(endpoint: Endpoint) -> Iterator[Problem]:
    replay = replace(endpoint.valid.delivery, what="the valid delivery replayed (same webhook-id)")
    yield from _refused(endpoint, replay, "keep the webhook-ids seen within the tolerance and refuse a repeat")


@receiver_check("rejects_tampered_body", "A body changed after signing is refused.")
def rejects_tampered_body(endpoint: Endpoint) -> Iterator[Problem]:
    forged = _tampered(endpoint.event)
    signed = endpoint.delivery("a delivery whose body was changed after signing")
    sent = json.loads(signed.body)
    body = json.dumps({**forged, "id": sent["id"]}, separators=(",", ":")).encode()
    yield from _refused(endpoint, replace(signed, body=body), "verify the signature over the raw body")


@receiver_check("rejects_wrong_signature", "A delivery signed with another secret is refused.")
def rejects_wrong_signature(endpoint: Endpoint) -> Iterator[Problem]:
    forged = endpoint.delivery("a delivery signed with another secret", secret=standard_webhooks.new_secret())
    yield from _refused(endpoint, forged, "verify webhook-signature with your secret")


@receiver_check(
    "rejects_stale_timestamp",
    "Well-signed deliveries timestamped 10 minutes ago or 10 minutes ahead are refused (5 minutes' tolerance).",
)
def rejects_stale_timestamp(endpoint: Endpoint) -> Iterator[Problem]:
    minutes = FORGED_SKEW_SECONDS // 60
    why = f"refuse a webhook-timestamp more than {standard_webhooks.TOLERANCE_SECONDS // 60} minutes from now"
    old = endpoint.delivery(f"a delivery timestamped {minutes} minutes ago", skew=FORGED_SKEW_SECONDS)
    yield from _refused(endpoint, old, why)
    ahead = endpoint.delivery(f"a delivery timestamped {minutes} minutes ahead", skew=-FORGED_SKEW_SECONDS)
    yield from _refused(endpoint, ahead, why)


@receiver_check(
    "unknown_event_type",
    "A well-signed event of a type the contract does not declare is refused (acknowledged with "
    "--acknowledge-unknown-events).",
)
def unknown_event_type(endpoint: Endpoint) -> Iterator[Problem]:
    event = {**endpoint.event, "type": UNKNOWN_EVENT_TYPE}
    delivery = endpoint.delivery(f"a well-signed {UNKNOWN_EVENT_TYPE} event", event=event)
    if not endpoint.acknowledge_unknown:
        yield from _refused(endpoint, delivery, "refuse event types you do not handle (or pass "
                            "--acknowledge-unknown-events if you acknowledge and ignore them)")
        return
    answer = endpoint.send(delivery)
    if not answer.acknowledged:
        yield Problem(f"{delivery.what} {answer.describe()}, expected 2xx (--acknowledge-unknown-events)",
                      endpoint.curl(delivery))


def check(endpoint: Endpoint) -> RunReport:
    """Every receiver check against the endpoint, as a report (:class:`TargetError` when it cannot be reached)."""
    started = time.monotonic()
    endpoint.reachable()  # sends the valid delivery
    report = RunReport(target=endpoint.url, profile=FAMILY, apis=(API,))
    for declared in RECEIVER_CHECKS:
        report.results.append(_result(declared, endpoint))
    report.duration = time.monotonic() - started
    return report


def _result(declared: ReceiverCheck, endpoint: Endpoint) -> CheckResult:
    try:
        problems = list(declared.run(endpoint))
    except Skip as skip:
        return skipped(endpoint.operation, declared.name, FAMILY, str(skip), api=API)
    return verdict(endpoint.operation, declared.name, FAMILY, problems, api=API)


def _tampered(event: dict[str, Any]) -> dict[str, Any]:
    """The event with what an attacker would change: the object it is about (or, failing that, its time)."""
    forged = copy.deepcopy(event)
    data = forged.get("data")
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        data["id"] += "0"
    else:
        forged["created_at"] = "2000-01-01T00:00:00Z"
    return forged


def _reason(error: requests.RequestException) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "Connection reset", "CERTIFICATE_VERIFY_FAILED",
                   "RemoteDisconnected", "timed out"):
        if marker in text:
            return marker.lower().replace("_", " ")
    return type(error).__name__
