"""Path, query and header parameters: parsed to their declared types, validated, every wrong one in one 400."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from connexion.uri_parsing import OpenAPIURIParser
from starlette.datastructures import Headers
from starlette.types import Scope

from mockserver.pipeline.errors import ApiError, bad_request
from mockserver.pipeline.validate.messages import error_message
from mockserver.pipeline.validate.schemas import SchemaCheck, ValidatorCache


class ParameterValidator:
    """Validates every path, query and header parameter, reports them all, and returns the parsed values.

    Built once per operation; Connexion's URI parser turns the raw strings into the declared types (arrays,
    integers, booleans), the compiled schemas come from the app-wide :class:`ValidatorCache`.
    """

    def __init__(self, parameters: list[dict[str, Any]], uri_parser: Any, *, cache: ValidatorCache) -> None:
        self.uri_parser = uri_parser
        self._declared = [
            _Declared(param["in"], param["name"], param.get("schema", {}), bool(param.get("required")),
                      cache.check(param.get("schema", {})))
            for param in parameters if param["in"] in ("path", "query", "header")
        ]

    def validate(self, scope: Scope, path_params: Mapping[str, str]) -> dict[str, Any]:
        """The operation's parameters, parsed and defaulted; a 400 naming every one that is wrong."""
        values: dict[str, Any] = {}
        problems: list[dict[str, str]] = []
        loaded: dict[str, Any] = {}
        for param in self._declared:
            where, name = param.where, param.name
            source = loaded.get(where)
            if source is None:
                source = loaded[where] = self._source(where, scope, path_params)
            value = source.get(name)
            if value is None:
                if "default" in param.schema:
                    values[name] = param.schema["default"]
                elif param.required:
                    problems.append({"field": name, "message": f"Missing {where} parameter '{name}'",
                                     "in": where})
                continue
            errors = param.check.errors(value, limit=1)
            if errors:
                problems.append({"field": name, "message": error_message(errors[0]), "in": where})
            else:
                values[name] = value
        if problems:
            raise parameter_error(problems)
        return values

    def _source(self, where: str, scope: Scope, path_params: Mapping[str, str]) -> Mapping[str, Any]:
        if where == "path":
            return self.uri_parser.resolve_path(dict(path_params))
        if where == "query":
            return self.uri_parser.resolve_query(_query_lists(scope.get("query_string", b"")))
        return Headers(scope=scope)


@dataclass(frozen=True, slots=True)
class _Declared:
    """One declared parameter, with its compiled schema."""

    where: str
    name: str
    schema: Mapping[str, Any]
    required: bool
    check: SchemaCheck


def _query_lists(raw: bytes) -> dict[str, list[str]]:
    """The query string as Starlette reads it (blank values kept), grouped by name for Connexion's parser."""
    if not raw:
        return {}
    grouped: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise bad_request("Query string is not valid UTF-8.") from None
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def parameter_error(problems: list[dict[str, str]]) -> ApiError:
    details = [{"field": p["field"], "message": p["message"]} for p in problems]
    if len(problems) == 1:
        p = problems[0]
        message = p["message"].rstrip(".")
        if message.startswith("Missing "):
            return bad_request(message + ".", details)
        return bad_request(f"Invalid {p['in']} parameter '{p['field']}': {message}.", details)
    names = ", ".join(p["field"] for p in problems)
    return bad_request(f"Invalid parameters: {names}.", details)


NUMERALS = {
    "integer": re.compile(r"-?[0-9]+"),
    "number": re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?"),
}
"""What a numeric parameter may be written as: ASCII digits, as in JSON. Python's ``int()`` and ``float()``
also take other scripts' digits, signs, spaces, underscores, ``nan`` and ``inf``."""


class PreparedURIParser(OpenAPIURIParser):
    """Connexion's OpenAPI URI parser with what it recomputed on every request computed once, and numbers
    read strictly.

    Its ``param_schemas`` is a property that builds a new dict on each access (several per request), and
    ``resolve_query`` looks for ``deepObject`` parameters even in an operation that declares none. A value
    that is not a :data:`NUMERALS` number is left a string, for validation to refuse.
    """

    def __init__(self, param_defns: Any, body_defn: Any) -> None:
        super().__init__(param_defns, body_defn)
        self._schemas = {name: defn.get("schema", {}) for name, defn in self.param_defns.items()}
        self._deep_objects = any(self._is_deep_object_style_param(name) for name in self.param_defns)
        self._numerals = {name: NUMERALS[schema["type"]] for name, schema in self._schemas.items()
                          if schema.get("type") in NUMERALS}

    def resolve_params(self, params: dict[str, Any], _in: str) -> dict[str, Any]:
        resolved = super().resolve_params(params, _in)
        for name, numeral in self._numerals.items():
            if name in params:
                raw = params[name] if _in == "path" else params[name][-1]
                if isinstance(raw, str) and not numeral.fullmatch(raw):
                    resolved[name] = raw
        return resolved

    @property
    def param_schemas(self) -> dict[str, Any]:
        return self._schemas

    def resolve_query(self, query_data: dict[str, list[str]]) -> dict[str, Any]:
        if self._deep_objects:
            query_data = self._preprocess_deep_objects(query_data)
        return self.resolve_params(query_data, "query")
