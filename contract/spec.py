"""The contract on disk: where the OpenAPI documents live, and each one loaded as a self-contained dict.

The documents share ``components.yaml`` through relative ``$ref``s; the tools that read them (Connexion,
Schemathesis, the lint and the review) want one document each, so :func:`bundle` inlines what a document
reaches of the shared file as its own ``#/components/...``. The folder is the checkout's ``openapi/``, or the
copy an installed wheel carries as ``contract/_data/openapi``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from contract.pointer import join, lookup, split
from contract.yaml_reader import read_yaml

SHARED_FILE = "components.yaml"
DOCUMENTS = ("internal", "v1")
_PACKAGED = Path(__file__).parent / "_data" / "openapi"
_SOURCE_TREE = Path(__file__).resolve().parent.parent / "openapi"


def spec_dir() -> Path:
    """The folder holding the documents: the copy shipped in the wheel, else the source tree's."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


def document_path(name: str, directory: Path | None = None) -> Path:
    """Path of a document by name (``internal`` or ``v1``)."""
    return (directory or spec_dir()) / f"{name}.yaml"


@dataclass(frozen=True)
class Bundle:
    """A bundled document and, for each component it holds, the file it came from (``components.yaml`` for
    shared ones), so a pointer into the bundle can be traced back to a line of a source file."""

    document: dict[str, Any]
    shared: frozenset[tuple[str, str]]  # (section, name) of the components copied from the shared file

    def origin(self, pointer_parts: list[str]) -> str | None:
        """``SHARED_FILE`` when the pointer lies in a component copied from it, else None (the document)."""
        if len(pointer_parts) >= 3 and pointer_parts[0] == "components":
            return SHARED_FILE if (pointer_parts[1], pointer_parts[2]) in self.shared else None
        return None


def bundle(document: Mapping[str, Any], shared: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``document`` with the shared components it reaches inlined as local components.

    A reference that leads nowhere is a ``ValueError`` (see :func:`bundle_sources` for a tolerant bundle).
    """
    result = bundle_sources(document, shared).document
    for _, ref in dangling_refs(result):
        raise ValueError(f"unresolvable $ref {ref}")
    return result


def bundle_sources(document: Mapping[str, Any], shared: Mapping[str, Any]) -> Bundle:
    """Bundle ``document`` with what it reaches of ``shared``; references that lead nowhere are left as they are
    (:func:`dangling_refs` lists them), so a broken document still bundles."""
    shared_components = shared.get("components") if isinstance(shared, Mapping) else None
    if not isinstance(shared_components, Mapping):
        shared_components = {}
    result = _rewrite_refs(copy.deepcopy(dict(document)))
    local = result.setdefault("components", {})
    if not isinstance(local, dict):  # a broken document (the lint says so): nothing can be copied into it
        return Bundle(result, frozenset())
    copied: set[tuple[str, str]] = set()
    for section, items in list(local.items()):
        for name, item in list(items.items()) if isinstance(items, dict) else ():
            if item == {"$ref": f"#/components/{section}/{name}"} and _has(shared_components, section, name):
                items[name] = _rewrite_refs(copy.deepcopy(shared_components[section][name]))
                copied.add((section, name))
    _copy_reached(local, shared_components, list(_local_refs(result)), copied)
    own = document.get("components")
    result["components"] = _ordered(local, list(own) if isinstance(own, Mapping) else [], list(shared_components))
    return Bundle(result, frozenset(copied))


def _ordered(local: dict[str, Any], own: list[str], shared: list[str]) -> dict[str, Any]:
    """Sections in the order the document, then the shared file, writes them; items by name."""
    order = list(dict.fromkeys([*own, *shared, *local]))
    sections = {section: local[section] for section in order if section in local}
    for section, items in sections.items():
        if isinstance(items, dict):
            sections[section] = dict(sorted(items.items(), key=lambda item: str(item[0])))
    return sections


def _has(components: Mapping[str, Any], section: str, name: str) -> bool:
    items = components.get(section)
    return isinstance(items, Mapping) and name in items


def _copy_reached(
    local: dict[str, Any], shared: Mapping[str, Any], pending: list[tuple[str, str]], copied: set[tuple[str, str]]
) -> None:
    """Copy every shared component the pending references reach, and what those reach in turn."""
    while pending:
        section, name = pending.pop()
        items = local.get(section)
        if (isinstance(items, dict) and name in items) or not _has(shared, section, name):
            continue
        item = _rewrite_refs(copy.deepcopy(shared[section][name]))
        if not isinstance(items, dict):
            items = local[section] = {}
        items[name] = item
        copied.add((section, name))
        pending.extend(_local_refs(item))


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(f"{SHARED_FILE}#"):
            node["$ref"] = ref[len(SHARED_FILE) :]
        for value in node.values():
            _rewrite_refs(value)
    elif isinstance(node, list):
        for value in node:
            _rewrite_refs(value)
    return node


def _local_refs(node: Any) -> Iterator[tuple[str, str]]:
    """``(section, name)`` of every ``#/components/<section>/<name>...`` reference under ``node``."""
    for _, ref in refs(node):
        if ref.startswith("#/components/"):
            parts = split(ref[1:])
            if len(parts) >= 3:
                yield parts[1], parts[2]


def refs(node: Any, at: str = "") -> Iterator[tuple[str, str]]:
    """``(pointer of the node holding it, reference)`` for every string ``$ref`` under ``node``."""
    pending: list[tuple[Any, str]] = [(node, at)]
    while pending:
        current, where = pending.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield where, ref
            for key, value in current.items():
                if isinstance(value, (dict, list)):
                    pending.append((value, join(where, key)))
        elif isinstance(current, list):
            for index, value in enumerate(current):
                if isinstance(value, (dict, list)):
                    pending.append((value, join(where, index)))


def dangling_refs(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(pointer, reference)`` of every reference in a bundled document that does not lead to a node in it."""
    found = []
    for where, ref in refs(document):
        if not ref.startswith("#") or lookup(document, ref) is None:
            found.append((where, ref))
    return sorted(found)


def load_bundled(name: str, directory: Path | None = None) -> dict[str, Any]:
    """Load a document by name and return it bundled (a fresh copy each call: callers may mutate it)."""
    return load_bundled_file(document_path(name, directory or spec_dir()))


def load_bundled_file(path: Path) -> dict[str, Any]:
    """Load the document at ``path`` bundled with the ``components.yaml`` beside it, when there is one."""
    shared = path.parent / SHARED_FILE
    return bundle(read_yaml(path), read_yaml(shared) if shared.is_file() else {})


@cache
def _cached_bundle(name: str, directory: Path) -> dict[str, Any]:
    return load_bundled(name, directory)


def bundled(name: str, directory: Path | None = None) -> dict[str, Any]:
    """Like :func:`load_bundled` but shared and cached: treat the result as read-only."""
    return _cached_bundle(name, directory or spec_dir())


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield ``(path, method, operation)`` for every operation of a (bundled) document; parts that are not
    objects (a broken document) are passed over."""
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, Mapping) else ():
        for method in HTTP_METHODS:
            if isinstance(item, Mapping) and isinstance(item.get(method), dict):
                yield path, method, item[method]
