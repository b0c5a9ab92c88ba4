"""OpenAPI correctness beyond the JSON schema: what Spectral's ``spectral:oas`` ruleset checks at error level.

Each rule keeps Spectral's id (``path-params``, ``operation-operationId-unique``...) where Spectral has the
rule, so a finding reads the same in both tools, and the peer test in ``tests/contract`` holds every
error-level Spectral finding against one of ours. Rules read the bundled document and must survive any
document: a malformed part is the JSON schema's finding (:mod:`.structure`), never a crash here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any
from urllib.parse import quote

from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry as SchemaRegistry
from referencing import Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from contract.lint.rules import Places, rule
from contract.pointer import deref, join
from contract.spec import HTTP_METHODS
from contract.walk import examples_holders, schemas

_TEMPLATE = re.compile(r"\{([^{}]*)\}")
_DOCUMENT_URI = "urn:hissuno:linted"


def _path_items(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            yield str(path), item


def _operations(item: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for method in HTTP_METHODS:
        if isinstance(item.get(method), dict):
            yield method, item[method]


@rule("operation-operationId-unique", summary="no two operations share an `operationId`", family="openapi")
def operation_id_unique(document: dict[str, Any]) -> Places:
    seen: dict[str, str] = {}
    for path, item in _path_items(document):
        for method, operation in _operations(item):
            name = operation.get("operationId")
            if not isinstance(name, str):
                continue
            where = join("", "paths", path, method, "operationId")
            if name in seen:
                yield where, f"operationId {name!r} is already used by {seen[name]}"
            else:
                seen[name] = f"{method.upper()} {path}"


def _parameters(document: dict[str, Any], holder: dict[str, Any], pointer: str) -> Iterator[tuple[str, dict]]:
    """``(pointer, parameter)`` for each parameter of a path item or operation, ``$ref``s followed."""
    declared = holder.get("parameters")
    for index, raw in enumerate(declared if isinstance(declared, list) else []):
        parameter, _ = deref(document, raw, join(pointer, "parameters", index))
        if isinstance(parameter, dict):
            yield join(pointer, "parameters", index), parameter


@rule("path-params", summary="path templates and path parameters match, once each", family="openapi")
def path_params(document: dict[str, Any]) -> Places:
    templates: dict[str, str] = {}
    for path, item in _path_items(document):
        item_pointer = join("", "paths", path)
        names = _TEMPLATE.findall(path)
        for name in {name for name in names if names.count(name) > 1}:
            yield item_pointer, f"path {path!r} uses the parameter {{{name}}} more than once"
        shape = _TEMPLATE.sub("{}", path)
        if shape in templates:
            yield item_pointer, f"paths {templates[shape]!r} and {path!r} are equivalent"
        templates.setdefault(shape, path)
        shared = list(_parameters(document, item, item_pointer))
        yield from _duplicates(shared)
        for method, operation in _operations(item):
            own = list(_parameters(document, operation, join(item_pointer, method)))
            yield from _duplicates(own)
            yield from _template_match(path, names, join(item_pointer, method), shared + own)


def _duplicates(parameters: list[tuple[str, dict]]) -> Places:
    seen: set[tuple[object, object]] = set()
    for where, parameter in parameters:
        key = (parameter.get("name"), parameter.get("in"))
        if key in seen:
            yield where, f"another parameter is already named {key[0]!r} in {key[1]}"
        seen.add(key)


def _template_match(path: str, names: list[str], pointer: str, parameters: list[tuple[str, dict]]) -> Places:
    declared = {parameter.get("name"): where for where, parameter in parameters if parameter.get("in") == "path"}
    for name in dict.fromkeys(names):
        if name not in declared:
            yield pointer, f"the operation must declare the path parameter {name!r} of {path!r}"
    for name, where in declared.items():
        if name not in names:
            yield where, f"the path parameter {name!r} is not in the path {path!r}"


@rule("openapi-tags-uniqueness", summary="the top-level tags have distinct names", family="openapi")
def tags_unique(document: dict[str, Any]) -> Places:
    tags = document.get("tags")
    seen: set[object] = set()
    for index, tag in enumerate(tags if isinstance(tags, list) else []):
        name = tag.get("name") if isinstance(tag, dict) else None
        if name in seen:
            yield join("", "tags", index, "name"), f"the tag {name!r} is declared twice"
        seen.add(name)


@rule("no-$ref-siblings", summary="nothing beside a `$ref` (OpenAPI 3.0 ignores it)", family="openapi")
def no_ref_siblings(document: dict[str, Any]) -> Places:
    if not str(document.get("openapi", "")).startswith("3.0"):
        return
    pending: list[tuple[Any, str]] = [(document, "")]
    while pending:
        node, pointer = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                for key in node:
                    if key != "$ref":
                        yield join(pointer, key), f"{key!r} beside a $ref is ignored in OpenAPI 3.0"
            pending.extend((value, join(pointer, key)) for key, value in node.items() if isinstance(value, dict | list))
        elif isinstance(node, list):
            pending.extend((value, join(pointer, index)) for index, value in enumerate(node))


@rule("array-items", summary="every array schema has `items`", family="openapi")
def array_items(document: dict[str, Any]) -> Places:
    for where, schema in schemas(document):
        declared = schema.get("type")
        if (declared == "array" or (isinstance(declared, list) and "array" in declared)) and "items" not in schema:
            yield where, 'a schema of type "array" needs an "items" schema'


def _servers(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    yield "/servers", document.get("servers")
    for path, item in _path_items(document):
        yield join("", "paths", path, "servers"), item.get("servers")
        for method, operation in _operations(item):
            yield join("", "paths", path, method, "servers"), operation.get("servers")


def _default_outside_enum(variable: Any) -> bool:
    enum = variable.get("enum") if isinstance(variable, dict) else None
    return isinstance(enum, list) and variable.get("default") not in enum


@rule("oas3-server-variables", summary="server URL variables are declared, used, and their defaults allowed",
      family="openapi")
def server_variables(document: dict[str, Any]) -> Places:
    for pointer, servers in _servers(document):
        for index, server in enumerate(servers if isinstance(servers, list) else []):
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            where = join(pointer, index)
            used = _TEMPLATE.findall(server["url"])
            variables = server.get("variables") if isinstance(server.get("variables"), dict) else {}
            for name in used:
                if name not in variables:
                    yield join(where, "url"), f"the server URL uses {{{name}}}, which `variables` does not declare"
            for name, variable in variables.items():
                if name not in used:
                    yield join(where, "variables", name), f"the variable {name!r} is not used in the server URL"
                elif _default_outside_enum(variable):
                    yield join(where, "variables", name, "default"), "the default is not one of the enum values"


@rule("nullable-requires-type", summary="`nullable: true` only beside a `type` (OpenAPI 3.0.3)", family="openapi")
def nullable_requires_type(document: dict[str, Any]) -> Places:
    for where, schema in schemas(document):
        if schema.get("nullable") is True and "type" not in schema:
            yield join(where, "nullable"), (
                "`nullable` cannot be used without `type`: it has no effect there (OpenAPI 3.0.3), so null is "
                "rejected; wrap the schema as `oneOf: [{$ref: ...}, {type: object, nullable: true, enum: [null]}]`"
            )


class ExampleChecker:
    """Validates values against schemas of one document (local ``$ref``s resolved), never raising."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    @cached_property
    def _registry(self) -> SchemaRegistry:
        specification = DRAFT202012 if self._is_31 else DRAFT4
        resource = Resource.from_contents(self.document, default_specification=specification)
        return SchemaRegistry().with_resource(_DOCUMENT_URI, resource)

    @cached_property
    def _is_31(self) -> bool:
        return str(self.document.get("openapi", "")).startswith("3.1")

    def problems(self, schema_pointer: str, value: Any) -> list[tuple[list[object], str]]:
        """Why ``value`` does not fit the schema at ``schema_pointer``: ``(path inside the value, one line)``
        each, empty when it fits."""
        validator_class = OAS31Validator if self._is_31 else OAS30Validator
        validator = validator_class(
            {"$ref": f"{_DOCUMENT_URI}#{quote(schema_pointer, safe='/~')}"},
            registry=self._registry,
            format_checker=validator_class.FORMAT_CHECKER,
        )
        try:
            errors = list(itertools.islice(validator.iter_errors(value), 5))
        except RecursionError:
            return [([], "cannot be checked: the schema refers to itself without end")]
        except Exception as error:  # jsonschema raises several types for a broken schema (UnknownType, ...)
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            reason = reason.removesuffix(" for validator with schema:")
            return [([], f"cannot be checked: the schema is invalid ({reason})")]
        return [(list(error.absolute_path), f"does not match its schema: {error.message}"[:300].replace("\n", " "))
                for error in errors]


