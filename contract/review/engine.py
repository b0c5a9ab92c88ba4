"""Tie the parts together: pair the documents of two snapshots, lint head, run the rules, judge the
version, and decide what fails.

What fails (exit 1): a lint error in any document; for ``v1``, a version bump smaller than the changes
need (which covers every unannounced breaking change); for ``internal``, breaking changes only with
``strict_internal``; a conformance result with failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contract.findings import Bump, Check, Finding, Level
from contract.review.align import DocumentPair
from contract.review.lint_step import LintFunction, run_lint
from contract.review.loader import Snapshot
from contract.review.model import ConformanceSummary, DocumentReview, Review, SemverVerdict
from contract.review.rules import run_rules
from contract.review.semver import required_bump, verdict

DOCUMENT_REMOVED = Check("hissuno-document-removed", Level.BREAKING)
DOCUMENT_ADDED = Check("hissuno-document-added", Level.INFO)


@dataclass(frozen=True)
class ReviewSettings:
    """How strict the review is: which documents promise semver, and whether internal breaks fail."""

    strict_internal: bool = False
    semver_documents: tuple[str, ...] = ("v1",)


def _info(document: dict[str, Any]) -> dict[str, Any]:
    info = document.get("info")
    return info if isinstance(info, dict) else {}


def _version(document: dict[str, Any] | None) -> str:
    return str(_info(document).get("version", "?")) if document is not None else "—"


def _without_version(document: dict[str, Any]) -> dict[str, Any]:
    info = {key: value for key, value in _info(document).items() if key != "version"}
    return {**document, "info": info}


def pair_documents(base: Snapshot, head: Snapshot) -> list[tuple[str, dict | None, dict | None]]:
    """Documents matched by name. Two single documents are compared whatever their names; one document
    against a folder is compared with its namesake only (a removed or added document is reported only
    when both sides are whole folders)."""
    if base.single_file and head.single_file:
        (_, base_doc), (name, head_doc) = next(iter(base.documents.items())), next(iter(head.documents.items()))
        return [(name, base_doc, head_doc)]
    if base.single_file or head.single_file:
        names = list((base if base.single_file else head).documents)
    else:
        names = [*base.documents, *(name for name in head.documents if name not in base.documents)]
    return [(name, base.documents.get(name), head.documents.get(name)) for name in names]


def _changes(name: str, base: dict | None, head: dict | None) -> tuple[list[Finding], bool]:
    if base is None:
        return [DOCUMENT_ADDED.at(name, "", f"added the document {name}")], True
    if head is None:
        return [DOCUMENT_REMOVED.at(name, "", f"removed the document {name}")], True
    return run_rules(DocumentPair(name, base, head)), _without_version(base) != _without_version(head)


def _verdict(base: dict | None, head: dict | None, changes: list[Finding], changed: bool) -> SemverVerdict:
    if base is None:
        return SemverVerdict("—", _version(head), Bump.NONE, None, True, "new document")
    if head is None:
        return SemverVerdict(_version(base), "—", Bump.MAJOR, None, False, "the document was removed")
    return verdict(_version(base), _version(head), required_bump(changes, changed))


def review_document(
    name: str,
    base: dict | None,
    head: dict | None,
    lint: list[Finding],
    settings: ReviewSettings,
) -> DocumentReview:
    """The findings, verdict and problems for one document."""
    changes, changed = _changes(name, base, head)
    judged = _verdict(base, head, changes, changed)
    semver = name in settings.semver_documents
    enforced = semver or settings.strict_internal
    problems = []
    errors = sum(1 for finding in lint if finding.level is Level.ERROR)
    if errors:
        problems.append(f"{errors} lint error{'' if errors == 1 else 's'}")
    failed_rules = sum(1 for finding in changes if finding.level is Level.ERROR)
    if failed_rules:
        problems.append(f"{failed_rules} rule{'' if failed_rules == 1 else 's'} could not compare the documents")
    breaking = sum(1 for finding in changes if finding.level is Level.BREAKING)
    if semver and not judged.ok:
        problems.append(judged.reason)
    elif not semver and enforced and breaking:
        problems.append(f"{breaking} breaking change{'' if breaking == 1 else 's'} (--strict-internal)")
    return DocumentReview(name, enforced, semver, changed, tuple(lint), tuple(changes), judged, tuple(problems))


def review(
    base: Snapshot,
    head: Snapshot,
    *,
    lint: LintFunction | None = None,
    conformance: ConformanceSummary | None = None,
    settings: ReviewSettings | None = None,
) -> Review:
    """Review head against base. ``lint=None`` skips the lint step."""
    settings = settings or ReviewSettings()
    linted = run_lint(lint, head) if lint is not None else {}
    pairs = sorted(pair_documents(base, head), key=lambda item: item[0] not in settings.semver_documents)
    documents = tuple(
        review_document(name, base_doc, head_doc, linted.get(name, []), settings) for name, base_doc, head_doc in pairs
    )
    return Review(base.label, head.label, documents, conformance)
