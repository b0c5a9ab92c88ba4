"""The mock's format checks agree with the validator Schemathesis checks responses with (jsonschema-rs).

If the mock accepted a value that the contract's response validation rejects (an IRI as a ``uri``, a
malformed punycode domain in an ``email``), it would store it and later answer with a response that
violates the spec. Every format the contract declares must be checked, with jsonschema-rs's verdicts on the
kinds of values Schemathesis generates.
"""

from __future__ import annotations

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from contract.spec import DOCUMENTS, bundled
from mockserver.pipeline.validate.formats import CONTRACT_FORMATS, format_checker

CHECKER = format_checker()
STRATEGIES = {
    "email": st.one_of(st.emails(), st.text(max_size=25),
                       st.from_regex(r"[a-z.\"@ ]{1,5}@[a-z.\-\[\]0-9]{1,8}", fullmatch=True)),
    "uri": st.one_of(urls(), st.text(max_size=30), st.text(max_size=20).map(lambda t: "https://" + t)),
    "hostname": st.one_of(st.from_regex(r"[a-zA-Z0-9.\-]{1,30}", fullmatch=True), st.text(max_size=20)),
    "date": st.one_of(st.dates().map(str), st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True), st.text(max_size=12)),
    "date-time": st.one_of(
        st.datetimes().map(lambda d: d.isoformat() + "Z"),
        st.from_regex(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", fullmatch=True),
        st.text(max_size=25)),
}


def declared_formats(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(declared_formats(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(declared_formats(item) for item in node))
    return set()


def test_every_format_the_contract_declares_is_checked() -> None:
    declared = set().union(*(declared_formats(bundled(name)) for name in DOCUMENTS))
    assert declared and declared <= set(CONTRACT_FORMATS) <= set(STRATEGIES)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_format_agrees_with_jsonschema_rs(name: str) -> None:
    reference = jsonschema_rs.Draft4Validator({"type": "string", "format": name}, validate_formats=True)

    @settings(max_examples=500, deadline=None, derandomize=True)
    @given(STRATEGIES[name])
    def agree(value: str) -> None:
        assert CHECKER.conforms(value, name) == reference.is_valid(value), value

    agree()


@pytest.mark.parametrize(("name", "value", "valid"), [
    ("uri", "https://www.northwind.io/pricing?plan=pro#faq", True),
    ("uri", "https://Ïnternational.example", False),
    ("uri", "https://a.com/x y", False),
    ("uri", "https://a.com/x\n", False),
    ("email", "dana@northwind.io", True),
    ("email", "dana@", False),
    ("email", "a@b.c\n", False),
    ("email", "0@00--0", False),  # found by Hypothesis: "--" in places 3-4 is for xn-- labels only
    ("email", "a@ab--c.io", False),
    ("email", "a@a--b.io", True),
    ("email", "a@xn--bcher-kva.example", True),
    ("hostname", "northwind.io", True),
    ("hostname", "-northwind.io", False),
    ("email", "a\ud800@b.io", False),  # a lone surrogate cannot be encoded: a failed format, not an exception
    ("date", "2026-02-30", False),
])
def test_known_values(name: str, value: str, valid: bool) -> None:
    assert CHECKER.conforms(value, name) is valid
