"""The one way the contract's YAML files are read: libyaml's safe loader, a mapping at the top, one-line errors.

The spec loader, the lint and the review all read the same files; reading them alike means one answer to
"is this file usable" and one error message for a broken one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """A file that is not YAML, or not a mapping at its top level; the message is one line naming it."""


def parse_yaml(text: str, where: str) -> dict[str, Any]:
    """The mapping ``text`` holds; ``where`` names it in the error."""
    try:
        data = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise YamlError(f"{where}: not valid YAML ({first})") from None
    if not isinstance(data, dict):
        raise YamlError(f"{where}: expected a mapping at the top level")
    return data


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in the file at ``path`` (an unreadable file is an OSError)."""
    return parse_yaml(path.read_text(encoding="utf-8"), str(path))


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of ``text``, with each node's line and column; None when it is not YAML."""
    try:
        return yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError:
        return None


def load_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """The data ``text`` holds and its node tree, from one parse (``yaml.YAMLError`` when it is not YAML)."""
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def duplicate_keys(root: yaml.Node | None) -> list[yaml.Node]:
    """Key nodes that repeat a key of the same mapping (YAML forbids it; PyYAML keeps the last silently)."""
    found: list[yaml.Node] = []
    seen: set[int] = set()
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[tuple[str, str]] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if (key.tag, key.value) in keys:
                        found.append(key)
                    keys.add((key.tag, key.value))
                pending.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    return sorted(found, key=lambda key: (key.start_mark.line, key.start_mark.column))


def expanded_size(root: yaml.Node | None, limit: int) -> int:
    """How many nodes the tree holds once every alias is expanded, counted up to just past ``limit``.

    Aliases share one node, so a small file can stand for billions of nodes ("billion laughs"); any reader
    that walks the data would walk every copy.
    """
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = limit + 1  # a node inside itself (a recursive alias) is unbounded
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        total = 1
        for child in children:
            total = min(total + size(child), limit + 1)
        sizes[id(node)] = total
        return total

    return size(root) if root is not None else 0
