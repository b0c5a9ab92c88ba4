"""Writes to an existing object (a ``PATCH``, an action such as closing a session): the answer shows the change,
and reading the object back shows the same change.

Schemathesis checks each answer against its schema; it cannot tell an answer that describes a change from a
change that was made. Timestamps are left out of the comparison: they are the server's to move (a review
finishing after a close moves ``updated_at`` again).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from conformance.checks import state
from conformance.checks.base import Scenario, problem, scenario_check, unique_body
from conformance.operations import Contract, Operation
from conformance.results import CheckResult, Problem, skipped, verdict

FAMILY = state.FAMILY


def _item_writes(contract: Contract) -> list[Operation]:
    """Writes on one existing object that answer it: not creates, not deletes, with a getter for the object."""
    return [
        op for op in contract.writes
        if op.method != "DELETE" and not op.is_create and op.path_parameters and contract.getter_for(op) is not None
        and op.response_schema(op.success_status)
    ]


@scenario_check(
    FAMILY,
    "write_persists",
    "A write to an existing object (PATCH, or an action such as close) answers the object with the fields sent "
    "and the change made, and reading it back shows them.",
    scope=_item_writes,
)
def write_persists(scenario: Scenario) -> Iterator[CheckResult]:
    """Per operation: one create (a fresh object), a read, the write (the contract's first example body), a read."""
    for operation in scenario.in_scope(write_persists):
        getter = scenario.contract.getter_for(operation)
        found = scenario.contract.create_linking_to(operation)
        made = scenario.create(found[0]) if found is not None else None
        if getter is None or made is None or not made.id:
            reason = (f"nothing to write to: {found[0].label} answered no id" if made is not None
                      else "nothing to write to: no create links to this resource")
            yield skipped(operation.label, write_persists.name, FAMILY, reason, api=scenario.api)
            continue
        problems = _write_problems(scenario, operation, getter, {found[1]: made.id}, made.id)
        yield verdict(operation.label, write_persists.name, FAMILY, problems, api=scenario.api)


def _write_problems(scenario: Scenario, operation: Operation, getter: Operation, ids: dict[str, str],
                    object_id: str) -> list[Problem]:
    before = scenario.send(getter, ids=ids)
    if before.status != 200 or not isinstance(before.json, dict):
        return [problem(f"reading the object to write to: expected 200, got {before.status}", before)]
    examples = operation.request_examples()
    sent = unique_body(operation, examples[0], scenario.marker()) if examples else None
    written = scenario.send(operation, ids=ids, **({"json_body": sent} if sent is not None else {}))
    if written.status != operation.success_status or not isinstance(written.json, dict):
        return [problem(f"the write: expected {operation.success_status}, got {written.status}", written)]
    if written.json.get("id") != object_id:
        return [problem(f"the write answered another object: {written.text[:200]}", written)]
    after = scenario.send(getter, ids=ids)
    if after.status != 200 or not isinstance(after.json, dict):
        return [problem(f"reading the object back: expected 200, got {after.status}", after)]
    echoed = _sent_fields(operation, sent)
    expected = {**echoed, **_changes(operation, before.json, written.json)}
    return [
        *(problem(f"the write's answer: {d}", written) for d in state.echo_differences(echoed, written.json)),
        *(problem(f"read back after the write: {d}", after) for d in state.echo_differences(expected, after.json)),
    ]


def _sent_fields(operation: Operation, body: Any) -> dict[str, Any]:
    """The sent fields the answer shows too."""
    if not isinstance(body, Mapping) or not operation.response_schema(operation.success_status):
        return {}
    properties = operation.schema_properties(operation.response_schema(operation.success_status))
    return {name: value for name, value in body.items() if name in properties}


def _changes(operation: Operation, before: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """What the answer changed of the object, timestamps aside."""
    properties = operation.schema_properties(operation.response_schema(operation.success_status))
    return {
        name: value for name, value in answer.items()
        if before.get(name) != value and not _is_timestamp(operation, properties.get(name, {}))
    }


def _is_timestamp(operation: Operation, schema: Any) -> bool:
    schema = operation.resolve(schema)
    return schema.get("format") == "date-time" or any(
        _is_timestamp(operation, part) for part in schema.get("allOf", ()) + schema.get("anyOf", ()))
