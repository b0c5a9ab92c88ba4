"""Webhook deliveries (the ``callbacks`` of ``createWebhook``): the event types subscribers can choose and
the payload their receivers parse. Receivers read the payload like a response, so a removed or retyped
field breaks them."""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair, SchemaPair, webhook_event_types
from contract.review.rules.base import code, found, on_schema, rule

EVENT_TYPE_REMOVED = Check("hissuno-webhook-event-type-removed", Level.BREAKING)
EVENT_TYPE_ADDED = Check("hissuno-webhook-event-type-added", Level.INFO)
PAYLOAD_FIELD_REMOVED = Check("hissuno-webhook-payload-field-removed", Level.BREAKING)
PAYLOAD_FIELD_TYPE_CHANGED = Check("hissuno-webhook-payload-field-type-changed", Level.BREAKING)
PAYLOAD_FIELD_ADDED = Check("hissuno-webhook-payload-field-added", Level.INFO)
DELIVERY_REMOVED = Check("hissuno-webhook-delivery-removed", Level.BREAKING)
DELIVERY_ADDED = Check("hissuno-webhook-delivery-added", Level.INFO)


def _event_types(document: dict) -> tuple[list[str], str | None]:
    values: list[str] = []
    pointer = None
    for _, schema in webhook_event_types(document):
        pointer = pointer or schema.pointer
        values += [value for value in schema.enum or [] if value not in values]
    return values, pointer


@rule(EVENT_TYPE_REMOVED, EVENT_TYPE_ADDED)
def event_types_changed(pair: DocumentPair) -> Iterator[Finding]:
    """An event type subscribers registered for is gone: their subscriptions go silent or fail."""
    before, base_pointer = _event_types(pair.base)
    after, head_pointer = _event_types(pair.head)
    pointer = head_pointer or base_pointer or "/paths"
    removed = [value for value in before if value not in after]
    added = [value for value in after if value not in before]
    if removed:
        message = f"removed the webhook event type(s) {', '.join(map(code, removed))}"
        yield found(EVENT_TYPE_REMOVED, pair, None, pointer, message)
    if added:
        yield found(
            EVENT_TYPE_ADDED, pair, None, pointer, f"added the webhook event type(s) {', '.join(map(code, added))}"
        )


def _payload_change(schema: SchemaPair) -> tuple[Check, str] | None:
    field = code(schema.property.rpartition("/")[2]) if schema.property else "the payload"
    if schema.kind == "root" and (schema.base is None) != (schema.head is None):
        if schema.head is None:
            return DELIVERY_REMOVED, f"removed the {schema.where}"
        return DELIVERY_ADDED, f"added the {schema.where}"
    if schema.kind != "property" and (schema.base is None or schema.head is None):
        return None
    if schema.head is None:
        return PAYLOAD_FIELD_REMOVED, f"removed the field {field} from the webhook payload"
    if schema.base is None:
        return PAYLOAD_FIELD_ADDED, f"added the field {field} to the webhook payload"
    before = (tuple(sorted(schema.base.types)), schema.base.keywords.get("format"), schema.base.nullable)
    after = (tuple(sorted(schema.head.types)), schema.head.keywords.get("format"), schema.head.nullable)
    if before != after:
        return PAYLOAD_FIELD_TYPE_CHANGED, f"the type of {field} in the webhook payload changed"
    return None


@rule(PAYLOAD_FIELD_REMOVED, PAYLOAD_FIELD_TYPE_CHANGED, PAYLOAD_FIELD_ADDED, DELIVERY_REMOVED, DELIVERY_ADDED)
def payload_fields(pair: DocumentPair) -> Iterator[Finding]:
    """Fields of the delivery payload removed, retyped or added (and whole deliveries removed or added)."""
    for schema in pair.schemas:
        if schema.origin != "callback":
            continue
        change = _payload_change(schema)
        if change is not None:
            yield on_schema(change[0], pair, schema, change[1], schema.site)
