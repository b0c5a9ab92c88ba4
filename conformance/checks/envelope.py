"""Envelopes and errors: every list is ``{data, total, limit, offset}`` and pages like one, every error is
``{"error": "<message>"}`` in JSON.

Two of these are per-response checks registered with Schemathesis, so they judge every answer its phases
provoke; the others drive their own requests: walking a list page by page (disjoint pages that cover the
set), out-of-range ``limit``/``offset``, unknown ids and broken bodies.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterator
from typing import Any

from conformance.checks.base import (
    JSON_TYPES,
    Scenario,
    error_body_problems,
    error_problems,
    operation_of,
    page_ids,
    problem,
    response_check,
    response_headers,
    response_json,
    scenario_check,
)
from conformance.operations import ENVELOPE_FIELDS, Operation
from conformance.results import CheckResult, Problem, skipped, verdict

FAMILY = "envelope"
BAD_REQUEST = (400,)
REJECTED = (400, 422)


# Per-response checks (registered with Schemathesis, run on every answer of its phases).


def _is_error(case: Any, status: int) -> bool:
    return status >= 400


def _is_list_answer(case: Any, status: int) -> bool:
    return status == 200 and operation_of(case).is_list


@response_check(
    FAMILY,
    "error_body",
    'Every 4xx/5xx answer Schemathesis provokes is JSON {"error": "<message>"}.',
    applies=_is_error,
)
def hissuno_error_body(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx/5xx answer is JSON ``{"error": "<non-empty message>"}``."""
    if response.status_code < 400:
        return None
    content_type = response_headers(response).get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        raise AssertionError(
            f"{response.status_code} answered {content_type or 'no Content-Type'}, expected application/json"
        )
    body = response_json(response)
    if not isinstance(body, dict) or not isinstance(body.get("error"), str) or not body["error"].strip():
        raise AssertionError(f'{response.status_code} body is not {{"error": "<message>"}}: {response.content[:200]!r}')
    return None


@response_check(
    FAMILY,
    "list_shape",
    "Every list answer is {data, total, limit, offset}, echoes the page asked for, and holds the right count.",
    applies=_is_list_answer,
    scope="lists",
)
def hissuno_list_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 200 list is ``{data, total, limit, offset}`` echoing the requested page, with at most ``limit`` rows."""
    if response.status_code != 200:
        return None
    operation = operation_of(case)
    if not operation.is_list:
        return None
    problems = list(list_shape_problems(operation, response_json(response), case.query or {}))
    if problems:
        raise AssertionError("; ".join(problems))
    return None


def _requested(value: Any, default: int | None) -> int | None:
    if value is None:
        return default
    text = str(value)
    return int(text) if text.isdigit() else None


def list_shape_problems(operation: Operation, body: Any, query: dict[str, Any]) -> Iterator[str]:
    """What is wrong with a list answer, given the query that asked for it."""
    if not isinstance(body, dict) or not set(body) >= ENVELOPE_FIELDS:
        yield f"a list must be an object with {sorted(ENVELOPE_FIELDS)}, got {str(body)[:120]}"
        return
    data, total, limit, offset = body["data"], body["total"], body["limit"], body["offset"]
    if not isinstance(data, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in (total, limit, offset)
    ):
        yield "data must be an array and total, limit, offset integers"
        return
    wanted_limit = _requested(query.get("limit"), operation.default_limit)
    wanted_offset = _requested(query.get("offset"), 0)
    if wanted_limit is not None and limit != wanted_limit:
        yield f"limit {limit} does not echo the requested {wanted_limit}"
    if wanted_offset is not None and offset != wanted_offset:
        yield f"offset {offset} does not echo the requested {wanted_offset}"
    if total < 0:
        yield f"total {total} is negative"
    expected = max(0, min(limit, total - offset))
    if len(data) != expected:
        yield f"{len(data)} rows for limit={limit} offset={offset} total={total}, expected {expected}"


# Scenario checks.


def _ensure_rows(scenario: Scenario, listing: Operation, wanted: int) -> int | None:
    """The list's total, after creating rows (with the main key) when it has fewer than ``wanted``.

    At most ``wanted`` creates: a server that does not store what it creates (Prism, a stateless stub) would
    otherwise be sent creates for ever."""
    total = _total(scenario.send(listing, params={"limit": 1}))
    creates = scenario.sendable(scenario.contract.writes_into(listing, creates_only=True))
    for _ in range(wanted if creates else 0):
        if total is None or total >= wanted:
            break
        made = scenario.create(creates[0])
        if made.exchange.status >= 300:
            break
        total = _total(scenario.send(listing, params={"limit": 1}))
    return total


def _total(exchange: Any) -> int | None:
    body = exchange.json
    if exchange.status == 200 and isinstance(body, dict) and isinstance(body.get("total"), int):
        return body["total"]
    return None


@scenario_check(
    FAMILY,
    "pagination",
    "Walking a list page by page gives disjoint pages of the asked size that cover `total` rows exactly.",
    scope="lists",
)
def pagination(scenario: Scenario) -> Iterator[CheckResult]:
    """At most 3 creates, then at most the profile's ``page_cap`` pages and one page past the end, per list."""
    for listing in scenario.in_scope(pagination):
        total = _ensure_rows(scenario, listing, 3)
        if not total:
            yield skipped(
                listing.label,
                pagination.name,
                FAMILY,
                "the list is empty and nothing can create rows",
                api=scenario.api,
            )
            continue
        yield verdict(listing.label, pagination.name, FAMILY, _walk(scenario, listing, total), api=scenario.api)


