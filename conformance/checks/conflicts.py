"""Conflicts: a valid request that conflicts with what the project holds gets 409 with ``{"error"}`` and changes
nothing.

No schema can say when a request conflicts, so the contract says it on the 409 response
(``x-conflicts-when-repeated``): which requests conflict when sent a second time (a second codebase source, a
second webhook for one URL, closing a closed session). Each is sent twice, the second must be refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.checks import state
from conformance.checks.base import Scenario, error_problems, problem, richest_example, scenario_check, unique_body
from conformance.operations import Contract, Operation
from conformance.results import CheckResult, Problem, skipped, verdict

FAMILY = state.FAMILY


def _repeatable_conflicts(contract: Contract) -> list[Operation]:
    return [op for op in contract.operations if op.conflicts_when_repeated()]


@scenario_check(
    FAMILY,
    "conflict",
    "A request the contract says conflicts when repeated (a second codebase source, a URL that already has a "
    'webhook, closing a closed session) gets 409 with {"error"} the second time, and changes nothing.',
    scope=_repeatable_conflicts,
)
def conflict(scenario: Scenario) -> Iterator[CheckResult]:
    """Per operation: at most one create (a fresh resource to act on), the request twice, two one-row pages."""
    for operation in scenario.in_scope(conflict):
        ids = _fresh_ids(scenario, operation)
        if ids is None:
            reason = "nothing to act on: no create links to this resource, or it answered no id"
            yield skipped(operation.label, conflict.name, FAMILY, reason, api=scenario.api)
            continue
        problems = _conflict_problems(scenario, operation, ids, _body(scenario, operation))
        yield verdict(operation.label, conflict.name, FAMILY, problems, api=scenario.api)


def _conflict_problems(scenario: Scenario, operation: Operation, ids: dict[str, str],
                       body: dict[str, Any]) -> list[Problem]:
    first = scenario.send(operation, ids=ids, **body)
    if first.status not in (operation.success_status, 409):  # 409: the project held the conflict already
        return [problem(f"the first request: expected {operation.success_status} or 409, got {first.status}", first)]
    listing = scenario.contract.list_of(operation) if operation.is_create else None
    before = _total(scenario, listing[0]) if listing else None
    second = scenario.send(operation, ids=ids, **body)
    problems = list(error_problems(second, (409,), "the same request again"))
    if listing and before is not None and _total(scenario, listing[0]) != before:
        problems.append(problem(f"the refused request still changed {listing[0].label}", second))
    return problems


def _fresh_ids(scenario: Scenario, operation: Operation) -> dict[str, str] | None:
    """Path ids for the operation: a resource made for it (so a closed session is one this run closed)."""
    if not operation.path_parameters:
        return {}
    found = scenario.contract.create_linking_to(operation)
    if found is None:
        return None
    made = scenario.create(found[0])
    return {found[1]: made.id} if made.id else None


def _body(scenario: Scenario, operation: Operation) -> dict[str, Any]:
    """The request to send twice: the example the contract names, or its richest one, with this run's marker."""
    named = operation.conflicts_when_repeated()
    examples = operation.named_request_examples()
    if isinstance(named, list):
        chosen = next((examples[name] for name in named if name in examples), None)
    else:
        chosen = richest_example(operation)
    return {} if chosen is None else {"json_body": unique_body(operation, chosen, scenario.marker())}


def _total(scenario: Scenario, listing: Operation) -> int | None:
    body = scenario.send(listing, params={"limit": 1}).json
    return body.get("total") if isinstance(body, dict) and isinstance(body.get("total"), int) else None
