"""The made-up data behind ``Prefer: dynamic=true``: every pattern and schema of the contract, satisfied."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from typing import Any

import pytest
from jsonschema import Draft4Validator
from schemathesis.specs.openapi.converter import to_json_schema

from contract.spec import DOCUMENTS, bundled
from mockserver.fake import PatternStrings, SchemaFaker
from mockserver.pipeline.validate.formats import format_checker


def patterns(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            found.add(node["pattern"])
        for value in node.values():
            found |= patterns(value)
    elif isinstance(node, list):
        for value in node:
            found |= patterns(value)
    return found


SPEC_PATTERNS = sorted(set().union(*(patterns(bundled(name)) for name in DOCUMENTS)))


@pytest.mark.parametrize("pattern", [*SPEC_PATTERNS, r"^a{2,3}(b|cd)?[^x-z]\d+$", r"^\S+@[a-z]+\.(io|com)$"])
def test_pattern_strings_match_their_pattern(pattern: str) -> None:
    make = PatternStrings(random.Random(pattern))
    for _ in range(200):
        value = make(pattern)
        assert re.search(pattern, value), (pattern, value)


def test_the_contract_has_patterns_to_test() -> None:
    assert len(SPEC_PATTERNS) >= 5  # ids, tag slugs, webhook URLs, secrets, signatures


@pytest.mark.parametrize("name", sorted(bundled("v1")["components"]["schemas"]))
def test_every_schema_of_the_contract_is_satisfied(name: str) -> None:
    document = bundled("v1")
    schemas = {key: to_json_schema(schema, "nullable", is_response_schema=True)
               for key, schema in document["components"]["schemas"].items()}
    validator = Draft4Validator({"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}},
                                format_checker=format_checker())
    fake = SchemaFaker(document, random.Random(name))
    for _ in range(50):
        value = fake(document["components"]["schemas"][name])
        errors = [error.message for error in validator.iter_errors(value)]
        assert not errors, (name, value, errors[:3])


def test_faker_is_loaded_on_the_first_dynamic_value_not_at_start_up() -> None:
    """The mock builds a SchemaFaker at start-up; Faker (17 MiB) waits until a dynamic answer needs text."""
    code = ("import sys, random; from contract.spec import bundled; from mockserver.fake import SchemaFaker; "
            "fake = SchemaFaker(bundled('v1'), random.Random(1)); loaded = lambda: 'faker' in sys.modules; "
            "before = loaded(); fake({'type': 'string'}, 'name'); print(before, loaded())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "False True\n"


def test_the_same_seed_gives_the_same_text() -> None:
    document = bundled("v1")
    made = [SchemaFaker(document, random.Random(4))({"type": "string"}, "description") for _ in range(2)]
    assert made[0] == made[1] and len(made[0]) > 10
