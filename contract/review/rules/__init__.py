"""The breaking-change rules, one small function each, in one module per thing they look at.

Each rule is declared with ``@rule(...)`` and the checks it may emit (oasdiff's rule ids where oasdiff has the
rule, ``hissuno-...`` for our own conventions); ``REGISTRY`` lists them in report order.
"""

from __future__ import annotations

from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair
from contract.review.rules import (
    constraints,
    enums,
    errors,
    parameters,
    paths,
    properties,
    ratelimit,
    request_body,
    responses,
    security,
    type_changes,
    variants,
    webhooks,
)
from contract.review.rules.base import DECLARED, Rule

# Report order: the operations first, then what they take and answer, then the shared conventions.
FAMILIES = (
    paths,
    security,
    parameters,
    request_body,
    responses,
    properties,
    type_changes,
    enums,
    constraints,
    variants,
    ratelimit,
    errors,
    webhooks,
)
_FAMILY_RANK = {module.__name__.rpartition(".")[2]: rank for rank, module in enumerate(FAMILIES)}
REGISTRY: tuple[Rule, ...] = tuple(sorted(DECLARED, key=lambda rule: _FAMILY_RANK[rule.family]))


RULE_FAILED = Check("hissuno-rule-failed", Level.ERROR)
_MALFORMED = (TypeError, AttributeError, KeyError, IndexError, ValueError)


def run_rules(pair: DocumentPair, rules: tuple[Rule, ...] = REGISTRY) -> list[Finding]:
    """Every finding of every rule for one document pair, in registry order.

    A document that parses but is not valid OpenAPI (a list where a mapping belongs) can trip a rule; that
    becomes one ``hissuno-rule-failed`` error naming the rule, never a traceback. The lint says what is wrong.
    """
    found: list[Finding] = []
    for rule in rules:
        try:
            found.extend(rule(pair))
        except _MALFORMED as error:
            message = (
                f"{rule.name} could not compare the documents ({type(error).__name__}: {error}); fix the lint errors"
            )
            found.append(RULE_FAILED.at(pair.name, "", message))
    return found


__all__ = ["REGISTRY", "Rule", "run_rules"]
