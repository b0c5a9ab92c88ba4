"""The contract's lint: openapi-spec-validator, then the house rules, each finding at its JSON pointer.

The validator proves a document is valid OpenAPI 3.0.3 but cannot know our conventions (secured operations
answering 401/403/429 with the one ``Error`` schema, list envelopes, valid examples, create links, rate-limit
headers); the house rules are those conventions as code, so a pull request cannot quietly break one. Each
rule is a small function over the bundled document, declared with :func:`rule`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import OpenAPIV30SpecValidator
from openapi_spec_validator.readers import read_from_filename
from referencing import Registry as SchemaRegistry
from referencing import Resource
from referencing.jsonschema import DRAFT4

from contract.conventions import ENVELOPE_FIELDS, ERROR_SCHEMA_REF, RATE_LIMIT_HEADERS
from contract.findings import Bump, Check, Finding, Level
from contract.pointer import deref, join, pointer, resolve
from contract.registry import Registry
from contract.spec import DOCUMENTS, SHARED_FILE, bundle, document_path, operations, spec_dir
from contract.yaml_reader import YamlError, read_yaml

UNAUTHENTICATED_STATUSES = ("401", "500", "503", "507")  # answers that carry no rate-limit window
AUTH_STATUSES = ("401", "403", "429")
_DOCUMENT_URI = "urn:hissuno:contract"

SPEC_INVALID = Check("openapi-spec-validator", Level.ERROR, Bump.NONE)
UNBUNDLED = Check("bundle", Level.ERROR, Bump.NONE)  # the document cannot be read or bundled: no rule can run

Places = Iterator[tuple[str, str]]  # (pointer, message) for each violation
HouseRuleFunction = Callable[[dict[str, Any]], Places]


@dataclass(frozen=True)
class LintRule:
    """A house rule: its id, the convention it enforces (the README's lint table), and its check."""

    name: str
    summary: str
    places: HouseRuleFunction

    def __call__(self, document_name: str, document: dict[str, Any]) -> Iterator[Finding]:
        found = Check(self.name, Level.ERROR, Bump.NONE)
        for where, message in self.places(document):
            yield found.at(document_name, where, message)


RULES: Registry[LintRule] = Registry("lint rule")


def rule(name: str, *, summary: str) -> Callable[[HouseRuleFunction], LintRule]:
    """Declare a house rule: a function over the bundled document yielding ``(pointer, message)`` pairs."""

    def register(places: HouseRuleFunction) -> LintRule:
        return RULES.add(LintRule(name, summary, places))

    return register


def _operation_pointer(path: str, method: str, *rest: str) -> str:
    return pointer("paths", path, method, *rest)


def _responses(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    """Yield ``(path, method, status, operation, resolved response)`` for every declared response."""
    for path, method, operation in operations(document):
        for status, response in operation.get("responses", {}).items():
            yield path, method, str(status), operation, resolve(document, response)


@rule("operation-metadata", summary="every operation has `operationId`, `summary` and `tags`")
def operation_metadata(document: dict[str, Any]) -> Places:
    for path, method, operation in operations(document):
        for field in ("operationId", "summary", "tags"):
            if not operation.get(field):
                yield _operation_pointer(path, method), f"operation has no {field}"


@rule("operation-secured", summary="every operation requires `bearerAuth`")
def operation_secured(document: dict[str, Any]) -> Places:
    for path, method, operation in operations(document):
        security = operation.get("security", document.get("security"))
        if not security or not any("bearerAuth" in requirement for requirement in security):
            yield _operation_pointer(path, method), "operation is not secured with bearerAuth"


@rule("auth-responses-declared", summary="every operation declares 401, 403 and 429")
def auth_responses_declared(document: dict[str, Any]) -> Places:
    for path, method, operation in operations(document):
        declared = {str(status) for status in operation.get("responses", {})}
        for status in AUTH_STATUSES:
            if status not in declared:
                yield _operation_pointer(path, method, "responses"), f"operation does not declare {status}"


@rule("error-schema", summary="every 4xx/5xx answers exactly `application/json` with the shared `Error` schema")
def error_schema(document: dict[str, Any]) -> Places:
    for path, method, status, _, response in _responses(document):
        if status[0] not in "45":
            continue
        content = response.get("content", {})
        where = _operation_pointer(path, method, "responses", status)
        if set(content) != {"application/json"}:
            yield where, "error response must have exactly one application/json body"
            continue
        if content["application/json"].get("schema", {}).get("$ref") != ERROR_SCHEMA_REF:
            yield where, f"error response body must be {ERROR_SCHEMA_REF}"


def _is_list_operation(operation: dict[str, Any]) -> bool:
    names = {parameter.get("name") for parameter in operation.get("parameters", []) if isinstance(parameter, dict)}
    refs = {parameter.get("$ref", "") for parameter in operation.get("parameters", [])}
    return "limit" in names or any(ref.endswith("/Limit") for ref in refs) or operation.get(
        "operationId", ""
    ).startswith("list")


def _schema_properties(document: dict[str, Any], schema: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
    """Required names and properties of a schema, merging ``allOf`` parts (what a list body must satisfy)."""
    schema = resolve(document, schema)
    required = set(schema.get("required", []))
    properties = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        part_required, part_properties = _schema_properties(document, part)
        required |= part_required
        properties.update(part_properties)
    return required, properties


@rule("list-envelope", summary='every list answers `{"data": [...], "total", "limit", "offset"}`')
def list_envelope(document: dict[str, Any]) -> Places:
    for path, method, operation in operations(document):
        if method != "get" or not _is_list_operation(operation):
            continue
        where = _operation_pointer(path, method, "responses", "200")
        response = resolve(document, operation.get("responses", {}).get("200", {}))
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            yield where, "list operation has no application/json 200 body"
            continue
        required, properties = _schema_properties(document, schema)
        missing = [field for field in ENVELOPE_FIELDS if field not in required]
        if missing:
            yield where, f"list body must require the envelope fields; missing {', '.join(missing)}"
        elif resolve(document, properties.get("data", {})).get("type") != "array":
            yield where, "list body's data must be an array"


def _examples(document: dict[str, Any], media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield "example", media["example"]
    for name, example in media.get("examples", {}).items():
        example = resolve(document, example)
        if "value" in example:
            yield f"examples/{name}", example["value"]


def _media_types(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], bool]]:
    """Yield ``(pointer, content type, media, needs example)`` for request bodies and responses."""
    for path, method, operation in operations(document):
        if "requestBody" in operation:
            body = resolve(document, operation["requestBody"])
            for content_type, media in body.get("content", {}).items():
                where = _operation_pointer(path, method, "requestBody", "content", content_type)
                yield where, content_type, media, True
        for status, response in operation.get("responses", {}).items():
            response = resolve(document, response)
            for content_type, media in response.get("content", {}).items():
                where = _operation_pointer(path, method, "responses", str(status), "content", content_type)
                yield where, content_type, media, str(status).startswith("2")


@rule("examples-present", summary="every request body and success response has an example")
def examples_present(document: dict[str, Any]) -> Places:
    for where, _, media, needs_example in _media_types(document):
        if needs_example and not any(True for _ in _examples(document, media)):
            yield where, "request bodies and success responses need at least one example"


def schema_validator(document: dict[str, Any], schema: dict[str, Any]) -> OAS30Validator:
    """An OpenAPI 3.0 schema validator (``nullable``, formats) that resolves the document's local refs."""
    root = {**document, "__schema__": schema}
    registry = SchemaRegistry().with_resource(_DOCUMENT_URI, Resource.from_contents(root, default_specification=DRAFT4))
    return OAS30Validator(
        {"$ref": f"{_DOCUMENT_URI}#/__schema__"},
        registry=registry,
        format_checker=OAS30Validator.FORMAT_CHECKER,
    )


@rule("examples-valid", summary="every example validates against its schema")
def examples_valid(document: dict[str, Any]) -> Places:
    for where, _, media, _ in _media_types(document):
        schema = media.get("schema")
        if schema is None:
            continue
        validator = schema_validator(document, schema)
        for name, value in _examples(document, media):
            for error in validator.iter_errors(value):
                location = "/".join(str(part) for part in error.absolute_path) or "(root)"
                yield f"{where}/{name}", f"example does not match its schema at {location}: {error.message}"


def _operation_ids(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for _, _, op in operations(document) if "operationId" in op}


def _parameter_names(document: dict[str, Any], path: str, operation: dict[str, Any]) -> set[str]:
    item = document["paths"][path]
    declared = list(item.get("parameters", [])) + list(operation.get("parameters", []))
    return {resolve(document, parameter).get("name") for parameter in declared}


@rule("create-links", summary="every create links its success response to existing read operations and parameters")
def create_links(document: dict[str, Any]) -> Places:
    by_id = _operation_ids(document)
    paths_of = {operation.get("operationId"): path for path, _, operation in operations(document)}
    for path, method, status, _, response in _responses(document):
        if method != "post" or not status.startswith("2"):
            continue
        where = _operation_pointer(path, method, "responses", status, "links")
        links = response.get("links", {})
        if not links:
            yield where, "a create must link its success response to a read operation"
        for name, link in links.items():
            target = link.get("operationId")
            if target not in by_id:
                yield f"{where}/{name}", f"link targets unknown operationId {target!r}"
                continue
            known = _parameter_names(document, paths_of[target], by_id[target])
            for parameter in link.get("parameters", {}):
                if parameter not in known:
                    yield f"{where}/{name}", f"link sets {parameter!r}, which {target} does not declare"


@rule(
    "rate-limit-headers",
    summary="rate-limit headers on every response but 401/500/503/507; `Retry-After` on 429 and 503; `Location` on 201",
)
def rate_limit_headers(document: dict[str, Any]) -> Places:
    for path, method, status, _, response in _responses(document):
        headers = response.get("headers", {})
        where = _operation_pointer(path, method, "responses", status, "headers")
        if status not in UNAUTHENTICATED_STATUSES:
            for header in RATE_LIMIT_HEADERS:
                if header not in headers:
                    yield where, f"response does not declare {header}"
        if status in ("429", "503") and "Retry-After" not in headers:
            yield where, f"{status} must declare Retry-After"
        if status == "201" and "Location" not in headers:
            yield where, "201 must declare Location"


def _request_schemas(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(pointer, schema)`` of every request body's schema."""
    for path, method, operation in operations(document):
        body, where = deref(document, operation.get("requestBody"), _operation_pointer(path, method, "requestBody"))
        for content_type, media in (body or {}).get("content", {}).items():
            if "schema" in media:
                yield join(where, "content", content_type, "schema"), media["schema"]


def _schema_nodes(document: dict[str, Any], node: Any, where: str, seen: set[str]) -> Iterator[tuple[str, Any]]:
    """Every schema reachable from ``node`` (through ``$ref``, compositions, properties, items, map values),
    each once, at the pointer where it is declared."""
    node, where = deref(document, node, where)
    if where in seen or not isinstance(node, dict):
        return
    seen.add(where)
    yield where, node
    for keyword in ("allOf", "oneOf", "anyOf"):
        for index, part in enumerate(node.get(keyword, ())):
            yield from _schema_nodes(document, part, join(where, keyword, index), seen)
    for name, part in node.get("properties", {}).items():
        yield from _schema_nodes(document, part, join(where, "properties", name), seen)
    for keyword in ("items", "additionalProperties"):
        if isinstance(node.get(keyword), dict):
            yield from _schema_nodes(document, node[keyword], join(where, keyword), seen)


def _unbounded(schema: dict[str, Any]) -> str | None:
    """What leaves a request schema's size open, if anything."""
    kind = schema.get("type")
    composed = any(keyword in schema for keyword in ("allOf", "oneOf", "anyOf"))
    if kind == "string" and "maxLength" not in schema and "enum" not in schema:
        return "string without maxLength (or enum)"
    if kind == "array" and "maxItems" not in schema:
        return "array without maxItems"
    if kind == "object" and "properties" not in schema and not composed:
        if "maxProperties" not in schema:
            return "map without maxProperties"
        if not isinstance(schema.get("additionalProperties"), dict):
            return "map whose values have no schema"
    if kind is None and not composed and "enum" not in schema:
        return "schema without a type"
    return None


@rule("request-bodies-bounded",
      summary="every request string has `maxLength` (or an `enum`), every array `maxItems`, every map "
              "`maxProperties` and a schema for its values")
def request_bodies_bounded(document: dict[str, Any]) -> Places:
    seen: set[str] = set()
    for where, schema in _request_schemas(document):
        for place, node in _schema_nodes(document, schema, where, seen):
            problem = _unbounded(node)
            if problem:
                yield place, f"request {problem}: what the mock stores must have a size"


def validate_source(path: Path) -> Iterator[tuple[str, str]]:
    """openapi-spec-validator on one source document, with its relative refs resolved from its folder."""
    spec, base_uri = read_from_filename(str(path))
    for error in OpenAPIV30SpecValidator(spec, base_uri=base_uri).iter_errors():
        yield pointer(*error.absolute_path), error.message


def lint_document(name: str, directory: Path | None = None) -> list[Finding]:
    """Every finding for one document: spec validity first, then (if it bundles) each house rule."""
    directory = directory or spec_dir()
    path = document_path(name, directory)
    try:
        source, shared = read_yaml(path), read_yaml(directory / SHARED_FILE)
    except YamlError as error:
        return [UNBUNDLED.at(name, "/", str(error))]
    findings = [SPEC_INVALID.at(name, where, message) for where, message in validate_source(path)]
    try:
        document = bundle(source, shared)
    except (ValueError, KeyError) as error:
        return [*findings, UNBUNDLED.at(name, "/", str(error))]
    for house_rule in RULES:
        findings.extend(house_rule(name, document))
    return findings


def lint_documents(directory: Path | None = None, names: tuple[str, ...] = DOCUMENTS) -> list[Finding]:
    """Findings for every document of the contract (an empty list means the contract is clean)."""
    return [finding for name in names for finding in lint_document(name, directory)]
