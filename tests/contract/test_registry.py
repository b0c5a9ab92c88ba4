"""One registry idiom: lint rules, review rules and conformance checks are declared beside their functions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from contract.lint.runner import RULES as LINT_RULES
from contract.registry import Registry
from contract.review.rules import REGISTRY as REVIEW_RULES


@dataclass(frozen=True)
class Item:
    name: str


def test_items_come_back_in_declaration_order_and_by_name() -> None:
    registry: Registry[Item] = Registry("thing")
    first, second = registry.add(Item("b")), registry.add(Item("a"))
    assert list(registry) == [first, second] and registry.names() == ["b", "a"]
    assert registry["a"] is second and "a" in registry and "c" not in registry and len(registry) == 2


def test_a_name_declared_twice_is_refused() -> None:
    registry: Registry[Item] = Registry("thing")
    registry.add(Item("a"))
    with pytest.raises(ValueError, match="two things are named 'a'"):
        registry.add(Item("a"))


def test_every_lint_rule_states_what_it_enforces() -> None:
    import re

    assert len(LINT_RULES) == 30
    assert all(rule.summary and re.fullmatch(r"[a-z][a-zA-Z0-9$-]*", rule.name) for rule in LINT_RULES)


def test_every_review_rule_states_its_checks_and_why() -> None:
    assert len(REVIEW_RULES) == 29
    for rule in REVIEW_RULES:
        assert rule.emits, rule.name
        assert rule.compare.__doc__ and rule.compare.__doc__.strip(), rule.name
