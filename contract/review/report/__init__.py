"""Report formats: each module turns a :class:`~contract.review.model.Review` into text.

A shared change (a property removed from ``Session``) is seen through every operation that returns it;
:func:`grouped` folds those into one row listing the operations, so a report stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract.findings import Finding, Level


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
