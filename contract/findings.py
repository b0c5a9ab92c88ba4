"""What the lint and the review report: a :class:`Finding` (one rule broken or one change, at one JSON
pointer), its :class:`Level`, and the version :class:`Bump` it asks for.

One type for both, so a review shows lint findings and changes side by side and every report reads one shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import IntEnum, StrEnum
from typing import Any


class Level(StrEnum):
    """How serious a finding is. ``error`` is a lint error; the diff uses the other three."""

    ERROR = "error"
    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.ERROR: 0, Level.BREAKING: 1, Level.WARNING: 2, Level.INFO: 3}


class Bump(IntEnum):
    """A semantic-version increment, ordered so that ``max`` gives the one a set of changes needs."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    """One observation at one place: a broken house rule, or one change between base and head.

    ``pointer`` is a JSON pointer into the bundled head document (into the base one for things that are
    gone); ``method``/``path`` name the operation the change is seen through, when there is one.
    """

    rule_id: str
    level: Level
    document: str
    pointer: str
    message: str
    method: str | None = None
    path: str | None = None
    bump: Bump = Bump.NONE
    context: str = ""  # where in the operation it was seen ("response 200: `data/items/status`")
    file: str | None = None  # the source file and 1-based line and column the pointer leads to, when known
    line: int | None = None
    column: int | None = None

    @property
    def operation(self) -> str | None:
        """``GET /v1/sessions`` style label, or None for document-wide findings."""
        return f"{self.method.upper()} {self.path}" if self.method and self.path else None

    @property
    def location(self) -> str:
        """``openapi/components.yaml:312:17`` (as far as it is known), else the document's name."""
        if self.file is None:
            return self.document
        return ":".join(str(part) for part in (self.file, self.line, self.column) if part is not None)

    def __str__(self) -> str:
        return f"{self.location}: {self.level.value} {self.rule_id}: {self.message} (at {self.pointer or '/'})"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["level"] = self.level.value
        data["bump"] = self.bump.label
        return data


@dataclass(frozen=True)
class Check:
    """What one rule id means: its level and the version bump a finding of this kind needs."""

    rule_id: str
    level: Level
    bump: Bump | None = None

    @property
    def required_bump(self) -> Bump:
        if self.bump is not None:
            return self.bump
        return Bump.MAJOR if self.level is Level.BREAKING else Bump.MINOR

    def at(
        self,
        document: str,
        pointer: str,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        context: str = "",
    ) -> Finding:
        """A finding of this kind at ``pointer``."""
        return Finding(self.rule_id, self.level, document, pointer, message, method, path, self.required_bump, context)
