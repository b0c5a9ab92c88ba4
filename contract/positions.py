"""From a JSON pointer into a bundled document back to a file, line and column of its sources.

Findings are found on the bundle, where the shared components were copied in; an author fixes them in
``components.yaml`` or in the document. The bundle says which components came from the shared file, and a
pointer that walks through a ``$ref`` continues where the reference leads, so a finding lands on the line
that holds the thing it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from contract.pointer import MAX_HOPS, split
from contract.source import SourceFile
from contract.spec import SHARED_FILE, Bundle


@dataclass(frozen=True)
class Position:
    file: str  # as reports show it ("openapi/components.yaml")
    line: int | None  # 1-based; None when the file's lines are not known (a JSON file PyYAML could not read)
    column: int | None


class Locator:
    """``locator(pointer) -> Position`` for one bundled document and its source files."""

    def __init__(self, bundle: Bundle, document: SourceFile, shared: SourceFile | None = None) -> None:
        self._bundle = bundle
        self._files = {None: document, SHARED_FILE: shared}

    def __call__(self, pointer: str) -> Position:
        parts = self._through_refs(split(pointer))
        source = self._files.get(self._bundle.origin(parts)) or self._files[None]
        assert source is not None
        line, column = node_position(source.root, parts)
        return Position(source.display, line, column)

    def _through_refs(self, parts: list[str]) -> list[str]:
        """The pointer's parts, with every ``$ref`` it walks through followed (a pointer that ends on a
        ``$ref`` stays there: that line is where the reference is written)."""
        node: Any = self._bundle.document
        walked: list[str] = []
        hops = 0
        for index, part in enumerate(parts):
            ref = node.get("$ref") if isinstance(node, Mapping) else None
            if isinstance(ref, str) and ref.startswith("#") and part not in node and hops < MAX_HOPS:
                hops += 1
                return self._through_refs(split(ref[1:]) + parts[index:])
            node = _child(node, part)
            walked.append(part)
            if node is None:
                return walked + parts[index + 1 :]
        return walked


def _child(node: Any, part: str) -> Any:
    if isinstance(node, Mapping):
        if part in node:
            return node[part]
        for key, value in node.items():  # YAML keys that are not strings (200, true)
            if str(key) == part:
                return value
        return None
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def node_position(root: yaml.Node | None, parts: list[str]) -> tuple[int | None, int | None]:
    """1-based line and column of the deepest node of ``parts`` found in ``root`` (a mapping entry by its key)."""
    if root is None:
        return None, None
    if not parts:
        return 1, 1  # the document as a whole: its first line, comments included
    mark = root.start_mark
    node: yaml.Node = root
    for part in parts:
        found = _child_node(node, part)
        if found is None:
            break
        mark, node = found[0].start_mark, found[1]
    return mark.line + 1, mark.column + 1


def _child_node(node: yaml.Node, part: str) -> tuple[yaml.Node, yaml.Node] | None:
    """``(node whose position to show, node to descend into)`` for one pointer step."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return key, value
        return None
    if isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
        item = node.value[int(part)]
        return item, item
    return None
