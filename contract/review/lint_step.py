"""The review's lint step: run a lint (the contract's own by default) on the head snapshot, never crashing.

The lint is a callable returning :class:`~contract.findings.Finding` values, so a test (or another linter)
can stand in for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from contract.findings import Check, Finding, Level
from contract.review.loader import Snapshot

LintFunction = Callable[[Path, tuple[str, ...]], Iterable[Finding]]
LINT_UNAVAILABLE = Check("lint-unavailable", Level.WARNING)
LINT_FAILED = Check("lint-failed", Level.ERROR)


def contract_lint() -> LintFunction:
    """The contract's lint: openapi-spec-validator plus the house rules."""
    from contract.lint.runner import lint_documents

    return lint_documents


def run_lint(lint: LintFunction, snapshot: Snapshot) -> dict[str, list[Finding]]:
    """Lint findings per document name, never a crash: a lint that cannot read this input (one document
    without its ``components.yaml``) is a warning; a lint that breaks on the document is an error."""
    names = tuple(snapshot.documents)
    found: dict[str, list[Finding]] = {name: [] for name in names}
    try:
        results = list(lint(snapshot.directory, names))
    except (OSError, yaml.YAMLError) as error:
        for name in names:
            message = f"the lint could not run on {snapshot.label}: {error}"
            found[name].append(LINT_UNAVAILABLE.at(name, "/", message))
        return found
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        for name in names:
            message = f"the lint broke on {snapshot.label} ({type(error).__name__}: {error}); is it valid OpenAPI?"
            found[name].append(LINT_FAILED.at(name, "/", message))
        return found
    for finding in results:
        found.setdefault(finding.document, []).append(finding)
    return found
