"""Every Schema Object of an OpenAPI document, each with its JSON pointer.

Rules about schemas (``nullable`` needs a ``type``, an array needs ``items``, examples and defaults match their
schema) must see each schema where it is written, nested ones included, and never mistake an example's value
for a schema; this walk is the one place that knows where schemas sit in OpenAPI 3.0 and 3.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contract.pointer import join

SchemaSite = tuple[str, dict[str, Any]]  # (pointer, schema)

_SUBSCHEMA = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs")
_VALUES = frozenset({"example", "examples", "default", "enum", "const", "value"})  # data, not structure
_MAX_DEPTH = 200


def schemas(document: Any) -> Iterator[SchemaSite]:
    """Every schema of ``document``, outermost first; ``$ref`` nodes are yielded but not followed."""
    yield from _structure(document, "", 0)


def examples_holders(document: Any) -> Iterator[SchemaSite]:
    """Every Media Type, Parameter and Header object that has a ``schema`` and an ``example`` or ``examples``:
    the places whose examples must match their schema."""
    pending: list[tuple[Any, str, int]] = [(document, "", 0)]
    while pending:
        node, pointer, depth = pending.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, dict):
            if isinstance(node.get("schema"), dict) and ("example" in node or "examples" in node):
                yield pointer, node
            for key, value in node.items():
                structural = key not in _VALUES and key != "schema" and not str(key).startswith("x-")
                if structural and not (key == "schemas" and pointer == "/components"):
                    pending.append((value, join(pointer, key), depth + 1))
        elif isinstance(node, list):
            pending.extend((value, join(pointer, index), depth + 1) for index, value in enumerate(node))


def _structure(node: Any, pointer: str, depth: int) -> Iterator[SchemaSite]:
    """Walk OpenAPI structure (not a schema) looking for the places schemas hang."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            where = join(pointer, key)
            if key == "schema" or (key == "schemas" and pointer == "/components"):
                yield from (_schema(value, where, depth + 1) if key == "schema" else _each(value, where, depth))
            elif key not in _VALUES and not str(key).startswith("x-"):
                yield from _structure(value, where, depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _structure(value, join(pointer, index), depth + 1)


def _each(mapping: Any, pointer: str, depth: int) -> Iterator[SchemaSite]:
    if isinstance(mapping, dict):
        for name, value in mapping.items():
            yield from _schema(value, join(pointer, name), depth + 1)


def _schema(node: Any, pointer: str, depth: int) -> Iterator[SchemaSite]:
    if not isinstance(node, dict) or depth > _MAX_DEPTH:
        return
    yield pointer, node
    for key in _SUBSCHEMA:
        if isinstance(node.get(key), dict):
            yield from _schema(node[key], join(pointer, key), depth + 1)
    for key in _SUBSCHEMA_LISTS:
        if isinstance(node.get(key), list):
            for index, value in enumerate(node[key]):
                yield from _schema(value, join(pointer, key, index), depth + 1)
    for key in _SUBSCHEMA_MAPS:
        yield from _each(node.get(key), join(pointer, key), depth)
