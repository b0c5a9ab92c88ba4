"""jsonschema's Draft 4 validator made to cost what the schema's size limits allow, whatever the instance.

An array over its ``maxItems`` is not walked item by item (nor compared pair by pair), an object over its
``maxProperties`` not property by property, a string over its ``maxLength`` not matched against a pattern or
format: the size error is the one reported, and it states the sizes rather than echoing the value (jsonschema
writes out the whole instance). ``uniqueItems`` hashes the items once instead of comparing every pair
(jsonschema compares pairs when the items do not sort, as numbers mixed with strings do not), and ``items``
walks only the items jsonschema-rs does not find valid (one bad row of 500 costs one row's walk).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jsonschema import Draft4Validator, ValidationError, validators

from mockserver.pipeline.validate.fast import fast_check

Keyword = Callable[[Any, Any, Any, dict[str, Any]], Iterator[ValidationError] | None]

SHORT = 60
"""Sizes up to which jsonschema's own message (which shows the value) is kept."""

_SIZES = {  # size keyword: the instance type it bounds, what it counts, and the keywords whose work it bounds
    "maxItems": ("array", "items", ("items", "additionalItems", "uniqueItems")),
    "maxProperties": ("object", "properties", ("properties", "patternProperties", "additionalProperties",
                                               "dependencies")),
    "maxLength": ("string", "characters", ("pattern", "format", "enum")),
}


def too_large(bound: int, size: int, noun: str) -> str:
    return f"Expected at most {bound} {noun}, got {size}"


def size_limit(keyword: Keyword, kind: str, noun: str) -> Keyword:
    """A ``max*`` keyword whose message for a large instance states the sizes instead of showing the value."""

    def check(validator: Any, bound: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if validator.is_type(instance, kind) and len(instance) > max(bound, SHORT):
            yield ValidationError(too_large(bound, len(instance), noun))
            return
        yield from keyword(validator, bound, instance, schema) or ()

    return check


def within_size(keyword: Keyword, size: str, kind: str) -> Keyword:
    """``keyword``, skipped for an instance of ``kind`` larger than the schema's ``size`` keyword allows."""

    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        bound = schema.get(size)
        if bound is not None and validator.is_type(instance, kind) and len(instance) > bound:
            return
        yield from keyword(validator, value, instance, schema) or ()

    return check


def unique_items(validator: Any, unique: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """``uniqueItems`` in one pass: each item reduced to a hashable form in which equal JSON values are equal."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[Any] = set()
    for item in instance:
        key = hashable(item)
        if key in seen:
            yield ValidationError(f"{instance!r} has non-unique elements")
            return
        seen.add(key)


def items(validator: Any, declared: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """Draft 4 ``items``: one schema for every item, or one per position; valid items are not walked."""
    if not validator.is_type(instance, "array"):
        return
    if validator.is_type(declared, "object"):
        check = fast_check(declared)
        for index, item in enumerate(instance):
            if not check.passes(item):
                yield from validator.descend(item, declared, path=index)
    else:
        for index, (item, subschema) in enumerate(zip(instance, declared, strict=False)):
            yield from validator.descend(item, subschema, path=index, schema_path=index)


def hashable(value: Any) -> Any:
    """A hashable stand-in for a JSON value: ``1`` and ``1.0`` alike, ``true`` and ``1`` not (as jsonschema
    compares them), objects regardless of key order."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(hashable(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, hashable(item)) for key, item in value.items()))
    return ("other", repr(value))


def _bounded_keywords() -> dict[str, Keyword]:
    keywords: dict[str, Keyword] = dict(Draft4Validator.VALIDATORS)
    keywords["uniqueItems"] = unique_items
    keywords["items"] = items
    for size, (kind, noun, bounded) in _SIZES.items():
        keywords[size] = size_limit(keywords[size], kind, noun)
        for name in bounded:
            keywords[name] = within_size(keywords[name], size, kind)
    return keywords


BoundedDraft4Validator = validators.extend(Draft4Validator, _bounded_keywords())
"""Draft 4 with the size checks first (see the module's docstring); everything else is jsonschema's own."""
