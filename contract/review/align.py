"""Line up the base and head versions of one bundled document, node by node.

Rules ask simple questions ("which response properties exist only in base?"), so the hard part, pairing
operations, parameters, bodies, responses, headers and schemas across two documents while following
``$ref``s and merging ``allOf``s, happens once, here. Every pair keeps the JSON pointer of each side: the
pointer of the node a ``$ref`` leads to (``/components/schemas/Session/properties/status``), because that
is where an author fixes it.

Error bodies that use the shared ``Error`` schema on both sides are not walked: the error envelope is
compared once, by the ``hissuno-error-schema-changed`` rule, instead of once per operation and status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from contract.conventions import ERROR_SCHEMA_REF
from contract.pointer import deref, join
from contract.spec import HTTP_METHODS

Origin = Literal["parameter", "request", "response", "callback"]
Kind = Literal["root", "property", "items", "additionalProperties", "variant"]

_COMBINED_KEYS = ("allOf", "properties", "required")
_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "deprecated", "externalDocs"})
_TEMPLATE = re.compile(r"\{[^}]*\}")
_MAX_DEPTH = 32


def path_key(path: str) -> str:
    """A path with its template variables blanked, so renaming ``{id}`` is not a removed path."""
    return _TEMPLATE.sub("{}", path)


class _TwoSides:
    """Whether a paired node exists only in head (added) or only in base (removed)."""

    base: Any
    head: Any

    @property
    def added(self) -> bool:
        return self.base is None and self.head is not None

    @property
    def removed(self) -> bool:
        return self.base is not None and self.head is None


@dataclass(frozen=True)
class OperationPair(_TwoSides):
    base_path: str | None
    head_path: str | None
    method: str
    base: dict[str, Any] | None
    head: dict[str, Any] | None
    base_pointer: str
    head_pointer: str
    base_item: dict[str, Any] | None
    head_item: dict[str, Any] | None

    @property
    def path(self) -> str:
        """The head's spelling of the path, or the base's when the operation is gone."""
        return self.head_path or self.base_path or ""

    @property
    def pointer(self) -> str:
        return self.head_pointer if self.head is not None else self.base_pointer


@dataclass(frozen=True)
class NodePair(_TwoSides):
    """Two versions of one named child of an operation (a parameter, a response, a header, a media type)."""

    operation: OperationPair
    key: str
    base: dict[str, Any] | None
    head: dict[str, Any] | None
    base_pointer: str
    head_pointer: str
    parent_pointer: str  # where the child lives (or lived) in head, for things that are gone

    @property
    def pointer(self) -> str:
        return self.head_pointer if self.head is not None else self.parent_pointer


@dataclass(frozen=True)
class SchemaView:
    """A schema with its ``$ref`` followed and its ``allOf`` parts merged into one set of keywords."""

    keywords: dict[str, Any]
    pointer: str
    properties: dict[str, tuple[Any, str]]
    required: frozenset[str]

    @property
    def types(self) -> frozenset[str]:
        """The declared types, without ``"null"`` (that is :attr:`nullable`)."""
        declared = self.keywords.get("type")
        if declared is None:
            return frozenset({"object"}) if self.properties else frozenset()
        return frozenset(declared if isinstance(declared, list) else [declared]) - {"null"}

    @property
    def nullable(self) -> bool:
        """``nullable: true`` (3.0), or ``"null"`` among the types (3.1)."""
        declared = self.keywords.get("type")
        return bool(self.keywords.get("nullable")) or (isinstance(declared, list) and "null" in declared)

    @property
    def enum(self) -> list[Any] | None:
        values = self.keywords.get("enum")
        return list(values) if isinstance(values, list) else None


def _is_null_branch(document: Mapping[str, Any], node: Any) -> bool:
    """A schema that admits only ``null``: ``{type: "null"}`` (3.1) or ``{nullable: true, enum: [null]}`` (3.0)."""
    node, _ = deref(document, node, "")
    if not isinstance(node, dict):
        return False
    return node.get("type") in ("null", ["null"]) or (node.get("nullable") is True and node.get("enum") == [None])


def _nullable_wrap(document: Mapping[str, Any], node: dict[str, Any]) -> tuple[str, int] | None:
    """``(combinator, index of the other branch)`` when ``node`` only makes a schema nullable: a ``oneOf`` or
    ``anyOf`` of exactly two branches, one of them null-only, and nothing else but annotations."""
    for combinator in ("oneOf", "anyOf"):
        branches = node.get(combinator)
        if not isinstance(branches, list) or len(branches) != 2 or set(node) - _ANNOTATIONS - {combinator}:
            continue
        nulls = [_is_null_branch(document, branch) for branch in branches]
        if nulls.count(True) == 1:
            return combinator, nulls.index(False)
    return None


def view(document: Mapping[str, Any], node: Any, pointer: str, depth: int = 0) -> SchemaView:
    """Build the merged view of a schema node (``allOf`` parts first, the node's own keywords win).

    The three ways to allow ``null`` read alike, as oasdiff reads them: ``nullable: true``, a ``"null"`` type,
    and a ``oneOf``/``anyOf`` wrapping a schema with a null-only branch (the view of the wrapped schema, nullable).
    """
    node, pointer = deref(document, node, pointer)
    if not isinstance(node, dict):
        return SchemaView({}, pointer, {}, frozenset())
    wrap = _nullable_wrap(document, node) if depth < _MAX_DEPTH else None
    if wrap is not None:
        combinator, index = wrap
        inner = view(document, node[combinator][index], join(pointer, combinator, index), depth + 1)
        annotations = {key: value for key, value in node.items() if key in _ANNOTATIONS}
        keywords = {**inner.keywords, **annotations, "nullable": True}
        return SchemaView(keywords, inner.pointer, inner.properties, inner.required)
    keywords: dict[str, Any] = {}
    properties: dict[str, tuple[Any, str]] = {}
    required: set[str] = set()
    if depth < _MAX_DEPTH:
        for index, part in enumerate(_list(node, "allOf")):
            merged = view(document, part, join(pointer, "allOf", index), depth + 1)
            keywords.update(merged.keywords)
            properties.update(merged.properties)
            required |= merged.required
    keywords.update({key: value for key, value in node.items() if key not in _COMBINED_KEYS})
    for name, sub in _mapping(node, "properties").items():
        properties[name] = (sub, join(pointer, "properties", name))
    required |= {name for name in _list(node, "required") if isinstance(name, str)}
    return SchemaView(keywords, pointer, properties, frozenset(required))


def _mapping(node: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``node[key]`` when it is a mapping, else empty (a broken document is compared as far as it goes)."""
    value = node.get(key)
    return value if isinstance(value, Mapping) else {}


def _list(node: Mapping[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class SchemaPair:
    """Two versions of one schema node, seen through one operation's parameter, body or response."""

    operation: OperationPair
    origin: Origin
    where: str  # "request body", "response 200", "query parameter status", "webhook event payload"
    status: str | None
    property: str  # "data/items/status"; "" for the root of a body or parameter
    kind: Kind
    base: SchemaView | None
    head: SchemaView | None
    base_required: bool
    head_required: bool
    parent_pointer: str
    base_site: str = ""  # where the node is declared (a property's entry, before its $ref is followed)
    head_site: str = ""

    @property
    def site(self) -> str:
        """Where the node is declared in head, or was declared in base when it is gone."""
        if self.head is not None:
            return self.head_site or self.head.pointer
        return self.base_site or self.pointer

    @property
    def pointer(self) -> str:
        """Where the node is in head, or, when it is gone, where it was in base (the component it lived in)."""
        if self.head is not None:
            return self.head.pointer
        return self.base.pointer if self.base is not None else self.parent_pointer


def _pairs_by_key(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> Iterator[str]:
    """Keys of two mappings, base order first, then the ones only head has."""
    base, head = base or {}, head or {}
    yield from base
    yield from (key for key in head if key not in base)


@dataclass
class DocumentPair:
    """The base and head versions of one bundled document, with everything the rules compare."""

    name: str
    base: dict[str, Any]
    head: dict[str, Any]

    @cached_property
    def operations(self) -> list[OperationPair]:
        """Every operation of either side, matched on method and path template."""
        base_paths = {path_key(str(path)): path for path in _mapping(self.base, "paths")}
        head_paths = {path_key(str(path)): path for path in _mapping(self.head, "paths")}
        pairs = []
        for key in _pairs_by_key(base_paths, head_paths):
            base_path, head_path = base_paths.get(key), head_paths.get(key)
            base_item = self.base["paths"][base_path] if base_path else None
            head_item = self.head["paths"][head_path] if head_path else None
            for method in HTTP_METHODS:
                base_op = base_item.get(method) if base_item else None
                head_op = head_item.get(method) if head_item else None
                if base_op is None and head_op is None:
                    continue
                pairs.append(
                    OperationPair(
                        base_path=base_path if base_op is not None else None,
                        head_path=head_path if head_op is not None else None,
                        method=method,
                        base=base_op,
                        head=head_op,
                        base_pointer=join("", "paths", base_path or "", method),
                        head_pointer=join("", "paths", head_path or "", method),
                        base_item=base_item,
                        head_item=head_item,
                    )
                )
        return pairs

    @cached_property
    def matched_operations(self) -> list[OperationPair]:
        return [pair for pair in self.operations if pair.base is not None and pair.head is not None]

    def _parameters(self, document: dict[str, Any], pair: OperationPair, side: str) -> dict[str, tuple]:
        item = pair.base_item if side == "base" else pair.head_item
        operation = pair.base if side == "base" else pair.head
        path = (pair.base_path if side == "base" else pair.head_path) or ""
        placeholders = [match[1:-1] for match in _TEMPLATE.findall(path)]
        item_pointer = join("", "paths", path)
        found: dict[str, tuple] = {}
        sources = [(item or {}, item_pointer), (operation or {}, join(item_pointer, pair.method))]
        for container, pointer in sources:
            for index, raw in enumerate(_list(container, "parameters")):
                parameter, where = deref(document, raw, join(pointer, "parameters", index))
                if not isinstance(parameter, dict):
                    continue
                name, location = parameter.get("name"), parameter.get("in")
                if location == "path" and name in placeholders:
                    name = f"#{placeholders.index(name)}"
                found[f"{location}:{name}"] = (parameter, where)
        return found

    @cached_property
    def parameters(self) -> list[NodePair]:
        """Parameters (path-item and operation level merged) of matched operations, keyed by ``in:name``.

        Path parameters are keyed by their position in the template, so a renamed ``{id}`` still matches.
        """
        pairs = []
        for operation in self.matched_operations:
            base = self._parameters(self.base, operation, "base")
            head = self._parameters(self.head, operation, "head")
            for key in _pairs_by_key(base, head):
                base_node, base_pointer = base.get(key, (None, ""))
                head_node, head_pointer = head.get(key, (None, ""))
                parent = join(operation.head_pointer, "parameters")
                pairs.append(NodePair(operation, key, base_node, head_node, base_pointer, head_pointer, parent))
        return pairs

    @cached_property
    def request_bodies(self) -> list[NodePair]:
        """The request body of every matched operation that has one on either side."""
        pairs = []
        for operation in self.matched_operations:
            base, base_pointer = self._child(self.base, operation.base, operation.base_pointer, "requestBody")
            head, head_pointer = self._child(self.head, operation.head, operation.head_pointer, "requestBody")
            if base is not None or head is not None:
                pairs.append(
                    NodePair(operation, "requestBody", base, head, base_pointer, head_pointer, operation.head_pointer)
                )
        return pairs

    @staticmethod
    def _child(document: dict[str, Any], parent: Any, pointer: str, key: str) -> tuple[Any, str]:
        if not isinstance(parent, dict) or key not in parent:
            return None, ""
        return deref(document, parent[key], join(pointer, key))

    @cached_property
    def responses(self) -> list[NodePair]:
        """Responses of matched operations, keyed by status (as a string)."""
        pairs = []
        for operation in self.matched_operations:
            base = {str(status): value for status, value in _mapping(operation.base or {}, "responses").items()}
            head = {str(status): value for status, value in _mapping(operation.head or {}, "responses").items()}
            for status in _pairs_by_key(base, head):
                base_node, base_pointer = deref(
                    self.base, base.get(status), join(operation.base_pointer, "responses", status)
                )
                head_node, head_pointer = deref(
                    self.head, head.get(status), join(operation.head_pointer, "responses", status)
                )
                parent = join(operation.head_pointer, "responses")
                pairs.append(NodePair(operation, status, base_node, head_node, base_pointer, head_pointer, parent))
        return pairs

    def children(self, pair: NodePair, section: str) -> list[NodePair]:
        """Named children (``content`` media types, ``headers``) of a pair present on both sides."""
        if pair.base is None or pair.head is None:
            return []
        base, head = pair.base.get(section, {}) or {}, pair.head.get(section, {}) or {}
        result = []
        for key in _pairs_by_key(base, head):
            base_node, base_pointer = deref(self.base, base.get(key), join(pair.base_pointer, section, key))
            head_node, head_pointer = deref(self.head, head.get(key), join(pair.head_pointer, section, key))
            parent = join(pair.head_pointer, section)
            result.append(NodePair(pair.operation, key, base_node, head_node, base_pointer, head_pointer, parent))
        return result

    @cached_property
    def callbacks(self) -> list[NodePair]:
        """Callback operations (webhook deliveries), keyed by ``name expression method``."""
        pairs = []
        for operation in self.matched_operations:
            base = dict(self._callback_operations(self.base, operation.base, operation.base_pointer))
            head = dict(self._callback_operations(self.head, operation.head, operation.head_pointer))
            for key in _pairs_by_key(base, head):
                base_node, base_pointer = base.get(key, (None, ""))
                head_node, head_pointer = head.get(key, (None, ""))
                parent = join(operation.head_pointer, "callbacks")
                pairs.append(NodePair(operation, key, base_node, head_node, base_pointer, head_pointer, parent))
        return pairs

    @staticmethod
    def _callback_operations(document: dict[str, Any], operation: Any, pointer: str) -> Iterator[tuple[str, tuple]]:
        for name, callback in _mapping(operation or {}, "callbacks").items():
            callback, callback_pointer = deref(document, callback, join(pointer, "callbacks", name))
            for expression, item in (callback or {}).items():
                item, item_pointer = deref(document, item, join(callback_pointer, expression))
                for method in HTTP_METHODS:
                    if isinstance(item, dict) and method in item:
                        yield f"{name} {expression} {method}", (item[method], join(item_pointer, method))

    @cached_property
    def schemas(self) -> list[SchemaPair]:
        """Every aligned schema node reachable from parameters, request bodies, responses and callbacks."""
        pairs: list[SchemaPair] = []
        for parameter in self.parameters:
            if parameter.base is None or parameter.head is None:
                continue
            location, _, name = parameter.key.partition(":")
            if name.startswith("#"):
                name = parameter.head.get("name", name)
            where = f"{location} parameter `{name}`"
            pairs += self._schema_tree(parameter, "schema", "parameter", where, None)
        for body in self.request_bodies:
            for media in self.children(body, "content"):
                pairs += self._schema_tree(media, "schema", "request", self._media_label("request body", media), None)
        for response in self.responses:
            for media in self.children(response, "content"):
                if self._both_shared_error(media):
                    continue
                where = self._media_label(f"response {response.key}", media)
                pairs += self._schema_tree(media, "schema", "response", where, response.key)
        for callback in self.callbacks:
            if callback.base is None or callback.head is None:
                pairs.append(self._root_only(callback))
                continue
            for body in self._callback_bodies(callback):
                for media in self.children(body, "content"):
                    pairs += self._schema_tree(media, "schema", "callback", "webhook payload", None)
        return pairs

    def _callback_bodies(self, callback: NodePair) -> list[NodePair]:
        base, base_pointer = self._child(self.base, callback.base, callback.base_pointer, "requestBody")
        head, head_pointer = self._child(self.head, callback.head, callback.head_pointer, "requestBody")
        if base is None and head is None:
            return []
        return [NodePair(callback.operation, callback.key, base, head, base_pointer, head_pointer, callback.pointer)]

    def _root_only(self, callback: NodePair) -> SchemaPair:
        """A callback present on one side only, as a one-sided root schema pair."""
        side = SchemaView({}, callback.base_pointer or callback.head_pointer, {}, frozenset())
        return SchemaPair(
            callback.operation,
            "callback",
            f"webhook delivery `{callback.key}`",
            None,
            "",
            "root",
            side if callback.base is not None else None,
            side if callback.head is not None else None,
            True,
            True,
            callback.parent_pointer,
        )

    @staticmethod
    def _media_label(prefix: str, media: NodePair) -> str:
        return prefix if media.key == "application/json" else f"{prefix} ({media.key})"

    @staticmethod
    def _both_shared_error(media: NodePair) -> bool:
        refs = [((side or {}).get("schema") or {}).get("$ref") for side in (media.base, media.head)]
        return refs == [ERROR_SCHEMA_REF, ERROR_SCHEMA_REF]

    def _schema_tree(
        self, holder: NodePair, key: str, origin: Origin, where: str, status: str | None
    ) -> list[SchemaPair]:
        if holder.base is None or holder.head is None:
            return []
        base_node, head_node = holder.base.get(key), holder.head.get(key)
        if base_node is None and head_node is None:
            return []
        base = view(self.base, base_node, join(holder.base_pointer, key)) if base_node is not None else None
        head = view(self.head, head_node, join(holder.head_pointer, key)) if head_node is not None else None
        context = (holder.operation, origin, where, status)
        return list(self._align(context, "", "root", base, head, True, True, holder.head_pointer, frozenset()))

    def _align(
        self,
        context: tuple[OperationPair, Origin, str, str | None],
        prop: str,
        kind: Kind,
        base: SchemaView | None,
        head: SchemaView | None,
        base_required: bool,
        head_required: bool,
        parent_pointer: str,
        seen: frozenset[tuple[str, str]],
        sites: tuple[str, str] = ("", ""),
    ) -> Iterator[SchemaPair]:
        operation, origin, where, status = context
        base_site, head_site = sites
        yield SchemaPair(
            operation,
            origin,
            where,
            status,
            prop,
            kind,
            base,
            head,
            base_required,
            head_required,
            parent_pointer,
            base_site,
            head_site,
        )
        if base is None or head is None or len(seen) >= _MAX_DEPTH:
            return
        visit = (base.pointer, head.pointer)
        if visit in seen:
            return
        seen = seen | {visit}
        for name in _pairs_by_key(base.properties, head.properties):
            base_entry, head_entry = base.properties.get(name), head.properties.get(name)
            yield from self._align(
                context,
                f"{prop}/{name}".lstrip("/"),
                "property",
                self._sub(self.base, base_entry),
                self._sub(self.head, head_entry),
                name in base.required,
                name in head.required,
                join(head.pointer, "properties"),
                seen,
                (base_entry[1] if base_entry else "", head_entry[1] if head_entry else ""),
            )
        for keyword, kind_of in (("items", "items"), ("additionalProperties", "additionalProperties")):
            base_sub, head_sub = base.keywords.get(keyword), head.keywords.get(keyword)
            if isinstance(base_sub, dict) and isinstance(head_sub, dict):
                yield from self._align(
                    context,
                    f"{prop}/{keyword}".lstrip("/"),
                    kind_of,
                    view(self.base, base_sub, join(base.pointer, keyword)),
                    view(self.head, head_sub, join(head.pointer, keyword)),
                    True,
                    True,
                    head.pointer,
                    seen,
                )
        for combinator in ("oneOf", "anyOf"):
            base_variants = self._variants(self.base, base, combinator)
            head_variants = self._variants(self.head, head, combinator)
            inlined = any(keys and all(key.isdigit() for key in keys) for keys in (base_variants, head_variants))
            if inlined and set(base_variants) != set(head_variants) and len(base_variants) == len(head_variants):
                # one side inlines what the other references (a served document): pair them by position
                base_variants = dict(zip(map(str, range(len(base_variants))), base_variants.values(), strict=True))
                head_variants = dict(zip(map(str, range(len(head_variants))), head_variants.values(), strict=True))
            for name in _pairs_by_key(base_variants, head_variants):
                yield from self._align(
                    context,
                    f"{prop}/{combinator}/{name}".lstrip("/"),
                    "variant",
                    base_variants.get(name),
                    head_variants.get(name),
                    True,
                    True,
                    join(head.pointer, combinator),
                    seen,
                )

    @staticmethod
    def _sub(document: dict[str, Any], entry: tuple[Any, str] | None) -> SchemaView | None:
        return None if entry is None else view(document, entry[0], entry[1])

    @staticmethod
    def _variants(document: dict[str, Any], schema: SchemaView, combinator: str) -> dict[str, SchemaView]:
        """Variants keyed by the component they reference (by position when inline)."""
        variants = {}
        for index, raw in enumerate(schema.keywords.get(combinator, []) or []):
            ref = raw.get("$ref", "") if isinstance(raw, dict) else ""
            name = ref.rsplit("/", 1)[-1] if ref else str(index)
            variants[name] = view(document, raw, join(schema.pointer, combinator, index))
        return variants

    @cached_property
    def event_type_pointers(self) -> frozenset[str]:
        """Pointers of the schemas that list webhook event types (the ``type`` of every delivery payload)."""
        found = set()
        for document in (self.base, self.head):
            for _, schema in webhook_event_types(document):
                found.add(schema.pointer)
        return frozenset(found)


def webhook_event_types(document: dict[str, Any]) -> Iterator[tuple[str, SchemaView]]:
    """``(callback pointer, view of the payload's type)`` for every webhook delivery that declares one."""
    for path, item in _mapping(document, "paths").items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            pointer = join("", "paths", path, method)
            for _, (callback, callback_pointer) in DocumentPair._callback_operations(document, operation, pointer):
                body, body_pointer = deref(document, callback.get("requestBody"), join(callback_pointer, "requestBody"))
                for content_type, media in _mapping(body or {}, "content").items():
                    schema = view(document, media.get("schema"), join(body_pointer, "content", content_type, "schema"))
                    if "type" in schema.properties:
                        sub, sub_pointer = schema.properties["type"]
                        yield callback_pointer, view(document, sub, sub_pointer)
