"""Keys and permissions: what Schemathesis cannot see because it only ever sends the one key it was given.

Every operation must answer 401 to a missing, malformed, unknown or revoked key, 403 to a key of another
project, and 403 to a key whose permission level does not allow the operation, always with ``{"error"}``.
Write attempts are sent with a valid body, so a 403 cannot be confused with a validation error.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from conformance.checks.base import (
    OTHER_PROJECT_ROLE,
    Scenario,
    ScenarioCheck,
    error_problems,
    page_ids,
    problem,
    richest_example,
    scenario_check,
    unique_body,
)
from conformance.operations import Contract, Operation
from conformance.results import CheckResult, Problem, verdict

FAMILY = "auth"
UNAUTHORIZED = (401,)
FORBIDDEN = (403,)


def _body(scenario: Scenario, operation: Operation) -> dict[str, Any]:
    """A valid request body for a write, so only the key can be the reason for a refusal."""
    example = richest_example(operation)
    if example is None:
        return {}
    return {"json_body": unique_body(operation, example, scenario.marker())}


def _ids(scenario: Scenario, operation: Operation) -> dict[str, str]:
    """Real ids for the path when we can get them (a refusal must not hide behind a 404)."""
    ids: dict[str, str] = {}
    for name in operation.path_parameters:
        getter = next((op for op in scenario.contract.getters if name in op.path_parameters), None)
        found = scenario.existing_id(getter) if getter is not None else None
        ids[name] = found or "unknown"
    return ids


def _refusals(
    scenario: Scenario, check: ScenarioCheck, headers_by_case: dict[str, dict[str, str]]
) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(check):
        problems = []
        for case, headers in headers_by_case.items():
            exchange = scenario.send(
                operation, None, ids=_ids(scenario, operation), headers=headers, **_body(scenario, operation)
            )
            problems.extend(error_problems(exchange, UNAUTHORIZED, case))
        yield verdict(operation.label, check.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY, "missing_key", 'Every operation answers 401 with {"error"} when no key is sent.', scope="operations"
)
def missing_key(scenario: Scenario) -> Iterator[CheckResult]:
    yield from _refusals(scenario, missing_key, {"no Authorization header": {}})


@scenario_check(
    FAMILY,
    "malformed_key",
    "Every operation answers 401 to a header that is not `Bearer hss_...` (other scheme, no scheme, no token).",
    scope="operations",
)
def malformed_key(scenario: Scenario) -> Iterator[CheckResult]:
    cases = {
        "Basic scheme": {"Authorization": "Basic aHNzOnNlY3JldA=="},
        "token without the hss_ prefix": {"Authorization": "Bearer sk_live_0123456789abcdef"},
        "Bearer with no token": {"Authorization": "Bearer"},
        "the valid key without the Bearer scheme": {"Authorization": scenario.target.api_key},
    }
    for result in _refusals(scenario, malformed_key, cases):
        # The last case carries the real key: show it as a variable, not in clear.
        problems = tuple(
            Problem(p.message, p.curl.replace(scenario.target.api_key, "${HISSUNO_API_KEY}")) for p in result.problems
        )
        yield verdict(result.operation, result.check, result.family, problems, api=result.api)


@scenario_check(
    FAMILY, "unknown_key", "Every operation answers 401 to a well-formed key that does not exist.", scope="operations"
)
def unknown_key(scenario: Scenario) -> Iterator[CheckResult]:
    fake = f"Bearer hss_{secrets.token_hex(16)}"
    yield from _refusals(scenario, unknown_key, {"unknown key": {"Authorization": fake}})


@scenario_check(FAMILY, "revoked_key", "Every operation answers 401 to a revoked or expired key.", scope="operations")
def revoked_key(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(revoked_key, "revoked_key"):
        yield from skips
        return
    for operation in scenario.in_scope(revoked_key):
        exchange = scenario.send(operation, "revoked_key", ids=_ids(scenario, operation), **_body(scenario, operation))
        problems = error_problems(exchange, UNAUTHORIZED, "revoked key")
        yield verdict(operation.label, revoked_key.name, FAMILY, problems, api=scenario.api)


@scenario_check(FAMILY, "query_key", "A key passed in the query string (`?api_key=`) is ignored: 401.", scope="lists")
def query_key(scenario: Scenario) -> Iterator[CheckResult]:
    key = scenario.target.api_key
    for operation in scenario.in_scope(query_key):
        exchange = scenario.send(operation, None, params={"api_key": key, "access_token": key})
        problems = [
            Problem(p.message, p.curl.replace(key, "${HISSUNO_API_KEY}"))
            for p in error_problems(exchange, UNAUTHORIZED, "key in the query string")
        ]
        yield verdict(operation.label, query_key.name, FAMILY, problems, api=scenario.api)


def _other_project_ids(scenario: Scenario) -> set[str]:
    """Ids the other project owns, to make sure a 403 shows none of them."""
    if not scenario.target.other_api_key:
        return set()
    ids: set[str] = set()
    for operation in scenario.contract.lists:
        ids.update(page_ids(scenario.send(operation, OTHER_PROJECT_ROLE, params={"limit": 100})))
    return ids


@scenario_check(
    FAMILY,
    "other_project",
    "A valid key used on another project's path answers 403 with nothing of that project in the body.",
    scope=lambda contract: [op for op in contract.operations if op.is_project_scoped],
)
def other_project(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(other_project, "other_project_id"):
        yield from skips
        return
    foreign = _other_project_ids(scenario)
    for operation in scenario.in_scope(other_project):
        exchange = scenario.send(
            operation,
            "api_key",
            project=scenario.target.other_project_id,
            ids=_ids(scenario, operation),
            **_body(scenario, operation),
        )
        problems = list(error_problems(exchange, FORBIDDEN, "key of another project"))
        leaked = sorted(item for item in foreign if item in exchange.text)
        body = exchange.json
        if leaked or (isinstance(body, dict) and set(body) - {"error"}):
            problems.append(problem(f"the 403 reveals the other project's data: {exchange.text[:200]}", exchange))
        yield verdict(operation.label, other_project.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY, "read_only_write", "A read-only key gets 403 on every write, and the write has no effect.", scope="writes"
)
def read_only_write(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(read_only_write, "read_only_key"):
        yield from skips
        return
    for operation in scenario.in_scope(read_only_write):
        yield _refused_write(scenario, operation, "read_only_key", read_only_write.name)


@scenario_check(
    FAMILY, "standard_delete", "A standard key gets 403 on deletes (only full keys may delete).", scope="deletes"
)
def standard_delete(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(standard_delete, "standard_key"):
        yield from skips
        return
    for operation in scenario.in_scope(standard_delete):
        yield _refused_write(scenario, operation, "standard_key", standard_delete.name)


def _refused_write(scenario: Scenario, operation: Operation, role: str, check: str) -> CheckResult:
    ids = _fresh_ids(scenario, operation)
    listing = scenario.contract.list_of(operation) if operation.method == "POST" else None
    before = _total(scenario, listing[0]) if listing else None
    exchange = scenario.send(operation, role, ids=ids, **_body(scenario, operation))
    problems = list(error_problems(exchange, FORBIDDEN, f"{role.replace('_', ' ')} on a write"))
    if listing and before is not None and _total(scenario, listing[0]) != before:
        problems.append(problem(f"the refused write still changed {listing[0].label}", exchange))
    getter = next((op for op in scenario.contract.getters if op.path == operation.path), None)
    if operation.method == "DELETE" and ids and getter is not None:
        after = scenario.send(getter, "api_key", ids=ids)
        if after.status != 200:
            problems.append(problem(f"the refused delete still removed the resource ({after.describe()})", after))
    return verdict(operation.label, check, FAMILY, problems, api=scenario.api)


def _total(scenario: Scenario, listing: Operation) -> int | None:
    body = scenario.send(listing, params={"limit": 1}).json
    return body.get("total") if isinstance(body, dict) else None


def _fresh_ids(scenario: Scenario, operation: Operation) -> dict[str, str]:
    """For a delete, a resource made just for it (so a wrongly allowed delete harms nothing we need)."""
    found = scenario.contract.create_for(operation) if operation.method == "DELETE" else None
    if found is not None:
        made = scenario.create(found[0])
        if made.id:
            return {found[1]: made.id}
    return _ids(scenario, operation)


@scenario_check(
    FAMILY, "standard_write", "A standard key may create (2xx on every POST).", scope=Contract.creates_with_body
)
def standard_write(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(standard_write, "standard_key"):
        yield from skips
        return
    for operation in scenario.in_scope(standard_write):
        exchange = scenario.send(operation, "standard_key", **_body(scenario, operation))
        problems = []
        if exchange.status != operation.success_status:
            problems.append(
                problem(
                    f"standard key on a create: expected {operation.success_status}, got {exchange.status}", exchange
                )
            )
        yield verdict(operation.label, standard_write.name, FAMILY, problems, api=scenario.api)


@scenario_check(FAMILY, "read_only_read", "A read-only key may read: 200 on every list.", scope="lists")
def read_only_read(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(read_only_read, "read_only_key"):
        yield from skips
        return
    for operation in scenario.in_scope(read_only_read):
        exchange = scenario.send(operation, "read_only_key")
        problems = []
        if exchange.status != 200:
            problems.append(problem(f"read-only key on a list: expected 200, got {exchange.status}", exchange))
        yield verdict(operation.label, read_only_read.name, FAMILY, problems, api=scenario.api)
