"""The contract on disk: where the OpenAPI documents live, and each one loaded as a self-contained dict.

The documents share ``components.yaml`` through relative ``$ref``s; the tools that read them (Connexion,
Schemathesis, the lint and the review) want one document each, so :func:`bundle` inlines what a document
reaches of the shared file as its own ``#/components/...``. The folder is the checkout's ``openapi/``, or the
copy an installed wheel carries as ``contract/_data/openapi``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

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


def bundle(document: Mapping[str, Any], shared: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``document`` with the shared components it reaches inlined as local components."""
    shared_components = shared.get("components", {})
    result = _rewrite_refs(copy.deepcopy(dict(document)))
    local = result.setdefault("components", {})
    for section, items in list(local.items()):
        for name, item in list(items.items()):
            if item == {"$ref": f"#/components/{section}/{name}"}:
                items[name] = copy.deepcopy(shared_components[section][name])
    pending = list(_local_refs(result))
    while pending:
        section, name = pending.pop()
        if name in local.get(section, {}):
            continue
        try:
            item = copy.deepcopy(shared_components[section][name])
        except KeyError:
            raise ValueError(f"unresolvable $ref #/components/{section}/{name}") from None
        item = _rewrite_refs(item)
        local.setdefault(section, {})[name] = item
        pending.extend(_local_refs(item))
    for section in local:
        local[section] = dict(sorted(local[section].items()))
    return result


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
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            section, _, name = ref[len("#/components/") :].partition("/")
            yield section, name
        for value in node.values():
            yield from _local_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _local_refs(value)


def load_bundled(name: str, directory: Path | None = None) -> dict[str, Any]:
    """Load a document by name and return it bundled (a fresh copy each call: callers may mutate it)."""
    directory = directory or spec_dir()
    return bundle(read_yaml(document_path(name, directory)), read_yaml(directory / SHARED_FILE))


@cache
def _cached_bundle(name: str, directory: Path) -> dict[str, Any]:
    return load_bundled(name, directory)


def bundled(name: str, directory: Path | None = None) -> dict[str, Any]:
    """Like :func:`load_bundled` but shared and cached: treat the result as read-only."""
    return _cached_bundle(name, directory or spec_dir())


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield ``(path, method, operation)`` for every operation of a (bundled) document."""
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]
