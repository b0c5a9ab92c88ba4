"""How the webhook family makes the server under test emit each event type: through the API where an operation
of the contract makes that event, else through a trigger (the mock's ``POST /__mock/events``).

Read from the spec, never listed here: a write's resource is named after the items of the list it shows up in
(``createSession`` shows up in a list of ``Session``: ``session``); a create makes ``<resource>.created``, an
import ``<resource>.created`` and, sent again with the same body, ``<resource>.updated``.
Every other event type needs ``--trigger-url``: the trigger is sent ``{"type", "project_id"}``. Each cause sends
one or two requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from conformance.checks.base import Scenario, richest_example, unique_body
from conformance.client import Client, Exchange
from conformance.operations import Operation
from conformance.webhook_contract import WebhookRegistration

TRIGGER = "the trigger"
_CAPITAL = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass(frozen=True)
class Fired:
    """What causing an event answered, and the id the event's ``data`` must carry when it is known."""

    exchange: Exchange
    accepted: bool
    data_id: str | None = None


@dataclass(frozen=True)
class Cause:
    """One way to make the server emit ``event_type`` (``how``: an operationId, or the trigger)."""

    event_type: str
    how: str
    fire: Callable[[], Fired]
    # How many events of the type one firing makes (an import makes one per row).
    events: int = 1


def causes(scenario: Scenario, registration: WebhookRegistration, trigger_url: str | None) -> list[Cause]:
    """A cause for every event type that can be made: single-event API causes first, then the trigger's, then
    imports (so the first cause is a good one to watch alone)."""
    wanted = set(registration.event_types)
    found: dict[str, Cause] = {}
    for cause in _api_causes(scenario, wanted):
        found.setdefault(cause.event_type, cause)
    if trigger_url:
        for event_type in registration.event_types:
            found.setdefault(event_type, _triggered(scenario, trigger_url, event_type))
    return sorted(found.values(), key=lambda c: (c.events > 1, c.how == TRIGGER, registration.event_types.index(
        c.event_type)))


def resource_name(schema_ref: Any) -> str | None:
    """``#/components/schemas/KnowledgeSource`` -> ``knowledge_source``; None for an inline schema."""
    ref = schema_ref.get("$ref") if isinstance(schema_ref, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
        return None
    return _CAPITAL.sub("_", ref.rsplit("/", 1)[1]).lower()


def _listed_resource(scenario: Scenario, write: Operation) -> str | None:
    """The resource a write makes, named after the items of the list it shows up in."""
    listing = scenario.contract.list_of(write)
    if listing is None:
        return None
    rows = listing[0].schema_properties(listing[0].response_schema(200)).get("data", {})
    return resource_name(rows.get("items") if isinstance(rows, dict) else None)


def _api_causes(scenario: Scenario, wanted: set[str]) -> list[Cause]:
    found = []
    for operation in scenario.contract.creates_with_body():
        name = _listed_resource(scenario, operation)
        if name is None:
            continue
        if operation.is_create:
            if f"{name}.created" in wanted:
                found.append(Cause(f"{name}.created", operation.operation_id, _create(scenario, operation)))
            continue
        # An import: the first sending creates its rows, the same body again updates them.
        body = unique_body(operation, richest_example(operation), scenario.marker())
        rows = max((len(v) for v in body.values() if isinstance(v, list)), default=1)
        for verb in ("created", "updated"):
            if f"{name}.{verb}" in wanted:
                found.append(Cause(f"{name}.{verb}", operation.operation_id, _send(scenario, operation, body), rows))
    return found


def _create(scenario: Scenario, operation: Operation) -> Callable[[], Fired]:
    def fire() -> Fired:
        created = scenario.create(operation)
        return Fired(created.exchange, created.exchange.status == operation.success_status, created.id)

    return fire


def _send(scenario: Scenario, operation: Operation, body: Any) -> Callable[[], Fired]:
    def fire() -> Fired:
        exchange = scenario.send(operation, json_body=body)
        return Fired(exchange, exchange.status == operation.success_status)

    return fire


def _triggered(scenario: Scenario, trigger_url: str, event_type: str) -> Cause:
    def fire() -> Fired:
        body: dict[str, Any] = {"type": event_type}
        if scenario.target.project_id:
            body["project_id"] = scenario.target.project_id
        client, path = _trigger_client(scenario.client, trigger_url)
        exchange = client.send("POST", path, json_body=body)
        return Fired(exchange, 200 <= exchange.status < 300)

    return Cause(event_type, TRIGGER, fire)


def _trigger_client(client: Client, trigger_url: str) -> tuple[Client, str]:
    """The run's client when the trigger is on the server under test, else one for the trigger's origin."""
    if trigger_url.startswith(client.base_url + "/"):
        return client, trigger_url[len(client.base_url) :]
    parts = urlsplit(trigger_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    own = Client(requests.Session(), origin, timeout=client.timeout, budget=client.budget, breaker=client.breaker)
    return own, trigger_url[len(origin) :] or "/"
