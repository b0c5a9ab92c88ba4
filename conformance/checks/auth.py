"""Keys, sessions and permissions: what Schemathesis cannot see because it only ever sends the one key it was
given.

Every operation must answer 401 to a missing, malformed, unknown or revoked key, 403 to a key of another
project, and 403 to a key whose permission level does not allow the operation, always with ``{"error"}``.
Where the contract takes the dashboard's session cookie (``--session-cookie``: a project owner's), the cookie
alone must read, win over a key sent beside it, be refused on another project and on ``/v1``, a made-up one
must be 401, and a write with it from a foreign page (cross-site request forgery) 403. Owner-only operations
refuse a ``standard`` or ``read-only`` key and a member's session (``--member-session-cookie``). Write
attempts are sent with a valid body, so a 403 cannot be confused with a validation error.
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
from contract import conventions

FAMILY = "auth"
UNAUTHORIZED = (401,)
FORBIDDEN = (403,)
FOREIGN_PAGE = "https://conformance.invalid"  # an Origin no server allows (.invalid never resolves)
SESSION = "session_cookie"
MEMBER_SESSION = "member_session_cookie"


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


def _refused_write(
    scenario: Scenario, operation: Operation, role: str, check: str, headers: dict[str, str] | None = None
) -> CheckResult:
    ids = _fresh_ids(scenario, operation)
    listing = scenario.contract.list_of(operation) if operation.method == "POST" else None
    before = _total(scenario, listing[0]) if listing else None
    exchange = scenario.send(operation, role, ids=ids, headers=headers, **_body(scenario, operation))
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
    """For a delete or an action on one resource (a revocation), a resource made just for it (so a wrongly
    allowed write harms nothing we need)."""
    found = scenario.contract.create_linking_to(operation) if operation.path_parameters else None
    if found is not None and scenario.sendable([found[0]]):
        made = scenario.create(found[0])
        if made.id:
            return {found[1]: made.id}
    return _ids(scenario, operation)


def _open_creates(contract: Contract) -> list[Operation]:
    return [op for op in contract.creates_with_body() if not op.owner_only]


def _open_lists(contract: Contract) -> list[Operation]:
    return [op for op in contract.lists if not op.owner_only]


@scenario_check(
    FAMILY, "standard_write", "A standard key may create (2xx on every POST but the owner-only ones).",
    scope=_open_creates,
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


@scenario_check(
    FAMILY, "read_only_read", "A read-only key may read: 200 on every list but the owner-only ones.", scope=_open_lists
)
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


# --- owner-only operations and the dashboard's session cookie ---------------------------------------------------


@scenario_check(
    FAMILY,
    "owner_only",
    "An owner-only operation answers 403 to a standard or read-only key and to a member's session, and does "
    "nothing.",
    scope="owner_only",
)
def owner_only(scenario: Scenario) -> Iterator[CheckResult]:
    roles = [role for role in ("standard_key", "read_only_key", MEMBER_SESSION) if scenario.credential(role)]
    if not roles:
        yield from scenario.skip_all(owner_only, "needs --standard-key, --read-only-key or --member-session-cookie")
        return
    for operation in scenario.in_scope(owner_only):
        problems: list[Problem] = []
        for role in roles:
            if operation.is_write:
                problems.extend(_refused_write(scenario, operation, role, owner_only.name).problems)
            else:
                exchange = scenario.send(operation, role, ids=_ids(scenario, operation))
                problems.extend(error_problems(exchange, FORBIDDEN, f"{role.replace('_', ' ')} on an owner-only read"))
        yield verdict(operation.label, owner_only.name, FAMILY, problems, api=scenario.api)


def _session_lists(contract: Contract) -> list[Operation]:
    return [op for op in contract.lists if op.takes_session]


@scenario_check(
    FAMILY,
    "session_read",
    "The owner's session cookie alone reads every list that takes it (200, with the rate-limit headers).",
    scope=_session_lists,
)
def session_read(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(session_read, SESSION):
        yield from skips
        return
    for operation in scenario.in_scope(session_read):
        exchange = scenario.send(operation, SESSION, params={"limit": 1})
        problems = []
        if exchange.status != 200:
            problems.append(problem(f"the session cookie on a list: expected 200, got {exchange.status}", exchange))
        elif "X-RateLimit-Limit" not in exchange.headers:
            problems.append(problem("the session's answer carries no rate-limit headers", exchange))
        yield verdict(operation.label, session_read.name, FAMILY, problems, api=scenario.api)


def _session_cookie_name(contract: Contract) -> str | None:
    """The cookie of the contract's session scheme (``hissuno_session``)."""
    schemes = contract.document.get("components", {}).get("securitySchemes", {})
    scheme = schemes.get(conventions.SESSION_SCHEME, {})
    return scheme.get("name") if scheme.get("in") == "cookie" else None


