"""JSON pointers (RFC 6901) and local ``$ref``s: build, split and follow them.

Lint and review name every finding by the pointer of the node it is about, and every reader of a bundled
document follows ``#/components/...`` references; this is the one place that knows how.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_HOPS = 64  # a longer chain of $ref to $ref is a cycle
_MISSING = object()


def escape(part: object) -> str:
    """One raw key as a pointer segment (``~`` becomes ``~0``, ``/`` becomes ``~1``)."""
    return str(part).replace("~", "~0").replace("/", "~1")


def unescape(segment: str) -> str:
    """One pointer segment as the raw key it stands for."""
    return segment.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *parts: object) -> str:
    """``pointer`` extended with raw keys: ``join("/paths", "/v1/sessions")`` is ``/paths/~1v1~1sessions``."""
    return pointer + "".join("/" + escape(part) for part in parts)


def pointer(*parts: object) -> str:
    """A pointer from the document's root through raw keys; ``/`` for the root itself."""
    return join("", *parts) or "/"


def split(pointer: str) -> list[str]:
    """The raw keys of a pointer (``""`` and ``"/"`` alike name the root)."""
    return [unescape(segment) for segment in pointer.split("/")[1:]] if pointer.strip("/") else []


def local_ref(node: Any) -> str | None:
    """The ``#/...`` reference ``node`` is, or None when it is anything else."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref if isinstance(ref, str) and ref.startswith("#/") else None


def _lookup(document: Mapping[str, Any], ref: str) -> Any:
    """The node a local reference names, or ``_MISSING``."""
    node: Any = document
    for key in split(ref[1:]):
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return _MISSING
    return node


def lookup(document: Mapping[str, Any], ref: str) -> Any:
    """The node a local reference (``#/...``) names, or None when there is none."""
    found = _lookup(document, ref)
    return None if found is _MISSING else found


def deref(document: Mapping[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    """Follow local ``$ref``s from ``node`` (found at ``pointer``): the node they lead to and its pointer.

    A reference to nothing (or to ``null``), or a chain of references that comes back to itself, leads to
    ``{}`` at the pointer it names, so a reader of a broken document sees an empty node instead of an error.
    """
    for _ in range(MAX_HOPS):
        ref = local_ref(node)
        if ref is None:
            return node, pointer
        target = _lookup(document, ref)
        if target is _MISSING or target is None:
            return {}, ref[1:]
        node, pointer = target, ref[1:]
    return {}, pointer


def resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s from ``node`` to the object they name; a reference to nothing is a KeyError."""
    for _ in range(MAX_HOPS):
        ref = local_ref(node)
        if ref is None:
            return node
        node = _lookup(document, ref)
        if node is _MISSING:
            raise KeyError(ref)
    raise ValueError("circular $ref")
