"""Tie the parts together: pair the documents of two snapshots, lint head, run the rules, set the waived
findings aside, judge the version, and decide what fails.

What fails (exit 1), each a line of :attr:`Review.problems`:

* a lint error in any document;
* a breaking change to the public API (the ``v1`` document, or any operation whose path carries ``/v1``),
  whatever the version bump: a published path version never breaks; the change needs a new path version
  (``/v2``) or a waiver with a reason;
* for ``v1``, a version bump smaller than its other changes need (additions a minor, any edit a patch);
* for ``internal``, breaking changes only with ``--strict-internal``;
* with ``--fail-on warning``, any warning too (internal breaking changes, waivers gone stale);
* a conformance result with failures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from contract.apis import PUBLIC, is_versioned_path
from contract.findings import Bump, Check, Finding, Level
from contract.review.align import DocumentPair
from contract.review.compare import canonical
from contract.review.lint_step import LintFunction, run_lint
from contract.review.loader import Snapshot
from contract.review.model import ConformanceSummary, DocumentReview, Review, SemverVerdict
from contract.review.rules import run_rules
from contract.review.semver import required_bump, verdict
from contract.review.waivers import DEFAULT_FILE, Waived, Waiver, split_waived, waiver_findings

DOCUMENT_REMOVED = Check("hissuno-document-removed", Level.BREAKING)
DOCUMENT_ADDED = Check("hissuno-document-added", Level.INFO)
FailOn = Literal["breaking", "warning"]


@dataclass(frozen=True)
class ReviewSettings:
    """How strict the review is: which APIs promise semver, whether internal breaks fail, what else fails, and
    which findings are waived (as of ``today``)."""

    strict_internal: bool = False
    semver_documents: tuple[str, ...] = (PUBLIC,)
    fail_on: FailOn = "breaking"
    waivers: tuple[Waiver, ...] = ()
    waiver_file: str = DEFAULT_FILE
    today: datetime.date = field(default_factory=datetime.date.today)


def _info(document: dict[str, Any]) -> dict[str, Any]:
    info = document.get("info")
    return info if isinstance(info, dict) else {}


def _version(document: dict[str, Any] | None) -> str:
    return str(_info(document).get("version", "?")) if document is not None else "—"


_CONTENT = ("openapi", "paths", "webhooks", "security", "tags", "externalDocs")


def _content(document: dict[str, Any]) -> dict[str, Any]:
    """What readers of the document see, as the paths reach it: references inlined (so a served copy that
    inlines them reads the same), ``servers`` and ``info.version`` left out."""
    info = {key: value for key, value in _info(document).items() if key != "version"}
    return {"info": info, **{key: canonical(document, document.get(key), prose=True) for key in _CONTENT}}


def pair_documents(base: Snapshot, head: Snapshot) -> list[tuple[str, dict | None, dict | None]]:
    """Documents matched by the API they describe. Two single documents are compared whatever they are; one
    document against a folder is compared with its counterpart only (a removed or added document is reported
    only when both sides are whole folders)."""
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
    return run_rules(DocumentPair(name, base, head)), _content(base) != _content(head)


def _verdict(base: dict | None, head: dict | None, changes: list[Finding], changed: bool) -> SemverVerdict:
    if base is None:
        return SemverVerdict("—", _version(head), Bump.NONE, None, True, "new document")
    if head is None:
        return SemverVerdict(_version(base), "—", Bump.MAJOR, None, False, "the document was removed")
    return verdict(_version(base), _version(head), required_bump(changes, changed))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def in_force(waivers: Iterable[Waiver], name: str, base: dict | None, head: dict | None) -> list[Waiver]:
    """The waivers that apply to one document's review (its API, and the versions it crosses)."""
    return [waiver for waiver in waivers if waiver.in_force(name, _version(base), _version(head))]


def _frozen(finding: Finding, public: bool) -> bool:
    """A breaking change no version bump can make safe: in the public API, or on a ``/v<n>`` path."""
    versioned = finding.path is not None and is_versioned_path(finding.path)
    return finding.level is Level.BREAKING and (public or versioned)


def review_document(
    name: str,
    base: dict | None,
    head: dict | None,
    lint: list[Finding],
    settings: ReviewSettings,
) -> DocumentReview:
    """The findings, waivers, verdict and problems for one document."""
    changes, changed = _changes(name, base, head)
    waivers = in_force(settings.waivers, name, base, head)
    counting_lint, waived_lint = split_waived(lint, waivers, settings.today)
    counting, waived_changes = split_waived(changes, waivers, settings.today)
    semver = name in settings.semver_documents
    frozen = [finding for finding in counting if _frozen(finding, semver)]
    judged = _verdict(base, head, [finding for finding in counting if finding not in frozen], changed)
    enforced = semver or settings.strict_internal
    problems = []
    errors = sum(1 for finding in counting_lint if finding.level is Level.ERROR)
    if errors:
        problems.append(_plural(errors, "lint error"))
    failed_rules = sum(1 for finding in counting if finding.level is Level.ERROR)
    if failed_rules:
        problems.append(f"{_plural(failed_rules, 'rule')} could not compare the documents")
    if frozen:
        distinct = len({(finding.rule_id, finding.pointer, finding.message) for finding in frozen})
        problems.append(f"{_plural(distinct, 'breaking change')} to /v1, which a version bump cannot make safe: "
                        f"add the change under a new path version (/v2), or waive it with a reason in "
                        f"{settings.waiver_file}")
    if semver and not judged.ok:
        problems.append(judged.reason)
    breaking = [finding for finding in counting if finding.level is Level.BREAKING and finding not in frozen]
    if breaking and settings.strict_internal and not semver:
        problems.append(f"{_plural(len(breaking), 'breaking change')} (--strict-internal)")
    if settings.fail_on == "warning":
        warnings = [f for f in [*counting_lint, *counting] if f.level is Level.WARNING]
        warned = len(warnings) + (0 if settings.strict_internal else len(breaking))
        if warned:
            problems.append(f"{_plural(warned, 'warning')} or reported breaking change(s) (--fail-on warning)")
    return DocumentReview(name, enforced, semver, changed, tuple(counting_lint), tuple(counting), judged,
                          tuple(problems), waived=(*waived_lint, *waived_changes))


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
    considered = {waiver for name, base_doc, head_doc in pairs for waiver in in_force(settings.waivers, name,
                                                                                    base_doc, head_doc)}
    waivers = [waiver for waiver in settings.waivers if waiver in considered]
    notes = waiver_findings(waivers, _used(documents), settings.today, settings.waiver_file)
    return Review(base.label, head.label, documents, conformance, tuple(notes), settings.fail_on)


def _used(documents: Iterable[DocumentReview]) -> set[Waiver]:
    return {waived.waiver for document in documents for waived in document.waived}


__all__ = ["ReviewSettings", "Waived", "pair_documents", "review", "review_document"]
