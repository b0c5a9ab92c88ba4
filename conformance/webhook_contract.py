"""What the contract says about webhook deliveries: which operation registers them, the event types a subscriber
may pick, and each delivery's headers, payload schema and examples.

Deliveries are the ``callbacks`` of the registering operation (``createWebhook``); nothing here names an event
type, a header or a field: both webhook checks read them from the spec. Payloads and headers are judged with
jsonschema-rs (formats on, as Schemathesis judges answers) against the document converted to OpenAPI 3.1, whose
schemas are JSON Schema 2020-12.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jsonschema_rs

from conformance.operations import Contract, Operation
from contract.openapi31 import to_openapi_31
from contract.pointer import escape

JSON = "application/json"
MAX_LISTED = 5  # schema failures listed per payload
MAX_SHOWN = 60  # a failing value longer than this is named by its type
_JSON_TYPES = {dict: "object", list: "array", str: "string"}


@dataclass(eq=False)
class Callback:
    """One delivery the registering operation declares: a POST to the subscriber's URL."""

    name: str
    definition: dict[str, Any] = field(repr=False)
    webhook: str  # its key under the 3.1 document's ``webhooks``
    registration: WebhookRegistration = field(repr=False)

    @property
    def operation_id(self) -> str:
        return str(self.definition.get("operationId", ""))

    @cached_property
    def payload_validator(self) -> Any:
        return self.registration.validator(f"#/webhooks/{escape(self.webhook)}/post/requestBody/content/"
                                           f"{escape(JSON)}/schema")

    @cached_property
    def event_types(self) -> frozenset[str]:
        """The ``type`` values its payload schema allows (every subscribable type when it says none)."""
        schema = self.registration.operation.resolve(self._media.get("schema", {}))
        found = frozenset(_type_enum(self.registration.operation, schema))
        return found or frozenset(self.registration.event_types)

    @property
    def _media(self) -> dict[str, Any]:
        body = self.registration.operation.resolve(self.definition.get("requestBody", {}))
        return body.get("content", {}).get(JSON, {})

    def examples(self) -> list[Any]:
        """Its example payloads, in order."""
        operation = self.registration.operation
        if "example" in self._media:
            return [copy.deepcopy(self._media["example"])]
        return [copy.deepcopy(operation.resolve(e).get("value")) for e in self._media.get("examples", {}).values()]

    def headers(self) -> list[tuple[str, bool, Any]]:
        """``(name, required, validator)`` of every header parameter it declares."""
        declared = []
        for index, raw in enumerate(self.definition.get("parameters", [])):
            parameter = self.registration.operation.resolve(raw)
            if parameter.get("in") == "header":
                pointer = f"#/webhooks/{escape(self.webhook)}/post/parameters/{index}/schema"
                declared.append((str(parameter["name"]), bool(parameter.get("required")),
                                 self.registration.validator(pointer)))
        return declared

    def payload_problems(self, payload: Any) -> list[str]:
        """Where the payload breaks its schema (empty when it matches)."""
        errors = list(self.payload_validator.iter_errors(payload))
        return [f"{_where(e)}: {_explain(e)}" for e in errors[:MAX_LISTED]]

    def header_problems(self, headers: Mapping[str, str]) -> list[str]:
        """Declared headers that are missing (when required) or do not match their schema."""
        lowered = {name.lower(): value for name, value in headers.items()}
        problems = []
        for name, required, validator in self.headers():
            value = lowered.get(name.lower())
            if value is None:
                if required:
                    problems.append(f"no {name} header")
            elif not validator.is_valid(value):
                problems.append(f"{name}: {value[:120]!r} does not match the contract")
        return problems


@dataclass(eq=False)
class WebhookRegistration:
    """An operation that subscribes a URL to events, and the deliveries it declares."""

    operation: Operation
    document_31: dict[str, Any] = field(repr=False)

    @cached_property
    def callbacks(self) -> list[Callback]:
        found = []
        names = _webhook_names(self.document_31)
        for name, raw in self.operation.definition.get("callbacks", {}).items():
            for path_item in self.operation.resolve(raw).values():
                post = self.operation.resolve(path_item).get("post")
                if isinstance(post, dict):
                    webhook = names.get(str(post.get("operationId", "")), name)
                    found.append(Callback(name, post, webhook, self))
        return found

    @cached_property
    def event_types(self) -> tuple[str, ...]:
        """The event types a subscription may pick: the enum of the request's ``events`` items."""
        properties = self.operation.schema_properties(self.operation.request_schema)
        items = self.operation.resolve(self.operation.resolve(properties.get("events", {})).get("items", {}))
        return tuple(str(value) for value in items.get("enum", []))

    def callback_for(self, event_type: object) -> Callback | None:
        """The delivery declared for this event type (the only one, when just one is declared)."""
        if len(self.callbacks) == 1:
            return self.callbacks[0]
        return next((c for c in self.callbacks if event_type in c.event_types), None)

    def example_for(self, event_type: str | None = None) -> dict[str, Any] | None:
        """A declared example payload (of this event type, when given and declared)."""
        examples = [e for c in self.callbacks for e in c.examples() if isinstance(e, dict)]
        chosen = [e for e in examples if event_type is None or e.get("type") == event_type]
        return (chosen or examples or [None])[0]

    def validator(self, pointer: str) -> Any:
        return jsonschema_rs.Draft202012Validator({**self.document_31, "$ref": pointer}, validate_formats=True)


def registrations(contract: Contract) -> list[WebhookRegistration]:
    """The operations of a document that declare webhook deliveries (``callbacks``)."""
    declaring = [op for op in contract if op.definition.get("callbacks")]
    if not declaring:
        return []
    document_31 = to_openapi_31(contract.document)
    return [WebhookRegistration(op, document_31) for op in declaring]


def registering_operations(contract: Contract) -> list[Operation]:
    return [op for op in contract if op.definition.get("callbacks")]


def _webhook_names(document_31: Mapping[str, Any]) -> dict[str, str]:
    """operationId of each delivery -> its key under ``webhooks`` in the 3.1 document."""
    names = {}
    for name, item in (document_31.get("webhooks") or {}).items():
        post = item.get("post") if isinstance(item, dict) else None
        if isinstance(post, dict) and post.get("operationId"):
            names[str(post["operationId"])] = name
    return names


def _type_enum(operation: Operation, schema: Mapping[str, Any]) -> Iterator[str]:
    """The values ``type`` may take in a payload schema, through ``allOf``/``oneOf``/``anyOf`` branches."""
    schema = operation.resolve(schema)
    declared = operation.resolve(schema.get("properties", {}).get("type", {}))
    yield from (str(value) for value in declared.get("enum", []))
    if "const" in declared:
        yield str(declared["const"])
    for keyword in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(keyword, []):
            yield from _type_enum(operation, branch)


def _explain(error: Any) -> str:
    """The error's message with a long value shown by its type, and for ``anyOf``/``oneOf`` the branch that came
    nearest (its first failure)."""
    text = error.message
    shown = json.dumps(error.instance, separators=(",", ":"), ensure_ascii=False)
    if len(shown) > MAX_SHOWN and text.startswith(shown):
        text = f"the {_JSON_TYPES.get(type(error.instance), 'value')}" + text[len(shown) :]
    branches = [branch for branch in getattr(error.kind, "context", None) or [] if branch]
    if branches:
        nearest = min(branches, key=len)[0]
        text += f" (nearest: {_where(nearest)}: {_explain(nearest)})"
    return text


def _where(error: Any) -> str:
    path = "/".join(str(part) for part in error.instance_path)
    return f"/{path}" if path else "the payload"
