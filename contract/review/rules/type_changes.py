"""Types, formats and nullability of schema nodes in parameters, request bodies and responses.

Requests may widen (``integer`` to ``number``, a format dropped) and responses may narrow; the opposite
direction, or any unrelated change, breaks clients.
"""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Finding, Level
from contract.review.align import DocumentPair, SchemaView
from contract.review.rules.base import (
    REQUEST_SUBJECTS,
    RESPONSE_SUBJECTS,
    checks,
    describe,
    on_schema,
    rule,
    schema_pairs,
    subject,
)

TYPE_CHANGED = checks(REQUEST_SUBJECTS + RESPONSE_SUBJECTS, "type-changed", Level.BREAKING)
TYPE_GENERALIZED = checks(REQUEST_SUBJECTS, "type-generalized", Level.INFO)
TYPE_SPECIALIZED = checks(RESPONSE_SUBJECTS, "type-specialized", Level.INFO)
BECAME_NOT_NULLABLE = checks(REQUEST_SUBJECTS, "became-not-nullable", Level.BREAKING)
BECAME_NULLABLE = checks(RESPONSE_SUBJECTS, "became-nullable", Level.BREAKING)
REQUEST_BECAME_NULLABLE = checks(REQUEST_SUBJECTS, "became-nullable", Level.INFO)
RESPONSE_BECAME_NOT_NULLABLE = checks(RESPONSE_SUBJECTS, "became-not-nullable", Level.INFO)


def _covers(wide: SchemaView, narrow: SchemaView) -> bool:
    """Every value valid for ``narrow``'s type and format is valid for ``wide``'s."""
    if wide.types:
        for kind in narrow.types or {"any"}:
            if kind not in wide.types and not (kind == "integer" and "number" in wide.types):
                return False
    wide_format = wide.keywords.get("format")
    return wide_format is None or wide_format == narrow.keywords.get("format")


def _shape(schema: SchemaView) -> str:
    kinds = "/".join(sorted(schema.types)) or "any"
    fmt = schema.keywords.get("format")
    return f"{kinds} ({fmt})" if fmt else kinds


@rule(TYPE_CHANGED["request-property"], *TYPE_CHANGED.values(), *TYPE_GENERALIZED.values(), *TYPE_SPECIALIZED.values())
def types_changed(pair: DocumentPair) -> Iterator[Finding]:
    """A changed type or format: compatible only when requests widen or responses narrow."""
    for schema in schema_pairs(pair, "request", "response"):
        base, head = schema.base, schema.head
        if base is None or head is None or _shape(base) == _shape(head):
            continue
        noun = subject(schema)
        if schema.origin == "response":
            check = TYPE_SPECIALIZED[noun] if _covers(base, head) else TYPE_CHANGED[noun]
        else:
            check = TYPE_GENERALIZED[noun] if _covers(head, base) else TYPE_CHANGED[noun]
        message = f"the type of {describe(schema)} changed from {_shape(base)} to {_shape(head)}"
        yield on_schema(check, pair, schema, message)


@rule(
    BECAME_NULLABLE["response-property"],
    *BECAME_NULLABLE.values(),
    *BECAME_NOT_NULLABLE.values(),
    *REQUEST_BECAME_NULLABLE.values(),
    *RESPONSE_BECAME_NOT_NULLABLE.values(),
)
def nullability_changed(pair: DocumentPair) -> Iterator[Finding]:
    """``null`` no longer accepted in a request, or suddenly possible in a response."""
    for schema in schema_pairs(pair, "request", "response"):
        base, head = schema.base, schema.head
        if base is None or head is None or base.nullable == head.nullable:
            continue
        noun = subject(schema)
        if schema.origin == "response":
            check = BECAME_NULLABLE[noun] if head.nullable else RESPONSE_BECAME_NOT_NULLABLE[noun]
        else:
            check = REQUEST_BECAME_NULLABLE[noun] if head.nullable else BECAME_NOT_NULLABLE[noun]
        state = "nullable" if head.nullable else "not nullable"
        yield on_schema(check, pair, schema, f"{describe(schema)} became {state}")
