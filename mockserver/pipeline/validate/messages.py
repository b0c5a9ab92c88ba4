"""jsonschema errors turned into the contract's ``details``: ``{"field", "message"}``, short and sorted."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema import ValidationError

from mockserver.pipeline.validate.bounded import too_large

_LONG = 60


def _bounded_repr() -> reprlib.Repr:
    """``repr`` that stops writing a value once it is longer than :data:`_LONG` characters."""
    limits = reprlib.Repr()
    for name in ("maxlevel", "maxtuple", "maxlist", "maxarray", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
        setattr(limits, name, _LONG)
    limits.maxstring = limits.maxlong = limits.maxother = _LONG + 1
    return limits


_BOUNDED_REPR = _bounded_repr()
MAX_DETAILS = 100


def field_name(path: Iterable[Any], fallback: str = "body") -> str:
    parts = [str(part) for part in path]
    return ".".join(parts) if parts else fallback


def _fits(value: Any) -> bool:
    """Whether ``repr(value)`` is at most :data:`_LONG` characters, told without writing out a long value."""
    return len(_BOUNDED_REPR.repr(value)) <= _LONG


def _short(value: Any) -> str:
    text = _BOUNDED_REPR.repr(value)
    return text if len(text) <= _LONG else text[: _LONG - 3] + "..."


def error_message(error: ValidationError) -> str:
    """jsonschema's message, unless it would echo a long value back (a 501-item list, a 10 kB string)."""
    if _fits(error.instance):
        return error.message
    value, instance = error.validator_value, error.instance
    size = len(instance) if isinstance(instance, (str, list, dict)) else None
    rewrites = {
        "maxItems": too_large(value, size, "items"),
        "minItems": f"Expected at least {value} items, got {size}",
        "maxLength": too_large(value, size, "characters"),
        "minLength": f"Expected at least {value} characters, got {size}",
        "maxProperties": too_large(value, size, "properties"),
        "pattern": f"Does not match {value!r}",
        "type": f"{_short(instance)} is not of type {value!r}",
        "enum": f"{_short(instance)} is not one of {value!r}",
        "format": f"{_short(instance)} is not a valid {value}",
    }
    return rewrites.get(str(error.validator), error.message if len(error.message) <= 200 else
                        f"{_short(instance)} is not valid")


def _branch_errors(error: ValidationError) -> list[ValidationError] | None:
    """For a failed ``oneOf``/``anyOf`` with a ``discriminator``, the errors of the branch the body chose.

    Returns ``None`` when no branch accepts the discriminator value (the caller reports that field).
    """
    discriminator = (error.schema.get("discriminator") or {}).get("propertyName")
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    if not discriminator:
        return min(branches.values(), key=len) if branches else []
    chosen = [
        errors for errors in branches.values()
        if not any(list(sub.relative_path) == [discriminator] for sub in errors)
    ]
    return chosen[0] if len(chosen) == 1 else None


def _discriminator_values(error: ValidationError, name: str) -> list[Any]:
    values: list[Any] = []
    for branch in error.validator_value or ():
        values.extend(((branch.get("properties") or {}).get(name) or {}).get("enum") or ())
    return values


def describe(errors: Iterable[ValidationError], prefix: Iterable[Any] = ()) -> list[dict[str, str]]:
    """Every failing field as ``{"field": "customers.3.email", "message": "..."}``, sorted by field."""
    details: list[dict[str, str]] = []
    for error in _flatten(errors):
        path = [*prefix, *error.absolute_path]
        if error.validator == "required":
            missing = re.match(r"^'(.+)' is a required property$", error.message)
            if missing:
                path.append(missing.group(1))
        details.append({"field": field_name(path), "message": error_message(error)})
    unique = {(item["field"], item["message"]): item for item in details}
    return sorted(unique.values(), key=lambda item: (item["field"], item["message"]))


def _flatten(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            chosen = _branch_errors(error)
            if chosen is None:
                name = error.schema["discriminator"]["propertyName"]
                value = error.instance.get(name) if isinstance(error.instance, dict) else None
                if value is None and isinstance(error.instance, dict):
                    message = f"'{name}' is a required property"
                else:
                    message = f"{_short(value)} is not one of {_discriminator_values(error, name)!r}"
                yield ValidationError(message, path=[*error.absolute_path, name], validator="enum",
                                      instance=value)
                continue
            if chosen:
                yield from _flatten(chosen)
                continue
        yield error


def at_most(details: list[dict[str, str]], complete: bool, limit: int = MAX_DETAILS) -> list[dict[str, str]]:
    """The first ``limit`` details, then one ``body`` entry saying how many more were found (``at least`` when
    the search stopped before the end: ``complete`` is false)."""
    if complete and len(details) <= limit:
        return details
    listed = details[:limit]
    more = max(len(details) - len(listed), 1)
    return [*listed, {"field": "body", "message": f"And {'' if complete else 'at least '}{more} more not listed."}]
