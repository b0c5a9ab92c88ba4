"""Compiled JSON schemas, one per schema object for the life of an app: a validator is never built per request."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import Any

from jsonschema import FormatChecker, ValidationError

from mockserver.pipeline.validate.bounded import BoundedDraft4Validator
from mockserver.pipeline.validate.fast import FastCheck
from mockserver.pipeline.validate.formats import format_checker

MAX_ERRORS = 500
"""The most failures one instance is searched for: naming each costs tens of microseconds, and a 5 MiB body
could hold hundreds of thousands."""


class SchemaCheck:
    """One schema, compiled twice: a fast validity test (jsonschema-rs, :mod:`~mockserver.pipeline.validate.fast`)
    and jsonschema's error reporting (bounded: :mod:`~mockserver.pipeline.validate.bounded`), consulted only
    when the fast test fails, to name the failing fields.

    :func:`format_checker` asks jsonschema-rs for every format, so both give the same verdicts. A schema the
    Rust validator cannot compile is left to jsonschema alone.
    """

    def __init__(self, schema: Mapping[str, Any], checker: FormatChecker) -> None:
        self.python = BoundedDraft4Validator(schema, format_checker=checker)
        self.fast = FastCheck(schema)

    def errors(self, instance: Any, limit: int = MAX_ERRORS) -> list[ValidationError]:
        """The first ``limit`` failures (none for a valid instance)."""
        if self.fast.passes(instance):
            return []
        return list(islice(self.python.iter_errors(instance), limit))


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
