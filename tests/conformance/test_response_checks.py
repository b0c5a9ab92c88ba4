"""Our per-response checks (registered with Schemathesis), proven on fake answers."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from conformance.checks.envelope import hissuno_error_body, hissuno_list_shape, list_shape_problems
from conformance.checks.ratelimit import header_problems, hissuno_rate_limit_headers, parse_structured
from conformance.operations import Contract

LIST = Contract.load("v1").by_id("listSessions")
RATE = {
    "x-ratelimit-limit": "300",
    "x-ratelimit-remaining": "299",
    "x-ratelimit-reset": "60",
    "ratelimit-policy": '"pro";q=300;w=60',
    "ratelimit": '"pro";r=299;t=60',
}


def _response(status: int, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> Any:
    content = raw if raw is not None else json.dumps(body).encode()
    merged = {"content-type": ["application/json"], **{k: [v] for k, v in (headers or {}).items()}}
    return SimpleNamespace(status_code=status, headers=merged, content=content)


def _case(operation_id: str = "listSessions", query: dict | None = None) -> Any:
    contract = Contract.load("v1")
    op = contract.by_id(operation_id)
    schema = SimpleNamespace(raw_schema=contract.document)
    operation = SimpleNamespace(
        schema=schema, path=op.path, method=op.method.lower(), definition=SimpleNamespace(raw=op.definition)
    )
    return SimpleNamespace(operation=operation, query=query or {})


def test_error_body_accepts_the_contract_shape() -> None:
    assert hissuno_error_body(None, _response(404, {"error": "Session not found."}), _case()) is None


@pytest.mark.parametrize(
    "response",
    [
        _response(404, None, {"content-type": "text/html"}, raw=b"<h1>Not Found</h1>"),
        _response(400, {"type": "about:blank", "title": "Bad"}, {"content-type": "application/problem+json"}),
        _response(422, {"message": "bad"}),
        _response(500, {"error": ""}),
    ],
    ids=["html", "problem+json", "no-error-field", "empty-error"],
)
def test_error_body_rejects_anything_else(response: Any) -> None:
    with pytest.raises(AssertionError):
        hissuno_error_body(None, response, _case())


def test_list_shape_accepts_a_consistent_page() -> None:
    body = {"data": [{"id": "sess_a"}, {"id": "sess_b"}], "total": 7, "limit": 2, "offset": 4}
    assert hissuno_list_shape(None, _response(200, body), _case(query={"limit": "2", "offset": "4"})) is None


@pytest.mark.parametrize(
    ("body", "query", "expected"),
    [
        ([{"id": "sess_a"}], {}, "must be an object"),
        ({"data": [], "total": 0, "limit": 10, "offset": 0}, {}, "does not echo the requested 50"),
        ({"data": [], "total": 5, "limit": 2, "offset": 0}, {"limit": "2"}, "0 rows for limit=2"),
        (
            {"data": [{}, {}], "total": 5, "limit": 2, "offset": 0},
            {"limit": "2", "offset": "3"},
            "offset 0 does not echo",
        ),
        ({"data": [{}] * 3, "total": 3, "limit": 2, "offset": 0}, {"limit": "2"}, "3 rows for limit=2"),
    ],
    ids=["unwrapped", "default-limit", "short-page", "offset-ignored", "over-limit"],
)
def test_list_shape_names_what_is_wrong(body: Any, query: dict, expected: str) -> None:
    problems = list(list_shape_problems(LIST, body, query))
    assert any(expected in p for p in problems), problems


def test_list_shape_ignores_other_operations_and_statuses() -> None:
    assert hissuno_list_shape(None, _response(200, {"id": "sess_a"}), _case("getSession")) is None
    assert hissuno_list_shape(None, _response(400, {"error": "x"}), _case()) is None


def test_parse_structured_reads_ietf_parameters() -> None:
    assert parse_structured('"pro";q=300;w=60') == {"q": 300, "w": 60}


def test_rate_limit_headers_accept_consistent_values() -> None:
    assert header_problems(RATE, 200) == []
    assert hissuno_rate_limit_headers(None, _response(200, {}, RATE), _case()) is None
    assert hissuno_rate_limit_headers(None, _response(401, {"error": "x"}), _case()) is None, "401 has none"


@pytest.mark.parametrize(
    ("changes", "status", "expected"),
    [
        ({"x-ratelimit-remaining": None}, 200, "without the x-ratelimit-remaining"),
        ({"x-ratelimit-remaining": "301", "ratelimit": '"pro";r=301;t=60'}, 200, "outside 0..300"),
        ({"ratelimit-policy": '"pro";q=60;w=60'}, 200, "q=60 differs"),
        ({"ratelimit": '"pro";r=12;t=60'}, 200, "r=12 differs"),
        ({"x-ratelimit-remaining": "0", "ratelimit": '"pro";r=0;t=60'}, 429, "without an integer Retry-After"),
        ({}, 429, "Remaining 299, expected 0"),
    ],
    ids=["missing", "above-limit", "policy", "state", "no-retry-after", "remaining-on-429"],
)
def test_rate_limit_headers_name_the_inconsistency(changes: dict, status: int, expected: str) -> None:
    headers = {**RATE, **changes}
    headers = {k: v for k, v in headers.items() if v is not None}
    problems = header_problems(headers, status)
    assert any(expected in p for p in problems), problems
