"""The house rules: our API conventions as code, so a pull request cannot quietly break one.

A valid OpenAPI document can still answer an error without the shared ``Error`` schema, forget a rate-limit
header or leave a create without a link to its read; each rule here is one such convention. They read the
bundled document defensively (a broken part is another rule's finding, never a crash here).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contract.apis import PUBLIC, describe_api, is_versioned_path
from contract.conventions import ENVELOPE_FIELDS, ERROR_SCHEMA_REF, KEY_SCHEME, RATE_LIMIT_HEADERS, SESSION_SCHEME
from contract.lint.rules import Places, rule
from contract.pointer import deref, join, pointer
from contract.spec import operations

UNAUTHENTICATED_STATUSES = ("401", "500", "503", "507")  # answers that carry no rate-limit window
SECURITY_SCHEMES = (KEY_SCHEME, SESSION_SCHEME)
AUTH_STATUSES = ("401", "403", "429")
_MAX_DEPTH = 32


def _resolved(document: dict[str, Any], node: Any) -> dict[str, Any]:
    """``node`` with its ``$ref``s followed; ``{}`` for anything that is not an object (another rule says why)."""
    found, _ = deref(document, node, "")
    return found if isinstance(found, dict) else {}


def _mapping(node: dict[str, Any], key: str) -> dict[str, Any]:
    value = node.get(key)
    return value if isinstance(value, dict) else {}


def _list(node: dict[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    return value if isinstance(value, list) else []


def _operation_pointer(path: str, method: str, *rest: object) -> str:
    return pointer("paths", path, method, *rest)


def _responses(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Yield ``(path, method, status, resolved response)`` for every declared response."""
    for path, method, operation in operations(document):
        for status, response in _mapping(operation, "responses").items():
            yield path, method, str(status), _resolved(document, response)


@rule("operation-metadata", summary="every operation has `operationId`, `summary` and `tags`", family="house")
def operation_metadata(document: dict[str, Any]) -> Places:
    for path, method, operation in operations(document):
        for field in ("operationId", "summary", "tags"):
            if not operation.get(field):
                yield _operation_pointer(path, method), f"operation has no {field}"


@rule("operation-secured",
      summary="every operation accepts `bearerAuth`; an internal one may also accept `sessionCookie`, `/v1` keys only",
      family="house")
def operation_secured(document: dict[str, Any]) -> Places:
    public = describe_api(document) == PUBLIC
    for path, method, operation in operations(document):
        security = operation.get("security", document.get("security"))
        requirements = security if isinstance(security, list) else []
        accepted = [requirement for requirement in requirements if isinstance(requirement, dict)]
        where = _operation_pointer(path, method)
        if not any(KEY_SCHEME in requirement for requirement in accepted):
            yield where, f"operation is not secured with {KEY_SCHEME}"
        for requirement in accepted:
            schemes = set(requirement)
            if not schemes:
                yield where, "an empty security requirement lets anonymous requests in"
            elif len(schemes) > 1:
                yield where, "one requirement naming several schemes needs all of them at once: list each alone"
            elif not schemes <= set(SECURITY_SCHEMES):
                unknown = ", ".join(sorted(schemes - set(SECURITY_SCHEMES)))
                yield where, f"security scheme {unknown} is not one of {', '.join(SECURITY_SCHEMES)}"
            elif SESSION_SCHEME in schemes and (public or is_versioned_path(path)):
                yield where, f"/v1 takes keys only: {SESSION_SCHEME} is for the internal API"


@rule("auth-responses-declared", summary="every operation declares 401, 403 and 429", family="house")
def auth_responses_declared(document: dict[str, Any]) -> Places:
    for path, method, operation in operations(document):
        declared = {str(status) for status in _mapping(operation, "responses")}
        for status in AUTH_STATUSES:
            if status not in declared:
                yield _operation_pointer(path, method, "responses"), f"operation does not declare {status}"


@rule("error-schema", summary="every 4xx/5xx answers exactly `application/json` with the shared `Error` schema",
      family="house")
def error_schema(document: dict[str, Any]) -> Places:
    for path, method, status, response in _responses(document):
        if status[:1] not in ("4", "5"):
            continue
        content = _mapping(response, "content")
        where = _operation_pointer(path, method, "responses", status)
        if set(content) != {"application/json"}:
            yield where, "error response must have exactly one application/json body"
            continue
        if _mapping(_resolved(document, content["application/json"]), "schema").get("$ref") != ERROR_SCHEMA_REF:
            yield where, f"error response body must be {ERROR_SCHEMA_REF}"


def _is_list_operation(operation: dict[str, Any]) -> bool:
    parameters = [parameter for parameter in _list(operation, "parameters") if isinstance(parameter, dict)]
    names = {parameter.get("name") for parameter in parameters}
    refs = {str(parameter.get("$ref", "")) for parameter in parameters}
    operation_id = operation.get("operationId")
    return "limit" in names or any(ref.endswith("/Limit") for ref in refs) or (
        isinstance(operation_id, str) and operation_id.startswith("list")
    )


