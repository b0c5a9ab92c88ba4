"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation per group of
findings, placed on the line of the spec file the finding points at, plus one line of summary.

A finding is an ``error`` annotation where it is part of why the review fails (a ``/v1`` breaking change, an
internal one under ``--strict-internal``, a warning under ``--fail-on warning``); a waived one is a notice
that gives the waiver's reason.
"""

from __future__ import annotations

from collections.abc import Callable

from contract.findings import Level
from contract.review.model import DocumentReview, Review
from contract.review.report import Group, counts, grouped
from contract.review.report.markdown import summary_line

Locator = Callable[[str, str], tuple[str, int | None]]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, *, title: str, file: str | None = None, line: int | None = None) -> str:
    """One workflow command, escaped as GitHub documents it."""
    properties = []
    if file:
        properties.append(f"file={_escape_property(file)}")
        if line:
            properties.append(f"line={line}")
    properties.append(f"title={_escape_property(title)}")
    return f"::{kind} {','.join(properties)}::{_escape_data(message)}"


def _kind(review: Review, document: DocumentReview, group: Group) -> str:
    if counts(review, document, group):
        return "error"
    return "warning" if group.level in (Level.BREAKING, Level.WARNING) else "notice"


def _default_locator(document: str, pointer: str) -> tuple[str, int | None]:
    return f"openapi/{document}.yaml", None


def render(review: Review, locate: Locator | None = None) -> str:
    """Annotations for every finding group, the version verdicts that fail, and conformance failures."""
    locate = locate or _default_locator
    lines = []
    for document in review.documents:
        for group in grouped([*document.lint, *document.changes]):
            file, line = locate(document.name, group.pointer)
            seen = f" (in {', '.join(group.operations)})" if group.operations else ""
            message = f"{group.message.replace('`', '')}{seen} at {group.pointer or '/'}"
            title = f"{document.name}: {group.rule_id}"
            lines.append(command(_kind(review, document, group), message, title=title, file=file, line=line))
        for item in document.waived:
            file, line = locate(document.name, item.finding.pointer)
            message = f"{item.finding.message.replace('`', '')} (waived: {item.waiver.reason})"
            title = f"{document.name}: {item.finding.rule_id} (waived)"
            lines.append(command("notice", message, title=title, file=file, line=line))
        if document.semver and not document.verdict.ok:
            file, line = locate(document.name, "/info/version")
            title = f"{document.name}: version bump"
            lines.append(command("error", document.verdict.reason, title=title, file=file, line=line))
    for note in review.notes:
        kind = "error" if review.fail_on == "warning" else "warning"
        lines.append(command(kind, note.message, title=f"waivers: {note.rule_id}", file=note.file, line=note.line))
    if review.conformance is not None:
        for failure in review.conformance.failures:
            message = f"{failure.operation}: {failure.message}"
            lines.append(command("error", message, title=f"conformance: {failure.check}"))
    verdict = "failed" if review.problems else "passed"
    lines.append(f"Spec review {verdict}: {summary_line(review).replace('`', '')}")
    return "\n".join(lines) + "\n"
