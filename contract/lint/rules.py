"""What a lint rule is, and the registry every rule is declared in with :func:`rule`.

A rule is a function over the bundled document that yields ``(pointer, message)`` for each violation; the
runner turns each into a :class:`~contract.findings.Finding` at the rule's configured level, with the line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from contract.registry import Registry

Places = Iterator[tuple[str, str]]  # (pointer, message) for each violation
RuleFunction = Callable[[dict[str, Any]], Places]
Family = Literal["source", "openapi", "house"]


@dataclass(frozen=True)
class LintRule:
    """A lint rule: its id, what it enforces (the README's tables), its family and its check.

    ``source`` rules are about the file itself (found while reading it, ``places`` yields nothing),
    ``openapi`` rules about OpenAPI correctness, ``house`` rules about our conventions.
    """

    name: str
    summary: str
    family: Family
    places: RuleFunction


RULES: Registry[LintRule] = Registry("lint rule")


def rule(name: str, *, summary: str, family: Family) -> Callable[[RuleFunction], LintRule]:
    """Declare a lint rule: a function over the bundled document yielding ``(pointer, message)`` pairs."""

    def register(places: RuleFunction) -> LintRule:
        return RULES.add(LintRule(name, summary, family, places))

    return register


def _nothing(_: dict[str, Any]) -> Places:
    yield from ()


def source_rule(name: str, summary: str) -> LintRule:
    """Declare a rule found while reading a file (:mod:`contract.source` names its id)."""
    return RULES.add(LintRule(name, summary, "source", _nothing))


DOCUMENT_TOO_LARGE = source_rule("document-too-large", "the file is at most 32 MiB")
DOCUMENT_NOT_TEXT = source_rule("document-not-text", "the file is UTF-8 text, not binary")
DOCUMENT_EMPTY = source_rule("document-empty", "the file holds a document")
YAML_SYNTAX = source_rule("yaml-syntax", "the file is YAML (or JSON)")
YAML_DUPLICATE_KEY = source_rule("yaml-duplicate-key", "no mapping repeats a key")
YAML_ALIASES = source_rule("yaml-aliases", "aliases expand to at most 5,000,000 nodes, nested at most 256 deep")
DOCUMENT_NOT_OPENAPI = source_rule("document-not-openapi", "the file is an OpenAPI 3.0 or 3.1 document")
RULE_FAILED = source_rule("lint-rule-failed", "a rule could not finish on the document (the message says why)")
