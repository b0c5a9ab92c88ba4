"""Compiled JSON schemas, one per schema object for the life of an app: a validator is never built per request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema_rs
from jsonschema import Draft4Validator, FormatChecker, ValidationError

from mockserver.pipeline.validate.formats import format_checker


class SchemaCheck:
    """One schema, compiled twice: a fast validity test (jsonschema-rs) and jsonschema's error reporting,
    consulted only when the fast test fails (to name every failing field).

    :func:`format_checker` asks jsonschema-rs for every format, so both give the same verdicts. A schema
    the Rust validator cannot compile is left to jsonschema alone.
    """

    def __init__(self, schema: Mapping[str, Any], checker: FormatChecker) -> None:
        self.python = Draft4Validator(schema, format_checker=checker)
        self.fast = None
        plain = _without_components(schema)
        if plain is not None:
            try:
                self.fast = jsonschema_rs.Draft4Validator(plain, validate_formats=True)
            except Exception:  # a schema the Rust validator cannot compile: jsonschema alone
                self.fast = None

    def errors(self, instance: Any) -> list[ValidationError]:
        if self.fast is not None:
            try:
                if self.fast.is_valid(instance):
                    return []
            except (ValueError, TypeError, OverflowError):  # e.g. integers beyond 64 bits
                pass
        return list(self.python.iter_errors(instance))


def _without_components(schema: Any, _seen: tuple[int, ...] = ()) -> Any:
    """A copy of a resolved schema without the ``components`` Connexion attaches to body schemas.

    Connexion inlines every ``$ref`` and then hangs the (resolved, so self-referencing) components on
    the body schema; the Rust validator would walk that cycle. ``None`` if a real cycle remains.
    """
    if isinstance(schema, dict):
        if id(schema) in _seen:
            return None
        seen = (*_seen, id(schema))
        copied = {}
        for key, value in schema.items():
            if key == "components":
                continue
            copied[key] = _without_components(value, seen)
            if copied[key] is None and value is not None:
                return None
        return copied
    if isinstance(schema, list):
        items = [_without_components(item, _seen) for item in schema]
        return None if any(i is None and o is not None for i, o in zip(items, schema, strict=True)) else items
    return schema


class ValidatorCache:
    """Compiled validators per schema object, for the life of one app (schemas live as long as it does)."""

    def __init__(self) -> None:
        self._checks: dict[int, tuple[Any, SchemaCheck]] = {}
        self.format_checker = format_checker()

    def check(self, schema: Mapping[str, Any]) -> SchemaCheck:
        entry = self._checks.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = (schema, SchemaCheck(schema, self.format_checker))
            self._checks[id(schema)] = entry
        return entry[1]
