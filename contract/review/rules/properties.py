"""Object properties of request and response bodies: added, removed, made required or optional."""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair, SchemaPair
from contract.review.rules.base import describe, on_schema, rule, schema_pairs

REQUIRED_REQUEST_PROPERTY_ADDED = Check("new-required-request-property", Level.BREAKING)
OPTIONAL_REQUEST_PROPERTY_ADDED = Check("new-optional-request-property", Level.INFO)
REQUIRED_RESPONSE_PROPERTY_ADDED = Check("response-required-property-added", Level.INFO)
OPTIONAL_RESPONSE_PROPERTY_ADDED = Check("response-optional-property-added", Level.INFO)
REQUEST_PROPERTY_REMOVED = Check("request-property-removed", Level.WARNING)
REQUIRED_RESPONSE_PROPERTY_REMOVED = Check("response-required-property-removed", Level.BREAKING)
OPTIONAL_RESPONSE_PROPERTY_REMOVED = Check("response-optional-property-removed", Level.BREAKING)
REQUEST_PROPERTY_BECAME_REQUIRED = Check("request-property-became-required", Level.BREAKING)
REQUEST_PROPERTY_BECAME_OPTIONAL = Check("request-property-became-optional", Level.INFO)
RESPONSE_PROPERTY_BECAME_OPTIONAL = Check("response-property-became-optional", Level.BREAKING)
RESPONSE_PROPERTY_BECAME_REQUIRED = Check("response-property-became-required", Level.INFO)


def _properties(pair: DocumentPair) -> Iterator[SchemaPair]:
    for schema in schema_pairs(pair, "request", "response"):
        if schema.kind == "property":
            yield schema


def _is_response(schema: SchemaPair) -> bool:
    return schema.origin == "response"


@rule(REQUIRED_RESPONSE_PROPERTY_REMOVED, OPTIONAL_RESPONSE_PROPERTY_REMOVED, REQUEST_PROPERTY_REMOVED)
def properties_removed(pair: DocumentPair) -> Iterator[Finding]:
    """A response field clients read is gone; a request field they send is now ignored (a warning)."""
    for schema in _properties(pair):
        if schema.base is None or schema.head is not None:
            continue
        if _is_response(schema):
            required = schema.base_required
            check = REQUIRED_RESPONSE_PROPERTY_REMOVED if required else OPTIONAL_RESPONSE_PROPERTY_REMOVED
            kind = "required " if required else "optional "
        else:
            check, kind = REQUEST_PROPERTY_REMOVED, ""
        yield on_schema(check, pair, schema, f"removed the {kind}property {describe(schema)}", schema.site)


@rule(
    REQUIRED_REQUEST_PROPERTY_ADDED,
    OPTIONAL_REQUEST_PROPERTY_ADDED,
    REQUIRED_RESPONSE_PROPERTY_ADDED,
    OPTIONAL_RESPONSE_PROPERTY_ADDED,
)
def properties_added(pair: DocumentPair) -> Iterator[Finding]:
    """A new required request field breaks every existing call; anything else added is a minor change."""
    for schema in _properties(pair):
        if schema.base is not None or schema.head is None:
            continue
        required = schema.head_required
        if _is_response(schema):
            check = REQUIRED_RESPONSE_PROPERTY_ADDED if required else OPTIONAL_RESPONSE_PROPERTY_ADDED
        else:
            check = REQUIRED_REQUEST_PROPERTY_ADDED if required else OPTIONAL_REQUEST_PROPERTY_ADDED
        kind = "required" if required else "optional"
        yield on_schema(check, pair, schema, f"added the {kind} property {describe(schema)}", schema.site)


def _requiredness_check(schema: SchemaPair) -> Check | None:
    before, after = schema.base_required, schema.head_required
    if before == after:
        return None
    if _is_response(schema):
        return RESPONSE_PROPERTY_BECAME_REQUIRED if after else RESPONSE_PROPERTY_BECAME_OPTIONAL
    return REQUEST_PROPERTY_BECAME_REQUIRED if after else REQUEST_PROPERTY_BECAME_OPTIONAL


@rule(
    REQUEST_PROPERTY_BECAME_REQUIRED,
    RESPONSE_PROPERTY_BECAME_OPTIONAL,
    REQUEST_PROPERTY_BECAME_OPTIONAL,
    RESPONSE_PROPERTY_BECAME_REQUIRED,
)
def requiredness_changed(pair: DocumentPair) -> Iterator[Finding]:
    """Required in requests narrows what clients may send; optional in responses widens what they get."""
    for schema in _properties(pair):
        if schema.base is None or schema.head is None:
            continue
        check = _requiredness_check(schema)
        if check is not None:
            state = "required" if schema.head_required else "optional"
            message = f"the property {describe(schema)} became {state}"
            yield on_schema(check, pair, schema, message, schema.site)
