"""What a spec review produces around its findings: semver verdicts, per-document results, the whole review.

Rules, the lint step and the conformance reader produce these; the reports (Markdown, JSON, GitHub
annotations) only consume them, so adding a report never touches a rule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from contract.findings import Bump, Finding, Level

if TYPE_CHECKING:
    from contract.review.waivers import Waived


class ReviewInputError(Exception):
    """Bad input (unknown git ref, unreadable spec, malformed conformance JSON): the CLI exits 2 with this line."""


@dataclass(frozen=True)
class SemverVerdict:
    """Whether ``info.version`` moved enough for the changes found."""

    base_version: str
    head_version: str
    required: Bump
    given: Bump | None  # None: the version went down or is not semver
    ok: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "base_version": self.base_version,
            "head_version": self.head_version,
            "required": self.required.label,
            "given": self.given.label if self.given is not None else None,
            "ok": self.ok,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ConformanceFailure:
    operation: str
    check: str
    message: str


@dataclass(frozen=True)
class ConformanceSummary:
    """The part of a ``hissuno-conformance run --json`` result the review shows."""

    score: float
    passed: int
    failed: int
    failures: tuple[ConformanceFailure, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "failures": [asdict(failure) for failure in self.failures], "ok": self.ok}


@dataclass(frozen=True)
class DocumentReview:
    """Everything found for one document (``v1`` or ``internal``)."""

    name: str
    enforced: bool  # breaking changes fail the review (v1; internal only with --strict-internal)
    semver: bool  # the version bump is judged (v1)
    changed: bool
    lint: tuple[Finding, ...]
    changes: tuple[Finding, ...]
    verdict: SemverVerdict
    problems: tuple[str, ...] = field(default=())
    waived: tuple[Waived, ...] = field(default=())  # findings a waiver covers: shown, never counted

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def count(self, level: Level) -> int:
        return sum(1 for finding in self.changes if finding.level is level)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "enforced": self.enforced,
            "semver": self.semver,
            "changed": self.changed,
            "failed": self.failed,
            "problems": list(self.problems),
            "version": self.verdict.as_dict(),
            "lint": [finding.as_dict() for finding in self.lint],
            "changes": [finding.as_dict() for finding in self.changes],
            "waived": [{**item.finding.as_dict(), "reason": item.waiver.reason} for item in self.waived],
        }


@dataclass(frozen=True)
class Review:
    """The whole answer for one pull request."""

    base_label: str
    head_label: str
    documents: tuple[DocumentReview, ...]
    conformance: ConformanceSummary | None = None
    notes: tuple[Finding, ...] = ()  # about the review itself: waivers past their date or covering nothing
    fail_on: str = "breaking"

    @property
    def problems(self) -> tuple[str, ...]:
        found = [f"{document.name}: {problem}" for document in self.documents for problem in document.problems]
        if self.notes and self.fail_on == "warning":
            found.append(f"waivers: {len(self.notes)} stale waiver{'' if len(self.notes) == 1 else 's'} "
                         "(--fail-on warning)")
        if self.conformance is not None and not self.conformance.ok:
            failed = self.conformance.failed
            found.append(f"conformance: {failed} check{'' if failed == 1 else 's'} failed")
        return tuple(found)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": "fail" if self.problems else "pass",
            "exit_code": self.exit_code,
            "base": self.base_label,
            "head": self.head_label,
            "problems": list(self.problems),
            "documents": [document.as_dict() for document in self.documents],
            "waivers": [finding.as_dict() for finding in self.notes],
            "conformance": self.conformance.as_dict() if self.conformance is not None else None,
        }
