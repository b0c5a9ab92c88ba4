"""Run the contract's lint (``contract.lint``) on the head snapshot and turn its findings into ours.

The review takes the lint as a callable so tests (and other linters) can stand in for it; any object with
``document``, ``rule``, ``pointer`` and ``message`` attributes is accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from contract.review.loader import Snapshot
from contract.review.model import Check, Finding, Level

LintFunction = Callable[[Path, tuple[str, ...]], Iterable[Any]]
LINT_UNAVAILABLE = Check("lint-unavailable", Level.WARNING)
LINT_FAILED = Check("lint-failed", Level.ERROR)


def contract_lint() -> LintFunction:
    """The lead's lint: openapi-spec-validator plus the house rules."""
    from contract.lint import lint_documents

    return lint_documents


def _convert(item: Any, default_document: str) -> Finding:
    rule = getattr(item, "rule", None) or getattr(item, "rule_id", None) or "lint"
    return Finding(
        rule_id=str(rule),
        level=Level.ERROR,
        document=str(getattr(item, "document", None) or default_document),
        pointer=str(getattr(item, "pointer", None) or "/"),
        message=str(getattr(item, "message", item)),
    )


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
    for item in results:
        finding = _convert(item, names[0])
        found.setdefault(finding.document, []).append(finding)
    return found
