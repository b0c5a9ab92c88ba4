"""A kind's documents as a shared backend held them at one version, kept parsed by each worker until it moves."""

from __future__ import annotations

from mockserver.stores.query import Doc


class Snapshot:
    """A kind's parsed documents at one version, with lookups built on first use."""

    __slots__ = ("_by_id", "_indexes", "docs", "version")

    def __init__(self, version: int, docs: list[Doc]) -> None:
        self.version = version
        self.docs = docs
        self._by_id: dict[str, Doc] | None = None
        self._indexes: dict[str, dict[str, Doc]] = {}

    @property
    def by_id(self) -> dict[str, Doc]:
        if self._by_id is None:
            self._by_id = {doc["id"]: doc for doc in self.docs}
        return self._by_id

    def index(self, field: str) -> dict[str, Doc]:
        """Documents by ``field`` folded to lower case (the first one wins, as a scan would find it)."""
        index = self._indexes.get(field)
        if index is None:
            index = self._indexes[field] = {}
            for doc in reversed(self.docs):
                value = doc.get(field)
                if isinstance(value, str):
                    index[value.casefold()] = doc
        return index
