"""The breaking-change rules, one small function each, grouped by what they look at.

``REGISTRY`` lists them in report order; each :class:`Rule` names the rule ids it may emit (oasdiff's
names where oasdiff has the rule, ``hissuno-...`` for our own conventions).
"""

from __future__ import annotations

from conformance.review.align import DocumentPair
from conformance.review.model import Finding
from conformance.review.rules import (
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
from conformance.review.rules.base import Rule

REGISTRY: tuple[Rule, ...] = (
    *paths.RULES,
    *security.RULES,
    *parameters.RULES,
    *request_body.RULES,
    *responses.RULES,
    *properties.RULES,
    *type_changes.RULES,
    *enums.RULES,
    *constraints.RULES,
    *variants.RULES,
    *ratelimit.RULES,
    *errors.RULES,
    *webhooks.RULES,
)


def run_rules(pair: DocumentPair, rules: tuple[Rule, ...] = REGISTRY) -> list[Finding]:
    """Every finding of every rule for one document pair, in registry order."""
    return [finding for rule in rules for finding in rule(pair)]


__all__ = ["REGISTRY", "Rule", "run_rules"]
