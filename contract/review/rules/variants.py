"""``oneOf``/``anyOf`` variants: a request shape no longer accepted, or a response shape clients never saw."""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair
from contract.review.rules.base import code, on_schema, rule, schema_pairs

REQUEST_VARIANT_REMOVED = Check("request-property-one-of-removed", Level.BREAKING)
REQUEST_VARIANT_ADDED = Check("request-property-one-of-added", Level.INFO)
RESPONSE_VARIANT_ADDED = Check("response-property-one-of-added", Level.WARNING)
RESPONSE_VARIANT_REMOVED = Check("response-property-one-of-removed", Level.INFO)


@rule(REQUEST_VARIANT_REMOVED, REQUEST_VARIANT_ADDED, RESPONSE_VARIANT_ADDED, RESPONSE_VARIANT_REMOVED)
def variants_changed(pair: DocumentPair) -> Iterator[Finding]:
    """Variants are matched by the component they reference (by position when inline)."""
    for schema in schema_pairs(pair, "request", "response"):
        if schema.kind != "variant" or (schema.base is None) == (schema.head is None):
            continue
        parent, _, name = schema.property.rpartition("/")
        owner, _, combinator = parent.rpartition("/")
        where = code(owner.rpartition("/")[2]) if owner else f"the {schema.where}"
        added = schema.base is None
        if schema.origin == "response":
            check = RESPONSE_VARIANT_ADDED if added else RESPONSE_VARIANT_REMOVED
        else:
            check = REQUEST_VARIANT_ADDED if added else REQUEST_VARIANT_REMOVED
        verb = "added the" if added else "removed the"
        message = f"{verb} {combinator} variant {code(name)} {'to' if added else 'from'} {where}"
        yield on_schema(check, pair, schema, message)
