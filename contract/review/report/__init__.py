"""Report formats: each module turns a :class:`~contract.review.model.Review` into text.

A shared change (a property removed from ``Session``) is seen through every operation that returns it;
:func:`grouped` folds those into one row listing the operations, so a report stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract.apis import is_versioned_path
from contract.findings import Finding, Level
from contract.review.model import DocumentReview, Review


@dataclass(frozen=True)
class Group:
    """Findings that differ only by the operation they were seen through."""

    rule_id: str
    level: Level
    document: str
    pointer: str
    message: str
    operations: tuple[str, ...]


def grouped(findings: Iterable[Finding]) -> list[Group]:
    """Fold findings with the same rule, level, pointer and message; most serious first, then in order."""
    order: dict[tuple[str, Level, str, str, str], list[str]] = {}
    for finding in findings:
        key = (finding.rule_id, finding.level, finding.document, finding.pointer, finding.message)
        operations = order.setdefault(key, [])
        if finding.operation and finding.operation not in operations:
            operations.append(finding.operation)
    groups = [Group(*key, tuple(operations)) for key, operations in order.items()]
    return sorted(groups, key=lambda group: group.level.rank)


def format_score(score: float) -> str:
    """A conformance score as a percentage (a fraction up to 1.0 is scaled, larger numbers are percents)."""
    percent = score * 100 if 0 <= score <= 1 else score
    return f"{percent:.1f}%"


def counts(review: Review, document: DocumentReview, group: Group) -> bool:
    """Whether a group of findings is part of why the review fails (a reason to annotate it as an error)."""
    if group.level is Level.ERROR:
        return True
    if group.level is Level.BREAKING:
        versioned = any(is_versioned_path(operation.partition(" ")[2]) for operation in group.operations)
        return document.enforced or versioned or review.fail_on == "warning"
    return group.level is Level.WARNING and review.fail_on == "warning"
