"""Is the bundle an OpenAPI document at all: references that lead somewhere, no reference cycles, the official
JSON schema, and openapi-spec-validator's verdict.

openapi-spec-validator reports where a problem is only for the JSON-schema part of its work, and then with
the whole offending object as the message; so ``oas3-schema`` runs the same official schema (the copy the
library ships) with jsonschema's ``best_match``, which names the deepest failing keyword at its pointer.
The library itself runs last, as a gate: whatever it still refuses is an ``openapi-spec-validator`` finding.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError, best_match
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ParameterDuplicateError,
    UnresolvableParameterError,
)

from contract.lint.rules import Places, rule
from contract.pointer import MAX_HOPS, join, lookup, pointer, split
from contract.spec import dangling_refs, refs

_ROOT_KEYS = frozenset({"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs",
                        "webhooks", "jsonSchemaDialect"})
_COVERED = (DuplicateOperationIDError, ParameterDuplicateError, UnresolvableParameterError)  # rules of our own
_APPLICATORS = ("allOf", "anyOf", "oneOf", "not")


def is_30(document: dict[str, Any]) -> bool:
    return str(document.get("openapi", "")).startswith("3.0")


@rule("invalid-ref", summary="every `$ref` leads to a node of the document or `components.yaml`", family="openapi")
def invalid_ref(document: dict[str, Any]) -> Places:
    for where, ref in dangling_refs(document):
        if not ref.startswith("#"):
            yield join(where, "$ref"), f"{ref!r}: only references into components.yaml or this document are read"
            continue
        yield join(where, "$ref"), f"{ref!r} leads nowhere{_did_you_mean(document, ref)}"


def _did_you_mean(document: dict[str, Any], ref: str) -> str:
    parts = split(ref[1:])
    if len(parts) < 2:
        return ""
    parent = lookup(document, pointer(*parts[:-1]))
    if not isinstance(parent, dict):
        return ""
    close = difflib.get_close_matches(parts[-1], [str(key) for key in parent], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@rule("circular-ref", summary="no `$ref` chain or `allOf`/`anyOf`/`oneOf` leads back to where it started",
      family="openapi")
def circular_ref(document: dict[str, Any]) -> Places:
    reported: set[str] = set()
    places: set[str] = set()
    for where, ref in refs(document):
        cycle = _alias_cycle(document, ref)
        if cycle and min(cycle) not in reported:
            reported.add(min(cycle))
            places.add(join(where, "$ref"))
            yield join(where, "$ref"), f"{ref!r} is a reference to a reference that leads back to itself"
    for where, message in _applicator_cycles(document):
        if where not in places:  # an alias cycle is one already
            yield where, message


def _alias_cycle(document: dict[str, Any], ref: str) -> list[str]:
    """The references of a chain of ``$ref`` nodes that comes back to itself, or ``[]``."""
    seen: list[str] = []
    for _ in range(MAX_HOPS):
        if not ref.startswith("#") or ref in seen:
            return seen if ref in seen else []
        seen.append(ref)
        node = lookup(document, ref)
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            return []
        ref = node["$ref"]
    return seen


def _applicator_refs(node: Any, where: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """``(pointer of the $ref, target)`` for the references a schema applies to the same value (its own
    ``$ref`` and those in ``allOf``/``anyOf``/``oneOf``/``not``, nested), not through properties or items."""
    if not isinstance(node, dict) or depth > 64:
        return
    if isinstance(node.get("$ref"), str):
        yield join(where, "$ref"), node["$ref"]
    for keyword in _APPLICATORS:
        branches = node.get(keyword)
        branches = [branches] if keyword == "not" else branches
        for index, branch in enumerate(branches if isinstance(branches, list) else []):
            at = join(where, keyword) if keyword == "not" else join(where, keyword, index)
            yield from _applicator_refs(branch, at, depth + 1)


def _applicator_cycles(document: dict[str, Any]) -> Places:
    """Component schemas that include themselves through ``allOf``/``anyOf``/``oneOf``/``not``: validating any
    value against one never ends."""
    components = document.get("components")
    found = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(found, dict):
        return
    prefix = "#/components/schemas/"
    edges = {
        str(name): [(at, target[len(prefix):]) for at, target in _applicator_refs(schema, join("", "components",
                    "schemas", name)) if target.startswith(prefix) and target.count("/") == 3]
        for name, schema in found.items()
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(edges):
        yield from _visit(start, edges, state, [])


def _visit(name: str, edges: dict[str, list[tuple[str, str]]], state: dict[str, int], path: list[str]) -> Places:
    if state.get(name) == 2 or len(path) > 256:
        return
    state[name] = 1
    for at, target in edges.get(name, []):
        if state.get(target) == 1:
            earlier = path[path.index(target):] if target in path else []
            loop = " → ".join([*earlier, name, target])
            yield at, f"the schema includes itself through allOf/anyOf/oneOf/not ({loop}): no value can be checked"
        elif target in edges:
            yield from _visit(target, edges, state, [*path, name])
    state[name] = 2


@cache
def _openapi_30_schema() -> dict[str, Any]:
    resource = files("openapi_spec_validator").joinpath("resources/schemas/v3.0/schema.json")
    return json.loads(resource.read_text(encoding="utf-8"))


@rule("oas3-schema", summary="the document is valid against the official OpenAPI 3.0 JSON schema", family="openapi")
def oas3_schema(document: dict[str, Any]) -> Places:
    if not is_30(document):
        return
    seen: set[tuple[str, str]] = set()
    for error in Draft4Validator(_openapi_30_schema()).iter_errors(document):
        for where, message in _explained(error):
            if (where, message) not in seen:
                seen.add((where, message))
                yield where, message


def _explained(error: ValidationError) -> Iterator[tuple[str, str]]:
    """The deepest reason jsonschema gives, at its pointer; an unexpected key at that key."""
    best, message = _deepest(best_match([error]))
    where = pointer(*best.absolute_path)
    if best.validator == "additionalProperties" and isinstance(best.instance, dict):
        allowed = best.schema.get("properties", {}) if isinstance(best.schema, dict) else {}
        patterns = list((best.schema.get("patternProperties") or {}) if isinstance(best.schema, dict) else [])
        for key in best.instance:
            if key not in allowed and not any(re.search(pattern, str(key)) for pattern in patterns):
                yield join(where, key), f"{key!r} is not a field of this object (a typo? extensions start with x-)"
        return
    yield where, message or _short(best)


def _deepest(error: ValidationError, depth: int = 0) -> tuple[ValidationError, str | None]:
    """Through a ``oneOf``/``anyOf`` failure to the reason that matters: the branches' deepest errors, leaving
    out "is not a ``$ref``" for an object that is none; alike ``enum`` failures are merged into one list."""
    if error.validator not in ("oneOf", "anyOf") or not error.context or depth > 16:
        return error, None
    candidates = [c for c in error.context if not (c.validator == "required" and c.validator_value == ["$ref"])]
    if not candidates:
        return error, None
    deepest_length = max(len(c.absolute_path) for c in candidates)
    deepest = [c for c in candidates if len(c.absolute_path) == deepest_length]
    if len(deepest) > 1 and all(c.validator == "enum" and c.absolute_path == deepest[0].absolute_path for c in deepest):
        allowed = [value for c in deepest for value in c.validator_value]
        return deepest[0], f"{deepest[0].instance!r} is not one of {allowed}"
    return _deepest(best_match(deepest), depth + 1)


def _short(error: ValidationError) -> str:
    """jsonschema's message with a long value replaced by what it is."""
    shown = repr(error.instance)
    if len(shown) <= 60:
        return error.message
    kind = {dict: "this object", list: "this list", str: "this text"}.get(type(error.instance), "this value")
    return error.message.replace(shown, kind)


@rule("openapi-spec-validator", summary="openapi-spec-validator accepts the bundled document", family="openapi")
def spec_validator(document: dict[str, Any]) -> Places:
    """Run last, and only on a document the other OpenAPI rules found nothing in (see the module docstring)."""
    validator = OpenAPIV30SpecValidator if is_30(document) else OpenAPIV31SpecValidator
    try:
        for error in validator(document).iter_errors():
            if isinstance(error, _COVERED):
                continue
            path = [str(part) for part in error.absolute_path]
            if is_30(document) and path and path[0] in _ROOT_KEYS:
                continue  # the JSON schema's part: oas3-schema reports it
            where = pointer(*path) if path and path[0] in _ROOT_KEYS else "/"
            yield where, _short(error) if isinstance(error, ValidationError) else str(error)
    except RecursionError:
        yield "/", "openapi-spec-validator could not finish: the document refers to itself without end"
