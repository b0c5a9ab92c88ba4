"""An OpenAPI 3.0 document as OpenAPI 3.1, for tools that read only 3.1.

What changes: ``openapi: 3.1.0``; ``nullable: true`` becomes a ``"null"`` type (and a ``null`` enum value);
boolean ``exclusiveMinimum``/``exclusiveMaximum`` become the numbers they qualified; a schema ``example``
becomes ``examples: [...]``; and webhook deliveries, described as ``callbacks`` of the operation that
registers them, move to the top-level ``webhooks`` that 3.1 has for them.
"""

from __future__ import annotations

import copy
from typing import Any

from contract.pointer import deref
from contract.spec import HTTP_METHODS
from contract.walk import schemas

VERSION = "3.1.0"


def to_openapi_31(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.1 copy of a bundled 3.0 document."""
    converted = copy.deepcopy(document)
    converted["openapi"] = VERSION
    for _, schema in list(schemas(converted)):
        _convert_schema(schema)
    webhooks = _move_callbacks(converted)
    if webhooks:
        converted = _insert_after(converted, "paths", "webhooks", webhooks)
    return converted


def _convert_schema(schema: dict[str, Any]) -> None:
    if schema.pop("nullable", False) is True:
        declared = schema.get("type")
        if isinstance(declared, str):
            schema["type"] = [declared, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"].append(None)
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(exclusive), bool) and schema.pop(exclusive) and bound in schema:
            schema[exclusive] = schema.pop(bound)
    if "example" in schema:
        schema["examples"] = [schema.pop("example")]


def _move_callbacks(document: dict[str, Any]) -> dict[str, Any]:
    """Every callback of every operation, taken out of it, as a webhook named after the callback (and its
    expression when the callback has several)."""
    webhooks: dict[str, Any] = {}
    for item in (document.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict) or not isinstance(operation.get("callbacks"), dict):
                continue
            for name, callback in operation.pop("callbacks").items():
                callback, _ = deref(document, callback, "")
                expressions = callback if isinstance(callback, dict) else {}
                for expression, path_item in expressions.items():
                    webhooks[name if len(expressions) == 1 else f"{name} {expression}"] = path_item
    return webhooks


def _insert_after(document: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for existing, content in document.items():
        result[existing] = content
        if existing == after:
            result[key] = value
    result.setdefault(key, value)
    return result