def _schema_properties(document: dict[str, Any], schema: Any, depth: int = 0) -> tuple[set[str], dict[str, Any]]:
    """Required names and properties of a schema, merging ``allOf`` parts (what a list body must satisfy)."""
    schema = _resolved(document, schema)
    required = {name for name in _list(schema, "required") if isinstance(name, str)}
    properties = dict(_mapping(schema, "properties"))
    for part in _list(schema, "allOf") if depth < _MAX_DEPTH else []:
        part_required, part_properties = _schema_properties(document, part, depth + 1)
        required |= part_required
        properties.update(part_properties)
    return required, properties


@rule("list-envelope", summary='every list answers `{"data": [...], "total", "limit", "offset"}`', family="house")
def list_envelope(document: dict[str, Any]) -> Places:
    for path, method, operation in operations(document):
        if method != "get" or not _is_list_operation(operation):
            continue
        where = _operation_pointer(path, method, "responses", "200")
        response = _resolved(document, _mapping(operation, "responses").get("200"))
        schema = _mapping(_mapping(response, "content"), "application/json").get("schema")
        if schema is None:
            yield where, "list operation has no application/json 200 body"
            continue
        required, properties = _schema_properties(document, schema)
        missing = [field for field in ENVELOPE_FIELDS if field not in required]
        if missing:
            yield where, f"list body must require the envelope fields; missing {', '.join(missing)}"
        elif _resolved(document, properties.get("data")).get("type") != "array":
            yield where, "list body's data must be an array"


def _has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    if "example" in media:
        return True
    return any("value" in _resolved(document, example) for example in _mapping(media, "examples").values())


def _media_types(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Yield ``(pointer, media, needs an example)`` for request bodies and responses."""
    for path, method, operation in operations(document):
        if "requestBody" in operation:
            body = _resolved(document, operation["requestBody"])
            for content_type, media in _mapping(body, "content").items():
                where = _operation_pointer(path, method, "requestBody", "content", content_type)
                yield where, _resolved(document, media), True
        for status, response in _mapping(operation, "responses").items():
            for content_type, media in _mapping(_resolved(document, response), "content").items():
                where = _operation_pointer(path, method, "responses", str(status), "content", content_type)
                yield where, _resolved(document, media), str(status).startswith("2")


@rule("examples-present", summary="every request body and success response has an example", family="house")
def examples_present(document: dict[str, Any]) -> Places:
    for where, media, needs_example in _media_types(document):
        if needs_example and not _has_example(document, media):
            yield where, "request bodies and success responses need at least one example"


def _parameter_names(document: dict[str, Any], item: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    declared = _list(item, "parameters") + _list(operation, "parameters")
    return {str(_resolved(document, parameter).get("name")) for parameter in declared}


@rule("create-links", summary="every create links its success response to existing read operations and parameters",
      family="house")
def create_links(document: dict[str, Any]) -> Places:
    targets: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for path, _, operation in operations(document):
        if isinstance(operation.get("operationId"), str):
            targets[operation["operationId"]] = (document["paths"][path], operation)
    for path, method, status, response in _responses(document):
        if method != "post" or not status.startswith("2"):
            continue
        where = _operation_pointer(path, method, "responses", status, "links")
        links = _mapping(response, "links")
        if not links:
            yield where, "a create must link its success response to a read operation"
        for name, link in links.items():
            link = _resolved(document, link)
            target = link.get("operationId")
            if not isinstance(target, str) or target not in targets:
                yield join(where, name), f"link targets unknown operationId {target!r}"
                continue
            known = _parameter_names(document, *targets[target])
            for parameter in _mapping(link, "parameters"):
                if parameter not in known:
                    yield join(where, name), f"link sets {parameter!r}, which {target} does not declare"


@rule("rate-limit-headers",
      summary="rate-limit headers on every response but 401/500/503/507; `Retry-After` on 429 and 503; "
              "`Location` on 201",
      family="house")
def rate_limit_headers(document: dict[str, Any]) -> Places:
    for path, method, status, response in _responses(document):
        headers = _mapping(response, "headers")
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
        for content_type, media in _mapping(body if isinstance(body, dict) else {}, "content").items():
            if isinstance(media, dict) and "schema" in media:
                yield join(where, "content", content_type, "schema"), media["schema"]


def _schema_nodes(document: dict[str, Any], node: Any, where: str, seen: set[str],
                  depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Every schema reachable from ``node`` (through ``$ref``, compositions, properties, items, map values),
    each once, at the pointer where it is declared."""
    node, where = deref(document, node, where)
    if where in seen or not isinstance(node, dict) or depth > _MAX_DEPTH:
        return
    seen.add(where)
    yield where, node
    for keyword in ("allOf", "oneOf", "anyOf"):
        for index, part in enumerate(_list(node, keyword)):
            yield from _schema_nodes(document, part, join(where, keyword, index), seen, depth + 1)
    for name, part in _mapping(node, "properties").items():
        yield from _schema_nodes(document, part, join(where, "properties", name), seen, depth + 1)
    for keyword in ("items", "additionalProperties"):
        if isinstance(node.get(keyword), dict):
            yield from _schema_nodes(document, node[keyword], join(where, keyword), seen, depth + 1)


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
              "`maxProperties` and a schema for its values", family="house")
def request_bodies_bounded(document: dict[str, Any]) -> Places:
    seen: set[str] = set()
    for where, schema in _request_schemas(document):
        for place, node in _schema_nodes(document, schema, where, seen):
            problem = _unbounded(node)
            if problem:
                yield place, f"request {problem}: what the mock stores must have a size"
