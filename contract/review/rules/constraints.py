"""Validation bounds: ``maxLength``, ``minLength``, ``maximum``, ``minimum``, ``maxItems``, ``minItems``,
``pattern``.

Tightening a bound on something clients send rejects calls that used to pass (breaking). Loosening a bound on
something clients receive may hand them values they never planned for (a warning). The other two directions
are compatible.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair, SchemaPair
from contract.review.rules.base import (
    REQUEST_SUBJECTS,
    RESPONSE_SUBJECTS,
    describe,
    on_schema,
    rule,
    schema_pairs,
    subject,
)


@dataclass(frozen=True)
class Bound:
    keyword: str
    slug: str  # oasdiff's spelling in rule ids: max-length, min, max-items...
    upper: bool  # an upper bound narrows by going down; a lower bound by going up


BOUNDS = (
    Bound("maxLength", "max-length", True),
    Bound("minLength", "min-length", False),
    Bound("maximum", "max", True),
    Bound("minimum", "min", False),
    Bound("maxItems", "max-items", True),
    Bound("minItems", "min-items", False),
)


def _movement(bound: Bound, before: float | None, after: float | None) -> tuple[str, bool] | None:
    """``(verb, narrowed)`` for a bound that changed: ``decreased``/``increased``/``set``/``unset``."""
    if before == after:
        return None
    if before is None:
        return "set", True
    if after is None:
        return "unset", False
    verb = "decreased" if after < before else "increased"
    return verb, (after < before) == bound.upper


def _check(noun: str, slug: str, verb: str, level: Level) -> Check:
    return Check(f"{noun}-{slug}-{verb}", level)


def _bound_changes(schema: SchemaPair) -> Iterator[tuple[str, str, str, bool]]:
    """``(slug, verb, description, narrowed)`` for every bound of a pair that moved."""
    assert schema.base is not None and schema.head is not None
    for bound in BOUNDS:
        before, after = schema.base.keywords.get(bound.keyword), schema.head.keywords.get(bound.keyword)
        movement = _movement(bound, before, after)
        if movement is not None:
            verb, narrowed = movement
            yield bound.slug, verb, f"`{bound.keyword}` went from {before} to {after}", narrowed
    before, after = schema.base.keywords.get("pattern"), schema.head.keywords.get("pattern")
    if before != after:
        verb = "added" if before is None else "removed" if after is None else "changed"
        yield "pattern", verb, f"`pattern` went from {before!r} to {after!r}", after is not None


def _both(pair: DocumentPair, origin: str) -> Iterator[SchemaPair]:
    for schema in schema_pairs(pair, origin):
        if schema.base is not None and schema.head is not None:
            yield schema


REQUEST_TIGHTENED = (
    Check("request-property-max-length-decreased", Level.BREAKING),
    *(
        Check(f"{noun}-{b.slug}-{'decreased' if b.upper else 'increased'}", Level.BREAKING)
        for noun in REQUEST_SUBJECTS
        for b in BOUNDS
    ),
    *(Check(f"{noun}-{b.slug}-set", Level.BREAKING) for noun in REQUEST_SUBJECTS for b in BOUNDS),
    *(Check(f"{noun}-pattern-added", Level.BREAKING) for noun in REQUEST_SUBJECTS),
    *(Check(f"{noun}-pattern-changed", Level.WARNING) for noun in REQUEST_SUBJECTS),
)
RESPONSE_LOOSENED = (
    Check("response-property-max-length-increased", Level.WARNING),
    *(
        Check(f"{noun}-{b.slug}-{'increased' if b.upper else 'decreased'}", Level.WARNING)
        for noun in RESPONSE_SUBJECTS
        for b in BOUNDS
    ),
    *(Check(f"{noun}-{b.slug}-unset", Level.WARNING) for noun in RESPONSE_SUBJECTS for b in BOUNDS),
)


@rule(*REQUEST_TIGHTENED)
def request_constraints(pair: DocumentPair) -> Iterator[Finding]:
    """Tightened request bounds are breaking (a changed pattern only warns: it may still be wider)."""
    for schema in _both(pair, "request"):
        for slug, verb, detail, narrowed in _bound_changes(schema):
            if slug == "pattern" and verb == "changed":
                level = Level.WARNING
            else:
                level = Level.BREAKING if narrowed else Level.INFO
            check = _check(subject(schema), slug, verb, level)
            yield on_schema(check, pair, schema, f"for {describe(schema)}, {detail}")


@rule(*RESPONSE_LOOSENED)
def response_constraints(pair: DocumentPair) -> Iterator[Finding]:
    """Loosened response bounds warn: clients may hold the old limit (a buffer size, a validation)."""
    for schema in _both(pair, "response"):
        for slug, verb, detail, narrowed in _bound_changes(schema):
            if not narrowed:
                check = _check(subject(schema), slug, verb, Level.WARNING)
                yield on_schema(check, pair, schema, f"for {describe(schema)}, {detail}")
