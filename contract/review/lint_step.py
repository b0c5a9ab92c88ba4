"""The review's lint step: run a lint (the contract's own by default) on the head snapshot, never crashing.

The lint is a callable from documents to :class:`~contract.findings.Finding` values, so a test (or another
linter) can stand in for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from contract.findings import Check, Finding, Level
from contract.lint.config import LintConfig
from contract.lint.runner import DocumentFile, Linter, LintInputError
from contract.review.loader import Snapshot

LintFunction = Callable[[list[DocumentFile]], Iterable[Finding]]
LINT_UNAVAILABLE = Check("lint-unavailable", Level.WARNING)


def contract_lint(config: LintConfig | None = None) -> LintFunction:
    """The contract's lint: the OpenAPI rules and the house rules, at the levels ``config`` sets."""
    return Linter(config).lint


def run_lint(lint: LintFunction, snapshot: Snapshot) -> dict[str, list[Finding]]:
    """Lint findings per document key; a lint that cannot read this input is a warning, never a crash."""
    documents = [DocumentFile(key, item.path, item.display) for key, item in snapshot.sources.items()]
    found: dict[str, list[Finding]] = {document.name: [] for document in documents}
    try:
        results = list(lint(documents))
    except (OSError, LintInputError) as error:
        for name in found:
            found[name].append(LINT_UNAVAILABLE.at(name, "/", f"the lint could not run on {snapshot.label}: {error}"))
        return found
    for finding in results:
        found.setdefault(finding.document, []).append(finding)
    return found