def _example_values(document: dict[str, Any], holder: dict[str, Any], pointer: str) -> Iterator[tuple[str, Any]]:
    if "example" in holder:
        yield join(pointer, "example"), holder["example"]
    examples = holder.get("examples")
    for name, example in examples.items() if isinstance(examples, dict) else ():
        example, _ = deref(document, example, join(pointer, "examples", name))
        if isinstance(example, dict) and "value" in example:
            yield join(pointer, "examples", name, "value"), example["value"]


@rule("examples-valid", summary="every example of a body, parameter or header matches its schema", family="openapi")
def examples_valid(document: dict[str, Any]) -> Places:
    checker = ExampleChecker(document)
    for pointer, holder in examples_holders(document):
        for where, value in _example_values(document, holder, pointer):
            for inside, problem in checker.problems(join(pointer, "schema"), value):
                yield join(where, *inside), f"the example {problem}"


@rule("oas3-valid-schema-example", summary="every schema's `example` and `default` match the schema",
      family="openapi")
def schema_examples_valid(document: dict[str, Any]) -> Places:
    checker = ExampleChecker(document)
    for pointer, schema in schemas(document):
        if "$ref" in schema:
            continue
        for keyword in ("example", "default"):
            if keyword in schema and not (schema[keyword] is None and schema.get("nullable") is True):
                for inside, problem in checker.problems(pointer, schema[keyword]):
                    yield join(pointer, keyword, *inside), f"the {keyword} {problem}"
