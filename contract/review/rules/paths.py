"""Paths and operations: removed, added, renamed operationIds."""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Bump, Check, Finding, Level
from contract.pointer import join
from contract.review.align import DocumentPair, path_key
from contract.review.rules.base import code, found, rule

PATH_REMOVED = Check("api-path-removed-without-deprecation", Level.BREAKING)
DEPRECATED_PATH_REMOVED = Check("api-path-removed-with-deprecation", Level.WARNING, Bump.MAJOR)
OPERATION_REMOVED = Check("api-removed-without-deprecation", Level.BREAKING)
DEPRECATED_OPERATION_REMOVED = Check("api-removed-with-deprecation", Level.WARNING, Bump.MAJOR)
OPERATION_ADDED = Check("endpoint-added", Level.INFO)
OPERATION_ID_CHANGED = Check("api-operation-id-removed", Level.BREAKING)


def _paths(document: dict) -> dict:
    """The path items of a document (none when ``paths`` is not a mapping of mappings: the lint says why)."""
    paths = document.get("paths")
    return {path: item for path, item in paths.items() if isinstance(item, dict)} if isinstance(paths, dict) else {}


@rule(PATH_REMOVED, DEPRECATED_PATH_REMOVED)
def removed_paths(pair: DocumentPair) -> Iterator[Finding]:
    """A path gone from head. Deprecating it first turns the error into a warning (still a major change)."""
    head_keys = {path_key(str(path)) for path in _paths(pair.head)}
    for path, item in _paths(pair.base).items():
        if path_key(str(path)) in head_keys:
            continue
        operations = [op for op in item.values() if isinstance(op, dict) and "responses" in op]
        deprecated = bool(operations) and all(op.get("deprecated") for op in operations)
        check = DEPRECATED_PATH_REMOVED if deprecated else PATH_REMOVED
        how = "after deprecation" if deprecated else "without deprecation"
        yield check.at(pair.name, "/paths", f"removed the path {code(path)} {how}", path=path)


@rule(OPERATION_REMOVED, DEPRECATED_OPERATION_REMOVED)
def removed_operations(pair: DocumentPair) -> Iterator[Finding]:
    """An operation gone from a path that still exists (a removed path is reported once, above)."""
    for operation in pair.operations:
        if operation.head is not None or operation.head_item is None:
            continue
        deprecated = bool(operation.base and operation.base.get("deprecated"))
        check = DEPRECATED_OPERATION_REMOVED if deprecated else OPERATION_REMOVED
        how = "after deprecation" if deprecated else "without deprecation"
        where = join("", "paths", operation.path)
        yield found(check, pair, operation, where, f"removed the operation {how}")


@rule(OPERATION_ADDED)
def added_operations(pair: DocumentPair) -> Iterator[Finding]:
    """A new operation is an addition: a minor bump."""
    for operation in pair.operations:
        if operation.added:
            name = operation.head.get("operationId")
            message = f"added the operation {code(name)}" if name else "added the operation"
            yield found(OPERATION_ADDED, pair, operation, operation.head_pointer, message)


@rule(OPERATION_ID_CHANGED)
def operation_id_changed(pair: DocumentPair) -> Iterator[Finding]:
    """SDKs name their methods after operationIds, so renaming one breaks every SDK caller."""
    for operation in pair.matched_operations:
        before = (operation.base or {}).get("operationId")
        after = (operation.head or {}).get("operationId")
        if before and before != after:
            message = f"operationId {code(before)} was removed" + (f" and replaced with {code(after)}" if after else "")
            yield found(OPERATION_ID_CHANGED, pair, operation, join(operation.head_pointer, "operationId"), message)
