"""Enums: values removed from what clients may send, or added to what they may receive.

A client that switches on a response enum has no branch for a new value, so widening a response enum is
breaking; webhook event types are reported by ``hissuno-webhook-event-type-*`` instead (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Finding, Level
from contract.review.align import DocumentPair, SchemaPair
from contract.review.rules.base import (
    REQUEST_SUBJECTS,
    checks,
    code,
    describe,
    on_schema,
    rule,
    schema_pairs,
    subject,
)

_RESPONSE = ("response-property",)
REQUEST_VALUE_REMOVED = checks(REQUEST_SUBJECTS, "enum-value-removed", Level.BREAKING)
REQUEST_BECAME_ENUM = checks(REQUEST_SUBJECTS, "became-enum", Level.BREAKING)
REQUEST_VALUE_ADDED = checks(REQUEST_SUBJECTS, "enum-value-added", Level.INFO)
RESPONSE_VALUE_ADDED = checks(_RESPONSE, "enum-value-added", Level.BREAKING)["response-property"]
RESPONSE_VALUE_REMOVED = checks(_RESPONSE, "enum-value-removed", Level.INFO)["response-property"]


def _values(values: list) -> str:
    return ", ".join(code(value) for value in values)


def _is_event_type(pair: DocumentPair, schema: SchemaPair) -> bool:
    pointers = {side.pointer for side in (schema.base, schema.head) if side is not None}
    return bool(pointers & pair.event_type_pointers)


@rule(
    REQUEST_VALUE_REMOVED["request-property"],
    *REQUEST_BECAME_ENUM.values(),
    *REQUEST_VALUE_REMOVED.values(),
    *REQUEST_VALUE_ADDED.values(),
)
def request_enums(pair: DocumentPair) -> Iterator[Finding]:
    """Removing an accepted value (or restricting a free value to an enum) rejects calls that worked."""
    for schema in schema_pairs(pair, "request"):
        if schema.base is None or schema.head is None or schema.head.enum is None:
            continue
        noun, where = subject(schema), describe(schema)
        if schema.base.enum is None:
            message = f"{where} was restricted to the values {_values(schema.head.enum)}"
            yield on_schema(REQUEST_BECAME_ENUM[noun], pair, schema, message)
            continue
        removed = [value for value in schema.base.enum if value not in schema.head.enum]
        added = [value for value in schema.head.enum if value not in schema.base.enum]
        if removed:
            message = f"removed the enum value(s) {_values(removed)} from {where}"
            yield on_schema(REQUEST_VALUE_REMOVED[noun], pair, schema, message)
        if added:
            message = f"added the enum value(s) {_values(added)} to {where}"
            yield on_schema(REQUEST_VALUE_ADDED[noun], pair, schema, message)


@rule(RESPONSE_VALUE_ADDED, RESPONSE_VALUE_REMOVED)
def response_enums(pair: DocumentPair) -> Iterator[Finding]:
    """A new value in a response enum reaches clients that cannot handle it."""
    for schema in schema_pairs(pair, "response"):
        base, head = schema.base, schema.head
        if base is None or head is None or base.enum is None or head.enum is None:
            continue
        if _is_event_type(pair, schema):
            continue
        where = describe(schema)
        added = [value for value in head.enum if value not in base.enum]
        removed = [value for value in base.enum if value not in head.enum]
        if added:
            message = f"added the enum value(s) {_values(added)} to {where}"
            yield on_schema(RESPONSE_VALUE_ADDED, pair, schema, message)
        if removed:
            message = f"removed the enum value(s) {_values(removed)} from {where}"
            yield on_schema(RESPONSE_VALUE_REMOVED, pair, schema, message)
