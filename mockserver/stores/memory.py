"""``memory://``: the data in this process's dicts. The default, the fastest, and lost when the process ends.

Ids of created documents come from a generator seeded with ``--seed``, so a scripted session creates the
same ids on every run.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.store import ID_ALPHABET, ID_LENGTH, BaseStore, Dataset, Doc, Presenter


@dataclass
class _Project:
    kinds: dict[str, dict[str, Doc]] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, Doc]:
        return self.kinds.setdefault(kind, {})


class MemoryStore(BaseStore):
    """A :class:`~mockserver.store.Store` in this process's memory; safe for the event loop and for threads."""

    def __init__(self, dataset: Dataset, *, seed: int = 0, present: Presenter | None = None) -> None:
        super().__init__(dataset, present=present)
        self._seed = seed
        self._projects: dict[str, _Project] = {}
        self._random = random.Random(seed)
        self._versions: dict[tuple[str, str], int] = {}
        self.reset()

    def reset(self) -> None:
        """Back to the seeded documents (created ones are forgotten, deleted ones come back)."""
        with self._lock:
            self._projects = {
                project: _Project({kind: {doc["id"]: doc for doc in docs} for kind, docs in kinds.items()})
                for project, kinds in self._dataset.items()
            }
            self._random = random.Random(f"ids-{self._seed}")
            self._versions = {}
            self._ordered = {}

    @property
    def project_ids(self) -> list[str]:
        return list(self._projects)

    # -- reads ----------------------------------------------------------------------------------------

    def get(self, project_id: str, kind: str, doc_id: str) -> Doc | None:
        project = self._projects.get(project_id)
        return project.table(kind).get(doc_id) if project else None

    def all(self, project_id: str, kind: str) -> list[Doc]:
        project = self._projects.get(project_id)
        with self._lock:
            return list(project.table(kind).values()) if project else []

    def version(self, project_id: str, kind: str) -> int:
        return self._versions.get((project_id, kind), 0)

    def _touch(self, project_id: str, kind: str) -> None:
        self._versions[(project_id, kind)] = self._versions.get((project_id, kind), 0) + 1

    # -- writes ---------------------------------------------------------------------------------------

    def new_id(self, project_id: str, kind: str, prefix: str, length: int = ID_LENGTH) -> str:
        with self._lock:
            table = self._projects.setdefault(project_id, _Project()).table(kind)
            while True:
                candidate = prefix + "".join(self._random.choices(ID_ALPHABET, k=length))
                if candidate not in table:
                    return candidate

    def create(self, project_id: str, kind: str, fields: Mapping[str, Any], id_prefix: str) -> Doc:
        """Store a new document under a fresh ``<prefix><random>`` id and announce it."""
        with self._lock:
            doc = {"id": self.new_id(project_id, kind, id_prefix), **fields}
            self._projects[project_id].table(kind)[doc["id"]] = doc
            self._touch(project_id, kind)
        self._announce(project_id, kind, "created", doc)
        return doc

    def put(self, project_id: str, kind: str, doc: Doc, *, announce: bool = True) -> bool:
        """Insert or replace ``doc`` by its id; return True if it was new."""
        with self._lock:
            table = self._projects.setdefault(project_id, _Project()).table(kind)
            created = doc["id"] not in table
            table[doc["id"]] = doc
            self._touch(project_id, kind)
        if announce:
            self._announce(project_id, kind, "created" if created else "updated", doc)
        return created

    def delete(self, project_id: str, kind: str, doc_id: str) -> bool:
        with self._lock:
            project = self._projects.get(project_id)
            deleted = bool(project) and project.table(kind).pop(doc_id, None) is not None
            if deleted:
                self._touch(project_id, kind)
            return deleted