def _walk(scenario: Scenario, listing: Operation, total: int) -> list[Problem]:
    _, maximum = listing.limit_bounds
    size = max(1, math.ceil(total / 3), math.ceil(total / scenario.profile.page_cap))
    size = min(size, maximum or size)
    seen: list[str] = []
    problems: list[Problem] = []
    offset = 0
    while offset < total and offset // size < scenario.profile.page_cap:
        query = {"limit": size, "offset": offset}
        exchange = scenario.send(listing, params=query)
        if exchange.status != 200:
            return [problem(f"page {query}: expected 200, got {exchange.status}", exchange)]
        problems.extend(
            problem(f"page {query}: {p}", exchange) for p in list_shape_problems(listing, exchange.json, query)
        )
        ids = page_ids(exchange)
        repeated = sorted(set(ids) & set(seen))
        if repeated:
            problems.append(problem(f"page {query} repeats rows of earlier pages: {', '.join(repeated[:5])}", exchange))
        seen.extend(ids)
        offset += size
    if offset >= total and len(set(seen)) != total:
        message = f"the pages hold {len(set(seen))} distinct rows, total says {total}"
        problems.append(problem(message, scenario.send(listing)))
    beyond = scenario.send(listing, params={"offset": total})
    body = beyond.json
    if beyond.status != 200 or not isinstance(body, dict) or body.get("data") != [] or body.get("total") != total:
        problems.append(
            problem(f"offset={total} (past the end) should answer an empty page with total {total}", beyond)
        )
    return problems


@scenario_check(
    FAMILY,
    "out_of_range",
    '`limit`/`offset` outside their bounds, or not integers, get 400/422 with {"error"}.',
    scope="lists",
)
def out_of_range(scenario: Scenario) -> Iterator[CheckResult]:
    for listing in scenario.in_scope(out_of_range):
        minimum, maximum = listing.limit_bounds
        cases: list[dict[str, Any]] = [{"limit": "abc"}, {"offset": "abc"}, {"offset": -1}]
        if minimum is not None:
            cases.append({"limit": minimum - 1})
        if maximum is not None:
            cases.append({"limit": maximum + 1})
        problems = []
        for params in cases:
            exchange = scenario.send(listing, params=params)
            problems.extend(error_problems(exchange, REJECTED, f"{params}"))
        yield verdict(listing.label, out_of_range.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY,
    "not_found",
    'An unknown id, or one with another resource\'s prefix, gets 404 with {"error"}.',
    scope="getters",
)
def not_found(scenario: Scenario) -> Iterator[CheckResult]:
    for getter in scenario.in_scope(not_found):
        known = scenario.existing_id(getter) or "unknown_x"
        prefix = known.split("_", 1)[0] + "_" if "_" in known else ""
        problems = []
        for unknown in (f"{prefix}{secrets.token_hex(6)}", f"zz_{secrets.token_hex(6)}"):
            exchange = scenario.send(getter, ids=dict.fromkeys(getter.path_parameters, unknown))
            problems.extend(error_problems(exchange, (404,), f"unknown id {unknown}"))
        yield verdict(getter.label, not_found.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY,
    "bad_body",
    "Broken JSON or a non-JSON Content-Type get 400; well-formed JSON that fails validation gets 422 "
    "with `details` naming every missing field.",
    scope=lambda contract: [op for op in contract.writes if op.method != "DELETE" and op.request_body],
)
def bad_body(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(bad_body):
        problems: list[Problem] = []
        broken = scenario.send(operation, raw_body=b'{"broken": ', headers={"Content-Type": "application/json"})
        problems.extend(error_problems(broken, BAD_REQUEST, "body that is not JSON"))
        as_text = scenario.send(operation, raw_body=b"{}", headers={"Content-Type": "text/plain"})
        problems.extend(error_problems(as_text, BAD_REQUEST, "Content-Type text/plain"))
        wrong_type = scenario.send(operation, json_body=[])
        problems.extend(error_problems(wrong_type, (422,), "a JSON array where an object is expected"))
        if refuses_empty_object(operation, operation.request_schema):
            empty = scenario.send(operation, json_body={})
            problems.extend(error_problems(empty, (422,), "an empty object"))
            problems.extend(_details_problems(operation, empty))
        yield verdict(operation.label, bad_body.name, FAMILY, problems, api=scenario.api)


def refuses_empty_object(operation: Operation, schema: dict[str, Any]) -> bool:
    """Whether ``{}`` fails the schema for want of a field (an upvote's body, all optional, does not)."""
    schema = operation.resolve(schema)
    if schema.get("required") or schema.get("minProperties"):
        return True
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:
        return all(refuses_empty_object(operation, branch) for branch in branches)
    return any(refuses_empty_object(operation, part) for part in schema.get("allOf", ()))


def _details_problems(operation: Operation, exchange: Any) -> list[Problem]:
    if exchange.status != 422 or list(error_body_problems(exchange, "422")):
        return []
    details = exchange.json.get("details")
    if not isinstance(details, list) or not details:
        return [problem("422 without a non-empty `details` list", exchange)]
    if not all(
        isinstance(d, dict) and isinstance(d.get("field"), str) and isinstance(d.get("message"), str) for d in details
    ):
        return [problem("every `details` entry must be {field, message}", exchange)]
    required = operation.schema_required(operation.request_schema)
    named = " ".join(d["field"] for d in details)
    missing = sorted(field for field in required if field not in named)
    if missing:
        return [problem(f"422 `details` does not name the missing fields {missing}", exchange)]
    return []
