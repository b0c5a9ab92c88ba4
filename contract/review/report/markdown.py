"""The Markdown report, fit for a pull-request comment: a summary line, the problems, one section per
document with its findings in collapsible ``<details>`` blocks, and the conformance result."""

from __future__ import annotations

from contract.findings import Finding, Level
from contract.review.model import ConformanceSummary, DocumentReview, Review
from contract.review.report import Group, format_score, grouped

_SECTIONS = (
    (Level.ERROR, "Lint errors", True),
    (Level.BREAKING, "Breaking changes", True),
    (Level.WARNING, "Warnings", False),
    (Level.INFO, "Additions and compatible changes", False),
)
_MAX_OPERATIONS = 4


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _document_summary(document: DocumentReview) -> str:
    verdict = document.verdict
    version = f"{verdict.base_version} → {verdict.head_version}"
    if not document.changed and not document.lint:
        return f"`{document.name}` {version}: no changes"
    groups = grouped([*document.lint, *document.changes])
    count = {level: sum(1 for group in groups if group.level is level) for level in Level}
    counts = [
        _plural(count[Level.BREAKING], "breaking change"),
        _plural(count[Level.WARNING], "warning"),
        _plural(count[Level.INFO], "compatible change"),
    ]
    if document.lint:
        counts.insert(0, _plural(len(document.lint), "lint finding"))
    return f"`{document.name}` {version}: {', '.join(counts)}"


def summary_line(review: Review) -> str:
    """One line: every document's counts, then the conformance score."""
    parts = [_document_summary(document) for document in review.documents]
    if review.conformance is not None:
        parts.append(f"conformance {format_score(review.conformance.score)} ({review.conformance.failed} failed)")
    return " · ".join(parts)


def _header(review: Review) -> list[str]:
    if review.problems:
        title = f"## Spec review: ❌ {_plural(len(review.problems), 'problem')}"
    else:
        title = "## Spec review: ✅ safe to merge"
    lines = [title, "", summary_line(review), "", f"Base `{review.base_label}` → head `{review.head_label}`.", ""]
    if review.problems:
        lines += [f"- {problem}" for problem in review.problems] + [""]
    return lines


def _policy(document: DocumentReview) -> str:
    if document.semver:
        return ("Public API: a breaking change to `/v1` is never safe to merge, whatever the version (it needs a "
                "new path version, `/v2`, or a waiver with a reason); additions need a minor bump, other edits a "
                "patch.")
    if document.enforced:
        return "Internal API: breaking changes fail the review (`--strict-internal`)."
    return "Internal API: reported only, it may change without notice (`--strict-internal` makes breaks fail)."


def _operations(group: Group) -> str:
    shown = ", ".join(f"`{operation}`" for operation in group.operations[:_MAX_OPERATIONS])
    hidden = len(group.operations) - _MAX_OPERATIONS
    return shown + (f" and {hidden} more" if hidden > 0 else "") if shown else "—"


def _table(groups: list[Group]) -> list[str]:
    lines = ["| Rule | Location | Change | Seen in |", "| --- | --- | --- | --- |"]
    for group in groups:
        cells = (f"`{group.rule_id}`", f"`{group.pointer or '/'}`", group.message, _operations(group))
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return lines


def _details(title: str, groups: list[Group], expanded: bool) -> list[str]:
    opening = "<details open>" if expanded else "<details>"
    return [opening, f"<summary><b>{title} ({len(groups)})</b></summary>", "", *_table(groups), "", "</details>", ""]


def _document_section(document: DocumentReview) -> list[str]:
    verdict = document.verdict
    mark = "❌" if document.failed else "✅"
    status = "; ".join(document.problems) if document.problems else "ok"
    lines = [f"### `{document.name}` {mark} {status}", "", _policy(document), ""]
    judged = "" if document.semver else " (not enforced)"
    lines.append(f"Version `{verdict.base_version}` → `{verdict.head_version}`: {verdict.reason}{judged}.")
    lines.append("")
    findings: list[Finding] = [*document.lint, *document.changes]
    if not findings and document.waived:
        lines += ["Every change is waived (below).", ""]
    elif not findings:
        lines += ["No API changes; lint clean." if not document.changed else "No API changes (prose only).", ""]
    for level, title, expanded in _SECTIONS:
        groups = grouped(finding for finding in findings if finding.level is level)
        if groups:
            lines += _details(title, groups, expanded)
    if document.waived:
        lines += _waived(document)
    return lines


def _waived(document: DocumentReview) -> list[str]:
    reasons = {(item.finding.rule_id, item.finding.pointer): item.waiver.reason for item in document.waived}
    groups = grouped(item.finding for item in document.waived)
    lines = ["<details>", f"<summary><b>Waived ({len(groups)})</b></summary>", "",
             "| Rule | Location | Change | Seen in | Reason |", "| --- | --- | --- | --- | --- |"]
    for group in groups:
        cells = (f"`{group.rule_id}`", f"`{group.pointer or '/'}`", group.message, _operations(group),
                 reasons[(group.rule_id, group.pointer)])
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return [*lines, "", "</details>", ""]


def _notes_section(review: Review) -> list[str]:
    mark = "❌" if review.fail_on == "warning" else "⚠️"
    lines = [f"### Waivers {mark}", ""]
    lines += [f"- `{note.file}:{note.line}` {note.message}" if note.line else f"- {note.message}"
              for note in review.notes]
    return [*lines, ""]


def _conformance_section(conformance: ConformanceSummary) -> list[str]:
    mark = "✅" if conformance.ok else "❌"
    lines = [
        f"### Conformance {mark}",
        "",
        f"Score **{format_score(conformance.score)}**: {conformance.passed} passed, {conformance.failed} failed.",
        "",
    ]
    if conformance.failures:
        lines += [
            "<details open>",
            f"<summary><b>Failures ({len(conformance.failures)})</b></summary>",
            "",
            "| Operation | Check | Message |",
            "| --- | --- | --- |",
        ]
        for failure in conformance.failures:
            cells = (f"`{failure.operation}`", f"`{failure.check}`", failure.message)
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        lines += ["", "</details>", ""]
    return lines


def render(review: Review) -> str:
    """The whole report as Markdown."""
    lines = _header(review)
    for document in review.documents:
        lines += _document_section(document)
    if review.notes:
        lines += _notes_section(review)
    if review.conformance is not None:
        lines += _conformance_section(review.conformance)
    return "\n".join(lines).rstrip() + "\n"
