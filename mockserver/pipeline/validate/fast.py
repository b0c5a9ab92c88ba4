"""jsonschema-rs's verdict on an instance: whether it is surely valid, in Rust, without naming any failure."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import jsonschema_rs

MAX_CACHED = 512


class FastCheck:
    """One schema compiled by jsonschema-rs (when it can compile it)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._validator = None
        plain = without_components(schema)
        if plain is not None:
            try:
                self._validator = jsonschema_rs.Draft4Validator(plain, validate_formats=True)
            except Exception:  # a schema the Rust validator cannot compile: jsonschema alone
                self._validator = None

    def passes(self, instance: Any) -> bool:
        """True when the instance is valid; False when it is not, or when the Rust validator cannot tell."""
        if self._validator is None:
            return False
        try:
            return bool(self._validator.is_valid(instance))
        except (ValueError, TypeError, OverflowError):  # e.g. integers beyond 64 bits
            return False


_CHECKS: OrderedDict[int, tuple[Mapping[str, Any], FastCheck]] = OrderedDict()


def fast_check(schema: Mapping[str, Any]) -> FastCheck:
    """The :class:`FastCheck` of a schema object, compiled on first use; the :data:`MAX_CACHED` most recent
    are kept (the spec's schemas live as long as the app; tests build many apps)."""
    entry = _CHECKS.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = _CHECKS[id(schema)] = (schema, FastCheck(schema))
        if len(_CHECKS) > MAX_CACHED:
            _CHECKS.popitem(last=False)
    else:
        _CHECKS.move_to_end(id(schema))
    return entry[1]


def without_components(schema: Any, _seen: tuple[int, ...] = ()) -> Any:
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
            copied[key] = without_components(value, seen)
            if copied[key] is None and value is not None:
                return None
        return copied
    if isinstance(schema, list):
        items = [without_components(item, _seen) for item in schema]
        return None if any(i is None and o is not None for i, o in zip(items, schema, strict=True)) else items
    return schema
