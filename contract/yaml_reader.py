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


def measure(root: yaml.Node | None, limit: int) -> tuple[int, int]:
    """``(nodes, depth)`` of the tree once every alias is expanded: the node count capped just past ``limit``
    (past it too for an alias inside itself), and how deeply it nests.

    Aliases share one node, so a small file can stand for billions of nodes ("billion laughs"); any reader
    that walks the data would walk every copy. Counted without recursion, so any depth can be measured.
    """
    if root is None:
        return 0, 0
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not children_done:
            if id(node) in open_nodes:  # reached again before it was finished: an alias inside itself
                return limit + 1, len(open_nodes)
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(id(node))
        counted = [sizes[id(child)] for child in children]
        total = min(1 + sum(count for count, _ in counted), limit + 1)
        sizes[id(node)] = (total, 1 + max((depth for _, depth in counted), default=0))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
