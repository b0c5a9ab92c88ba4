"""A kind's documents as a shared backend held them at one version, kept parsed by each worker until it moves.

A worker's own write moves the snapshot with it (one document replaced, the version counted on) rather than
dropping it: an import of 500 rows would otherwise parse the whole kind again after every row.
"""

from __future__ import annotations

from mockserver.stores.query import Doc


class Snapshot:
    """A kind's parsed documents at one version, by id, with lookups built on first use."""

    __slots__ = ("_indexes", "by_id", "version")

    def __init__(self, version: int, docs: list[Doc]) -> None:
        self.version = version
        self.by_id = {doc["id"]: doc for doc in docs}
        self._indexes: dict[str, dict[str, Doc]] = {}

    @property
    def docs(self) -> list[Doc]:
        return list(self.by_id.values())

    def index(self, field: str) -> dict[str, Doc]:
        """Documents by ``field`` folded to lower case (the first one wins, as a scan would find it)."""
        index = self._indexes.get(field)
        if index is None:
            index = self._indexes[field] = {}
            for doc in reversed(self.by_id.values()):
                _add(index, field, doc)
        return index

    def follow(self, before: int, after: int, doc_id: str, doc: Doc | None) -> bool:
        """Take in a write of this process (``doc`` ``None`` for a delete) that moved the kind from version
        ``before`` to ``after``; False when this snapshot was not at ``before`` (then it is stale)."""
        if self.version != before:
            return False
        old = self.by_id.pop(doc_id, None) if doc is None else self.by_id.get(doc_id)
        if doc is not None:
            self.by_id[doc_id] = doc
        for field, index in self._indexes.items():
            if old is not None and isinstance(old.get(field), str) and index.get(old[field].casefold()) is old:
                del index[old[field].casefold()]
            if doc is not None:
                _add(index, field, doc)
        self.version = after
        return True


def _add(index: dict[str, Doc], field: str, doc: Doc) -> None:
    value = doc.get(field)
    if isinstance(value, str):
        index[value.casefold()] = doc
