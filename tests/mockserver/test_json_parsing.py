"""Request bodies: orjson's fast parse is used only where it cannot differ from the exact, strict one."""

from __future__ import annotations

import json
import time

import pytest

from mockserver.pipeline.errors import ApiError
from mockserver.pipeline.validate.strict_json import parse_json


@pytest.mark.parametrize("raw", [
    b'{"customer_email": "jane@example.com", "message": "How do I export data?", "tags": ["bug"]}',
    b'{"employee_count": 123456789012345678901234567890}',  # beyond 64 bits: an exact int, not a float
    b'{"employee_count": -9223372036854775809, "arr": 18446744073709551616}',
    b'{"health_score": 97.5, "nested": [{"x": 1e-7}, 2.0]}',
    b'{"name": "\\u00e9t\\u00e9 \\ud83d\\ude00", "a": null, "b": true}',
    b'[' * 64 + b']' * 64,
])
def test_every_value_is_exactly_what_the_standard_library_reads(raw: bytes) -> None:
    parsed = parse_json(raw)
    assert parsed == json.loads(raw)
    assert json.dumps(parsed) == json.dumps(json.loads(raw))  # same types (int stays int), same order


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"a": 1e400}', "Request body holds a number too large to represent."),
    (b'{"a": NaN}', "Request body is not valid JSON."),
    (b'{"a": "\\ud800"}', "Request body holds an unpaired UTF-16 surrogate."),
    (b'{"a": "\xff"}', "Request body is not valid JSON."),
    (b'{"a": 1,}', "Request body is not valid JSON."),
    (b'[' * 65 + b']' * 65, "Request body is nested deeper than 64 levels."),
    (b'[' * 100_000 + b']' * 100_000, "Request body is nested deeper than 64 levels."),
    (b'[[],' * 65 + b'[]' + b']' * 65, "Request body is nested deeper than 64 levels."),  # never 65 "[" in a row
    (b'{"a": "' + b'[' * 70 + b'"} x', "Request body is not valid JSON."),  # brackets in a string do not nest
])
def test_bad_bodies_get_the_strict_parsers_answer(raw: bytes, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_json(raw)
    assert caught.value.status == 400 and caught.value.message == message


def test_a_body_of_a_million_values_is_refused_before_it_is_parsed() -> None:
    """5 MiB of empty arrays take orjson most of a second; their count is read from the bytes instead."""
    with pytest.raises(ApiError) as caught:
        parse_json(b"[" + b"[]," * 1_000_000 + b"[]]")
    assert caught.value.status == 413
    assert caught.value.message == "Request body holds more than 100,000 JSON values."


@pytest.mark.parametrize("raw", [
    b'{"notes": "' + b"[{,}]" * 200_000 + b'"}',  # a million brackets and commas, all inside one string
    b'{"a": "\\\\", "b": "\\"[[[", "c": [' + b"1," * 50_000 + b'1]}',  # escaped quotes and backslashes
])
def test_what_strings_hold_is_not_counted(raw: bytes) -> None:
    assert parse_json(raw) == json.loads(raw)


def test_an_unterminated_string_of_escaped_quotes_costs_one_pass() -> None:
    """A string pattern that can fail starts again at every escaped quote: quadratic (40 kB took 5 s)."""
    raw = b"[" * 70 + b'"' + b'\\"' * 100_000
    started = time.monotonic()
    with pytest.raises(ApiError) as caught:
        parse_json(raw)
    assert caught.value.status == 400
    assert time.monotonic() - started < 2.0
