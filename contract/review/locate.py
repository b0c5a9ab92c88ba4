"""Map a finding's JSON pointer back to a source file and line, for annotations on the pull request.

Pointers are into the snapshot's normalised bundles (:mod:`contract.positions` traces a bundle pointer to
``components.yaml`` or the document); a path that took its first server's prefix is looked up without it.
"""

from __future__ import annotations

from contract.pointer import pointer, split
from contract.positions import Locator
from contract.review.loader import Snapshot


class SourceLocator:
    """``locator(document, pointer) -> (file shown in reports, 1-based line or None)`` for one snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._locators = {key: Locator(item.bundle, item.source, snapshot.shared)
                          for key, item in snapshot.sources.items()}

    def __call__(self, document: str, where: str) -> tuple[str, int | None]:
        item = self._snapshot.sources.get(document)
        if item is None:
            return f"{document}.yaml", None
        parts = split(where)
        if item.prefix and len(parts) >= 2 and parts[0] == "paths" and parts[1].startswith(item.prefix):
            parts[1] = parts[1][len(item.prefix):]
        position = self._locators[document](pointer(*parts))
        return position.file, position.line
