"""Request bodies: orjson's fast parse is used only where it cannot differ from the exact, strict one."""

from __future__ import annotations

import json

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
    (b'[' * 100_000 + b']' * 100_000, "Request body is not valid JSON."),
])
def test_bad_bodies_get_the_strict_parsers_answer(raw: bytes, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_json(raw)
    assert caught.value.status == 400 and caught.value.message == message