@scenario_check(
    FAMILY,
    "unknown_session",
    "Every operation that takes the session cookie answers 401 to a session that does not exist.",
    scope="with_session",
)
def unknown_session(scenario: Scenario) -> Iterator[CheckResult]:
    name = _session_cookie_name(scenario.contract)
    made_up = {"Cookie": f"{name}={secrets.token_urlsafe(32)}"}
    yield from _refusals(scenario, unknown_session, {"unknown session": made_up})


@scenario_check(
    FAMILY,
    "session_wins",
    "With the session cookie and a key of another project (or an unknown key) beside it, the session decides: "
    "200 on the session's project.",
    scope=_session_lists,
)
def session_wins(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(session_wins, SESSION):
        yield from skips
        return
    session = scenario.credential(SESSION)
    assert session is not None
    key = scenario.target.other_api_key or f"hss_{secrets.token_hex(16)}"
    for operation in scenario.in_scope(session_wins):
        exchange = scenario.send(operation, SESSION, params={"limit": 1}, headers={"Authorization": f"Bearer {key}"})
        problems = []
        if exchange.status != 200:
            problems.append(problem(f"session and another key: expected 200 (the session wins), got "
                                    f"{exchange.status}", exchange))
        yield verdict(operation.label, session_wins.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY,
    "session_other_project",
    "The session cookie on a project its user is not a member of answers 403 with nothing of that project.",
    scope=lambda contract: [op for op in contract.with_session if op.is_project_scoped],
)
def session_other_project(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(session_other_project, SESSION, "other_project_id"):
        yield from skips
        return
    foreign = _other_project_ids(scenario)
    for operation in scenario.in_scope(session_other_project):
        exchange = scenario.send(operation, SESSION, project=scenario.target.other_project_id,
                                 ids=_ids(scenario, operation), **_body(scenario, operation))
        problems = list(error_problems(exchange, FORBIDDEN, "session on another project"))
        leaked = sorted(item for item in foreign if item in exchange.text)
        if leaked:
            problems.append(problem(f"the 403 reveals the other project's data: {exchange.text[:200]}", exchange))
        yield verdict(operation.label, session_other_project.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY,
    "cross_site_write",
    "A write with the session cookie from a foreign page (its Origin) answers 403 and does nothing.",
    scope=lambda contract: [op for op in contract.with_session if op.is_write],
)
def cross_site_write(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(cross_site_write, SESSION):
        yield from skips
        return
    for operation in scenario.in_scope(cross_site_write):
        yield _refused_write(scenario, operation, SESSION, cross_site_write.name, headers={"Origin": FOREIGN_PAGE})


@scenario_check(
    FAMILY,
    "session_not_on_v1",
    "An operation that takes keys only answers 401 to the session cookie alone.",
    scope=lambda contract: [op for op in contract.operations if not op.takes_session],
)
def session_not_on_v1(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(session_not_on_v1, SESSION):
        yield from skips
        return
    session = scenario.credential(SESSION)
    assert session is not None
    for result in _refusals(scenario, session_not_on_v1, {"the session cookie alone": {"Cookie": session.value}}):
        # The cookie is a credential: shown as its variable, never in clear.
        problems = tuple(
            Problem(p.message, p.curl.replace(session.value, f"${session.variable}")) for p in result.problems
        )
        yield verdict(result.operation, result.check, result.family, problems, api=result.api)
