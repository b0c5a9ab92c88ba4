"""Map a finding's JSON pointer back to a source file and line, for annotations on the pull request.

Pointers are into bundled documents, where shared components were copied in; a pointer under
``/components/<section>/<name>`` therefore lives in ``components.yaml`` unless the document defines that
component itself.
"""

from __future__ import annotations

from functools import cache

import yaml

from contract.pointer import split
from contract.review.loader import Snapshot
from contract.spec import SHARED_FILE
from contract.yaml_reader import compose_yaml


class SourceLocator:
    """``locator(document, pointer) -> (file shown in reports, 1-based line or None)`` for one snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._node = cache(self._compose)

    def _compose(self, file: str) -> yaml.Node | None:
        text = self._snapshot.texts.get(file)
        return compose_yaml(text) if text is not None else None

    def _file(self, document: str, parts: list[str]) -> str:
        try:
            own = self._snapshot.file_of(document)
        except StopIteration:
            return f"{document}.yaml"
        if len(parts) >= 3 and parts[0] == "components" and SHARED_FILE in self._snapshot.texts:
            local = self._snapshot.raw.get(document, {}).get("components", {}).get(parts[1], {}).get(parts[2])
            if not isinstance(local, dict) or str(local.get("$ref", "")).startswith(SHARED_FILE):
                return SHARED_FILE
        return own

    def _line(self, file: str, parts: list[str]) -> int | None:
        node = self._node(file)
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in parts:
            found = _child(node, part)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        return line

    def __call__(self, document: str, pointer: str) -> tuple[str, int | None]:
        parts = split(pointer)
        file = self._file(document, parts)
        return self._snapshot.display_path(file), self._line(file, parts)


def _child(node: yaml.Node, part: str) -> tuple[yaml.Node, yaml.Node] | None:
    """``(node whose line to show, node to descend into)`` for one pointer step."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return key, value
        return None
    if isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
        item = node.value[int(part)]
        return item, item
    return None
