"""What the checks need to know about the contract, read from the bundled OpenAPI documents.

Nothing here names a route or copies a schema: lists are the operations whose 200 answer is a list envelope,
creates are POSTs answering 201, and a create's links say how to read back what it made. The checks ask
these questions instead of walking the raw documents themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Any

from contract import conventions, spec
from contract.pointer import resolve

ENVELOPE_FIELDS = frozenset(conventions.ENVELOPE_FIELDS)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROJECT_PARAMETER = "projectId"
_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Link:
    """A link from one operation's response to another operation, with its parameter expressions."""

    name: str
    operation_id: str
    parameters: Mapping[str, str]
    undoes: bool = False  # the linked operation takes back what the create made (``x-hissuno-undo``)


@dataclass(eq=False)
class Operation:
    """One operation of one document, with the questions the checks ask about it."""

    api: str
    method: str
    path: str
    definition: dict[str, Any]
    document: dict[str, Any] = field(repr=False)
    path_item: dict[str, Any] = field(repr=False)

    @property
    def operation_id(self) -> str:
        return str(self.definition.get("operationId", ""))

    @property
    def label(self) -> str:
        """The name Schemathesis gives the operation, e.g. ``GET /v1/sessions``."""
        return f"{self.method} {self.path}"

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def takes_session(self) -> bool:
        """Whether the dashboard's session cookie is one of the operation's security schemes."""
        security = self.definition.get("security", self.document.get("security", []))
        return any(conventions.SESSION_SCHEME in requirement for requirement in security)

    @property
    def owner_only(self) -> bool:
        """Whether only a project owner's session or a ``full`` key may call it (``x-hissuno-access: owner``)."""
        extension, owner = conventions.OWNER_ONLY
        return self.definition.get(extension) == owner

    @cached_property
    def parameters(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Path-level and operation-level parameters (the latter win), keyed by ``(in, name)``."""
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*self.path_item.get("parameters", []), *self.definition.get("parameters", [])]:
            parameter = self.resolve(raw)
            merged[(parameter["in"], parameter["name"])] = parameter
        return merged

    def query_parameter(self, name: str) -> dict[str, Any] | None:
        return self.parameters.get(("query", name))

    def query_schema(self, name: str) -> dict[str, Any]:
        parameter = self.query_parameter(name)
        return self.resolve(parameter.get("schema", {})) if parameter else {}

    @property
    def path_parameters(self) -> list[str]:
        """Path parameters other than the project, in the order they appear in the path."""
        return [name for name in _PATH_PARAMETER.findall(self.path) if name != PROJECT_PARAMETER]

    @property
    def is_project_scoped(self) -> bool:
        return f"{{{PROJECT_PARAMETER}}}" in self.path

    def resolve(self, node: Any) -> Any:
        return resolve(self.document, node)

    @property
    def success_status(self) -> int:
        codes = sorted(int(code) for code in self.definition.get("responses", {}) if str(code).startswith("2"))
        return codes[0] if codes else 200

    def response(self, status: int | str) -> dict[str, Any]:
        return self.resolve(self.definition.get("responses", {}).get(str(status), {}))

    def response_schema(self, status: int | str) -> dict[str, Any]:
        media = self.response(status).get("content", {}).get("application/json", {})
        return self.resolve(media.get("schema", {}))

    def schema_properties(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """Properties of a schema, merged over ``allOf`` branches."""
        schema = self.resolve(schema)
        properties = dict(schema.get("properties", {}))
        for branch in schema.get("allOf", []):
            properties.update(self.schema_properties(branch))
        return properties

    def schema_required(self, schema: Mapping[str, Any]) -> set[str]:
        schema = self.resolve(schema)
        required = set(schema.get("required", []))
        for branch in schema.get("allOf", []):
            required |= self.schema_required(branch)
        return required

    @property
    def is_list(self) -> bool:
        """A GET whose 200 answer is the list envelope ``{data, total, limit, offset}``."""
        if self.method != "GET":
            return False
        return self.schema_required(self.response_schema(200)) >= ENVELOPE_FIELDS

    @property
    def is_create(self) -> bool:
        return self.method == "POST" and self.success_status == 201

    @property
    def is_getter(self) -> bool:
        return self.method == "GET" and not self.is_list and bool(self.path_parameters)

    @property
    def request_body(self) -> dict[str, Any]:
        return self.resolve(self.definition.get("requestBody", {}))

    @property
    def request_schema(self) -> dict[str, Any]:
        media = self.request_body.get("content", {}).get("application/json", {})
        return self.resolve(media.get("schema", {}))

    def request_examples(self) -> list[Any]:
        """Every example request body the spec gives, in order."""
        return list(self.named_request_examples().values())

    def named_request_examples(self) -> dict[str, Any]:
        """The example request bodies by name (``example`` for a lone ``example``), in order."""
        media = self.request_body.get("content", {}).get("application/json", {})
        if "example" in media:
            return {"example": media["example"]}
        return {name: self.resolve(example).get("value") for name, example in media.get("examples", {}).items()}

    def conflicts_when_repeated(self) -> bool | list[str]:
        """What the 409 response says conflicts when sent twice (``x-conflicts-when-repeated``): ``True`` for
        the request whatever its body, a list for those request examples; ``False`` when it says nothing."""
        value = self.response(409).get("x-conflicts-when-repeated", False)
        return [str(name) for name in value] if isinstance(value, list) else value is True

    def links(self) -> list[Link]:
        raw = self.response(self.success_status).get("links", {})
        return [
            Link(name, str(link.get("operationId", "")), dict(link.get("parameters", {})),
                 link.get(conventions.UNDO_LINK) is True)
            for name, link in ((name, self.resolve(link)) for name, link in raw.items())
        ]

    @property
    def limit_bounds(self) -> tuple[int | None, int | None]:
        """Inclusive ``(minimum, maximum)`` of the ``limit`` query parameter, if it has one."""
        schema = self.query_schema("limit")
        return schema.get("minimum"), schema.get("maximum")

    @property
    def default_limit(self) -> int | None:
        return self.query_schema("limit").get("default")

    def url(self, project_id: str | None, **values: str) -> str:
        """The path with its parameters filled in."""
        path = self.path
        if self.is_project_scoped:
            path = path.replace(f"{{{PROJECT_PARAMETER}}}", project_id or "")
        for name, value in values.items():
            path = path.replace(f"{{{name}}}", value)
        return path


@dataclass(frozen=True)
class OperationFilter:
    """Which operations a run checks, by ``operationId`` globs (``--include-operation``/``--exclude-operation``).

    No ``include`` means every operation; ``exclude`` wins over ``include``."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def matches(self, operation: Operation) -> bool:
        name = operation.operation_id
        included = not self.include or any(fnmatchcase(name, glob) for glob in self.include)
        return included and not any(fnmatchcase(name, glob) for glob in self.exclude)

    def unmatched(self, operations: Iterable[Operation]) -> list[str]:
        """Globs that name no operation (a typo would otherwise silently check nothing, or everything)."""
        ids = [op.operation_id for op in operations]
        return [glob for glob in (*self.include, *self.exclude) if not any(fnmatchcase(i, glob) for i in ids)]


@dataclass(eq=False)
class Contract:
    """One API document (``v1`` or ``internal``) as a set of operations the checks can query."""

    name: str
    document: dict[str, Any] = field(repr=False)

    @classmethod
    def load(cls, name: str) -> Contract:
        return cls(name, spec.bundled(name))

    @cached_property
    def operations(self) -> list[Operation]:
        items = self.document.get("paths", {})
        return [
            Operation(self.name, method.upper(), path, definition, self.document, items[path])
            for path, method, definition in spec.operations(self.document)
        ]

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations)

    def by_id(self, operation_id: str) -> Operation | None:
        return next((op for op in self.operations if op.operation_id == operation_id), None)

    def by_label(self, label: str) -> Operation | None:
        return next((op for op in self.operations if op.label == label), None)

    @property
    def lists(self) -> list[Operation]:
        return [op for op in self.operations if op.is_list]

    @property
    def creates(self) -> list[Operation]:
        return [op for op in self.operations if op.is_create]

    @property
    def getters(self) -> list[Operation]:
        return [op for op in self.operations if op.is_getter]

    @property
    def deletes(self) -> list[Operation]:
        return [op for op in self.operations if op.method == "DELETE"]

    @property
    def with_session(self) -> list[Operation]:
        """The operations that take the dashboard's session cookie."""
        return [op for op in self.operations if op.takes_session]

    @property
    def owner_only(self) -> list[Operation]:
        return [op for op in self.operations if op.owner_only]

    @property
    def writes(self) -> list[Operation]:
        return [op for op in self.operations if op.is_write]

    @property
    def is_project_scoped(self) -> bool:
        return any(op.is_project_scoped for op in self.operations)

    def collection_of(self, item: Operation) -> Operation | None:
        """The list operation for an item operation: the GET on the path without its last segment."""
        parent = item.path.rsplit("/", 1)[0]
        return next((op for op in self.lists if op.path == parent), None)

    def getter_of(self, create: Operation) -> tuple[Operation, str] | None:
        """The GET a create links to, with the path parameter that takes the new id."""
        for link in create.links():
            target = self.by_id(link.operation_id)
            if target is None or not target.is_getter:
                continue
            for name, expression in link.parameters.items():
                if expression == "$response.body#/id":
                    return target, name
        return None

    def delete_of(self, create: Operation) -> tuple[Operation, str] | None:
        for link in create.links():
            target = self.by_id(link.operation_id)
            if target is None or target.method != "DELETE":
                continue
            for name, expression in link.parameters.items():
                if expression == "$response.body#/id":
                    return target, name
        return None

    def list_of(self, write: Operation) -> tuple[Operation, dict[str, str]] | None:
        """The list a write shows up in, with the link's query parameter expressions (not the project).

        Taken from the write's links; failing that, the list on the same path (``POST /x`` -> ``GET /x``).
        """
        for link in write.links():
            target = self.by_id(link.operation_id)
            if target is not None and target.is_list:
                query = {k: v for k, v in link.parameters.items() if k != PROJECT_PARAMETER}
                return target, query
        same_path = next((op for op in self.lists if op.path == write.path), None)
        return (same_path, {}) if same_path is not None else None

    def writes_into(self, listing: Operation, *, creates_only: bool = False) -> list[Operation]:
        """The writes (with example bodies) whose results show up in this list."""
        writes = self.creates if creates_only else self.creates_with_body()
        return [op for op in writes if (found := self.list_of(op)) is not None and found[0] is listing]

    def getter_for(self, operation: Operation) -> Operation | None:
        """The GET of the resource an item operation acts on: ``/x/{id}`` for ``PATCH /x/{id}`` and for
        ``POST /x/{id}/close``."""
        path = operation.path
        candidates = [op for op in self.getters if path == op.path or path.startswith(f"{op.path}/")]
        return max(candidates, key=lambda op: len(op.path), default=None)

    def create_linking_to(self, operation: Operation) -> tuple[Operation, str] | None:
        """A create whose link passes the new id to ``operation`` or to the getter of its resource, with the path
        parameter that takes it: how to make a fresh resource for a write on one."""
        targets = [op for op in (operation, self.getter_for(operation)) if op is not None]
        for create in self.creates:
            for link in create.links():
                if not any(self.by_id(link.operation_id) is target for target in targets):
                    continue
                for name, expression in link.parameters.items():
                    if expression == "$response.body#/id":
                        return create, name
        return None

    def create_for(self, delete: Operation) -> tuple[Operation, str] | None:
        """The create whose link leads to this delete, with the delete's id parameter."""
        for create in self.creates:
            found = self.delete_of(create)
            if found is not None and found[0] is delete:
                return create, found[1]
        return None

    def undo_of(self, create: Operation) -> tuple[Operation, str] | None:
        """The operation a create's ``x-hissuno-undo`` link names to take back what it made (revoking a created
        key), with the parameter that takes the new id."""
        for link in create.links():
            target = self.by_id(link.operation_id)
            if target is None or not link.undoes:
                continue
            for name, expression in link.parameters.items():
                if expression == "$response.body#/id":
                    return target, name
        return None

    def creates_with_body(self) -> list[Operation]:
        """Writes that make resources and have an example body: creates, plus POSTs that link to a list."""
        return [
            op
            for op in self.operations
            if op.method == "POST" and op.request_examples() and (op.is_create or self.list_of(op))
        ]
