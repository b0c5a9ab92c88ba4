"""Structural comparison of two spec fragments, ignoring prose.

Used where a rule cares that a shared definition (the error envelope, a rate-limit header) is the same
contract on both sides, and wants to say briefly what differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from contract.pointer import deref

PROSE_KEYS = frozenset({"description", "summary", "example", "examples", "title", "externalDocs"})
Difference = tuple[str, Literal["added", "removed", "changed"]]


def canonical(document: Mapping[str, Any], node: Any, depth: int = 0, *, prose: bool = False) -> Any:
    """``node`` with every local ``$ref`` inlined and prose keys dropped (what a client depends on); with
    ``prose``, descriptions and examples kept (what a reader sees)."""
    node, _ = deref(document, node, "")
    if depth > 40:
        return node
    if isinstance(node, dict):
        return {key: canonical(document, value, depth + 1, prose=prose) for key, value in node.items()
                if prose or key not in PROSE_KEYS}
    if isinstance(node, list):
        return [canonical(document, value, depth + 1, prose=prose) for value in node]
    return node


def differences(before: Any, after: Any, path: str = "") -> list[Difference]:
    """Where two canonical fragments differ, as ``(dotted path, added|removed|changed)``."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[Difference] = []
        for key in [*before, *(key for key in after if key not in before)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in after:
                found.append((where, "removed"))
            elif key not in before:
                found.append((where, "added"))
            else:
                found.extend(differences(before[key], after[key], where))
        return found
    if before != after:
        return [(path or "(root)", "changed")]
    return []


def summarize(found: list[Difference], limit: int = 4) -> str:
    """``properties.details removed, required changed`` (the first few)."""
    shown = ", ".join(f"`{where}` {how}" for where, how in found[:limit])
    more = len(found) - limit
    return shown + (f" and {more} more" if more > 0 else "")
