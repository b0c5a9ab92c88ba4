"""Request validation (400, 422) that reports every failing field and never turns bad input into a 500.

Connexion 3's own validators stop at the first error, answer a schema failure with 400 (the contract says
422), crash on a body that is not UTF-8, and rebuild a JSON-schema validator on every request. The
:class:`OperationValidator` here keeps Connexion's order (parameters, then content type, then body) and its
URI parsing and content-type rules, but collects all errors, compiles each schema once, and hands the parsed
parameters and body to the handler so nothing is parsed twice.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

import orjson
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.operations import AbstractOperation
from connexion.uri_parsing import OpenAPIURIParser
from connexion.utils import split_content_type
from jsonschema import Draft4Validator, FormatChecker, ValidationError
from starlette.datastructures import Headers
from starlette.types import Receive, Scope

from mockserver.pipeline.errors import ApiError, bad_request, validation_failed

try:
    import jsonschema_rs as _jsonschema_rs
except ImportError:  # pragma: no cover - installed with Schemathesis
    _jsonschema_rs = None

MAX_JSON_DEPTH = 64
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL = re.compile(rf'{_ATEXT}+(?:\.{_ATEXT}+)*|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"')
_ADDRESS_LITERAL = re.compile(r"\[[\x21-\x5a\x5e-\x7e]+\]")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"(?=.{{1,253}}\Z){_LABEL}(\.{_LABEL})*")
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_URI = re.compile(rf"""^[A-Za-z][A-Za-z0-9+.\-]*:                      # scheme
    (?://(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{{2}})*@)?     # //userinfo@
         (?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\]
           |(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{{2}})*)       # host
         (?::[0-9]*)?                                                 # :port
         (?:/{_PCHAR}*)*                                              # path-abempty
      |(?:/?{_PCHAR}+(?:/{_PCHAR}*)*)?                                 # path-absolute, -rootless, -empty
    )
    (?:\?(?:{_PCHAR}|[/?])*)?                                         # ?query
    (?:\#(?:{_PCHAR}|[/?])*)?$                                        # #fragment
""", re.VERBOSE)


def is_email(value: str) -> bool:
    """An RFC 5321 mailbox (dot-atom or quoted local part, host name or address literal).

    Punycode labels must start with a lowercase ``xn--`` and decode to letters, marks and digits: the same
    verdicts as the Rust validator Schemathesis checks responses with.
    """
    local, at, domain = value.rpartition("@")
    if not at or len(local) > 64 or not _LOCAL.fullmatch(local):
        return False
    if _ADDRESS_LITERAL.fullmatch(domain):
        return True
    return is_hostname(domain) and all(_valid_a_label(label) for label in domain.split("."))


def _valid_a_label(label: str) -> bool:
    """IDNA: hyphens in the third and fourth places are reserved for ``xn--`` (punycode) labels."""
    if label[:4].lower() != "xn--":
        return label[2:4] != "--"
    if not label.startswith("xn--"):
        return False
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return False
    return bool(decoded) and all(c == "-" or unicodedata.category(c)[0] in "LMN" for c in decoded)


def is_hostname(value: str) -> bool:
    """RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, at most 253 long."""
    return bool(_HOSTNAME.fullmatch(value))


def format_checker() -> FormatChecker:
    """Draft 4's checks plus the formats the contract uses that jsonschema leaves unchecked without extras."""
    checker = FormatChecker()
    for name, function in Draft4Validator.FORMAT_CHECKER.checkers.items():
        checker.checkers[name] = function

    checker.checks("email")(lambda value: not isinstance(value, str) or is_email(value))

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        """RFC 3986: ASCII only, percent-encoded where needed, brackets only around an IP literal."""
        return not isinstance(value, str) or bool(_URI.fullmatch(value))

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return len(value) == 10 and date.fromisoformat(value) is not None

    checker.checks("hostname")(lambda value: not isinstance(value, str) or is_hostname(value))

    return checker


class SchemaCheck:
    """One schema, compiled twice: a fast validity test (jsonschema-rs, when installed) and jsonschema's
    error reporting, consulted only when the fast test fails (to name every failing field).

    jsonschema-rs comes with Schemathesis; the formats it checks are the same as :func:`format_checker`'s
    (``tests/mockserver/test_formats.py`` holds them to it). Without it, jsonschema does both jobs.
    """

    def __init__(self, schema: Mapping[str, Any], checker: FormatChecker) -> None:
        self.python = Draft4Validator(schema, format_checker=checker)
        self.fast = None
        plain = _without_components(schema)
        if _jsonschema_rs is not None and plain is not None:
            try:
                self.fast = _jsonschema_rs.Draft4Validator(plain, validate_formats=True)
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


# --- turning jsonschema errors into {field, message} ------------------------------------------------------

_LONG = 60


def field_name(path: Iterable[Any], fallback: str = "body") -> str:
    parts = [str(part) for part in path]
    return ".".join(parts) if parts else fallback


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _LONG else text[: _LONG - 3] + "..."


def _message(error: ValidationError) -> str:
    """jsonschema's message, unless it would echo a long value back (a 501-item list, a 10 kB string)."""
    if len(repr(error.instance)) <= _LONG:
        return error.message
    value, instance = error.validator_value, error.instance
    size = len(instance) if isinstance(instance, (str, list, dict)) else None
    rewrites = {
        "maxItems": f"Expected at most {value} items, got {size}",
        "minItems": f"Expected at least {value} items, got {size}",
        "maxLength": f"Expected at most {value} characters, got {size}",
        "minLength": f"Expected at least {value} characters, got {size}",
        "maxProperties": f"Expected at most {value} properties, got {size}",
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
        details.append({"field": field_name(path), "message": _message(error)})
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


# --- parameters -------------------------------------------------------------------------------------------


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
            errors = param.check.errors(value)
            if errors:
                problems.append({"field": name, "message": _message(errors[0]), "in": where})
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


# --- JSON bodies ------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _OutOfRange(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _OutOfRange(text)
    return value


def _not_unicode(text: str) -> bool:
    """A string holding an unpaired surrogate (only a ``\\ud800``-style escape can produce one)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def tree_problem(value: Any, max_depth: int, check_strings: bool = True) -> str | None:
    """What makes a parsed body unusable although it is JSON: nesting deeper than ``max_depth``, or a
    string (or key) with an unpaired surrogate, which no UTF-8 answer could show. Iterative: no recursion
    to exhaust."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                return f"Request body is nested deeper than {max_depth} levels."
            if isinstance(item, dict):
                if check_strings and any(_not_unicode(key) for key in item):
                    return "Request body holds an unpaired UTF-16 surrogate."
                item = item.values()
            pending.extend((child, depth + 1) for child in item
                           if check_strings or isinstance(child, (dict, list)))
        elif check_strings and isinstance(item, str) and _not_unicode(item):
            return "Request body holds an unpaired UTF-16 surrogate."
    return None


def parse_json(raw: bytes) -> Any:
    """Strict JSON from bytes: UTF-8 only, no NaN/Infinity, integers of any size, numbers a double can hold,
    at most :data:`MAX_JSON_DEPTH` levels of nesting, no unpaired surrogates.

    orjson first (several times faster on the create path), the standard library whenever orjson's answer
    could differ from the exact one: orjson reads integers beyond 64 bits as floats, which would turn a valid
    ``employee_count`` into a 422, so a body holding any float, or one orjson refuses, is parsed again by the
    standard library, whose errors are the ones reported. ``1e400`` would become infinity (and ``null`` on the
    way out), and a stored value nested hundreds deep would break every later answer that shows it.
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = _UNSURE
    if value is _UNSURE or _holds_float(value):
        value = _strict_json(raw)
    problem = tree_problem(value, MAX_JSON_DEPTH, check_strings=b"\\u" in raw)
    if problem:
        raise bad_request(problem)
    return value


_UNSURE = object()


def _holds_float(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _strict_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
    except _OutOfRange:
        raise bad_request("Request body holds a number too large to represent.") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request("Request body is not valid JSON.") from None


class JSONBody:
    """A JSON request body: read whole, parsed strictly, validated, every failing field reported (422)."""

    def __init__(self, schema: Mapping[str, Any], required: bool, cache: ValidatorCache) -> None:
        self.check = cache.check(schema)
        self.required = required

    def parse(self, raw: bytes) -> Any:
        if not raw.strip():
            if self.required:
                raise bad_request("Request body is required.")
            return None
        body = parse_json(raw)
        errors = self.check.errors(body)
        if errors:
            raise validation_failed(describe(errors))
        return body


async def read_body(receive: Receive) -> bytes:
    """The whole request body (its size is limited by :mod:`mockserver.pipeline.body_limit`'s ``receive``)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


# --- one operation ----------------------------------------------------------------------------------------


class PreparedURIParser(OpenAPIURIParser):
    """Connexion's OpenAPI URI parser with what it recomputed on every request computed once.

    Its ``param_schemas`` is a property that builds a new dict on each access (several per request), and
    ``resolve_query`` looks for ``deepObject`` parameters even in an operation that declares none.
    """

    def __init__(self, param_defns: Any, body_defn: Any) -> None:
        super().__init__(param_defns, body_defn)
        self._schemas = {name: defn.get("schema", {}) for name, defn in self.param_defns.items()}
        self._deep_objects = any(self._is_deep_object_style_param(name) for name in self.param_defns)

    @property
    def param_schemas(self) -> dict[str, Any]:
        return self._schemas

    def resolve_query(self, query_data: dict[str, list[str]]) -> dict[str, Any]:
        if self._deep_objects:
            query_data = self._preprocess_deep_objects(query_data)
        return self.resolve_params(query_data, "query")


class OperationValidator(RequestValidationOperation):
    """Request validation for one operation, prepared once: parameters, then content type, then body.

    Connexion's own validation builds a URI parser, a parameter validator and a body validator on every
    request; here they are built when the app is, and Connexion's content-type rules (its
    ``extract_content_type`` and ``validate_mime_type``) are inherited. An operation without a request body
    never looks at the content type, as Connexion's would not either (it accepts any).
    """

    def __init__(self, operation: AbstractOperation, cache: ValidatorCache) -> None:
        super().__init__(None, operation=operation)  # type: ignore[arg-type]
        uri_parser = PreparedURIParser(operation.parameters, operation.body_definition())
        self.parameters = ParameterValidator(operation.parameters, uri_parser, cache=cache)
        self.has_body = bool(operation.consumes) and bool(operation.request_body)
        self._cache = cache
        self._bodies: dict[str, JSONBody | None] = {}
        self._accepted: set[str] = set()

    def params(self, scope: Scope, path_params: Mapping[str, str]) -> dict[str, Any]:
        return self.parameters.validate(scope, path_params)

    def extract_content_type(self, headers: list[tuple[bytes, bytes]]) -> tuple[str, str]:  # type: ignore[override]
        """Connexion's rule (the declared media type when none is sent; UTF-8 by default) without its scan,
        which builds ``typing`` unions on every call. ASGI header names are lower-case bytes."""
        content_type = next((value.decode("latin-1") for name, value in headers if name == b"content-type"), None)
        mime_type, encoding = split_content_type(content_type)
        if mime_type is None:
            mime_type = self._operation.consumes[0] if self._operation.consumes else "application/octet-stream"
        return mime_type, encoding or "utf-8"

    def validate_mime_type(self, mime_type: str) -> None:
        """Connexion's check, remembered per accepted media type (it matches patterns on every call)."""
        if mime_type in self._accepted:
            return
        super().validate_mime_type(mime_type)
        if len(self._accepted) < 32:
            self._accepted.add(mime_type)

    async def body(self, scope: Scope, receive: Receive) -> Any:
        """The parsed, validated body (``None`` without one); 400 for a wrong content type or bad JSON."""
        if not self.has_body:
            return None
        mime_type, _ = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        validator = self._json_body(mime_type)
        raw = await read_body(receive)
        return validator.parse(raw) if validator is not None else None

    def _json_body(self, mime_type: str) -> JSONBody | None:
        if mime_type not in self._bodies:
            schema = self._operation.body_schema(mime_type)
            json_like = mime_type.lower().endswith("json")
            self._bodies[mime_type] = JSONBody(schema, bool(self._operation.request_body.get("required")),
                                               self._cache) if schema and json_like else None
        return self._bodies[mime_type]
