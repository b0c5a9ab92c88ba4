"""State: what is written can be read back, as it was sent, exactly once.

Schemathesis' stateful phase follows the spec's links and checks each answer against its schema; it does
not compare the answers with each other. These checks do: a create is found by id and in its list, the
list's ``total`` grows by one, the fields sent come back unchanged, ids never repeat, an import is an
upsert, and a delete makes the resource disappear.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from conformance.checks.base import Created, Scenario, page_ids, problem, scenario_check
from conformance.client import Exchange
from conformance.operations import Contract, Operation
from conformance.results import CheckResult, Problem, verdict

FAMILY = "state"
PAGE_SIZE = 100


def echo_differences(sent: Any, returned: Any, path: str = "") -> list[str]:
    """Fields whose returned value differs from the sent one (objects compare on the sent keys only)."""
    if isinstance(sent, Mapping):
        if not isinstance(returned, Mapping):
            return [f"{path or 'body'}: sent an object, got {returned!r}"]
        differences = []
        for name, value in sent.items():
            differences.extend(echo_differences(value, returned.get(name), f"{path}.{name}" if path else name))
        return differences
    if sent != returned:
        return [f"{path}: sent {sent!r}, got {returned!r}"]
    return []


def _echoed_fields(operation: Operation, body: Mapping[str, Any]) -> dict[str, Any]:
    """The sent fields that the response schema also has (the rest are inputs only, e.g. a first message)."""
    properties = operation.schema_properties(operation.response_schema(operation.success_status))
    return {name: value for name, value in body.items() if name in properties}


def _total(exchange: Exchange) -> int | None:
    body = exchange.json
    if exchange.status == 200 and isinstance(body, dict) and isinstance(body.get("total"), int):
        return body["total"]
    return None


def find_in_list(scenario: Scenario, listing: Operation, item_id: str, **params: Any) -> dict[str, Any] | None:
    """The item with this id, looked for page by page (up to the profile's page cap)."""
    offset = 0
    for _ in range(scenario.profile.page_cap):
        exchange = scenario.send(listing, params={**params, "limit": PAGE_SIZE, "offset": offset})
        body = exchange.json
        if exchange.status != 200 or not isinstance(body, dict) or not isinstance(body.get("data"), list):
            return None
        for item in body["data"]:
            if isinstance(item, dict) and item.get("id") == item_id:
                return item
        offset += PAGE_SIZE
        if not body["data"] or offset >= (_total(exchange) or 0):
            return None
    return None


def _created_problems(operation: Operation, created: Created) -> list[Problem]:
    exchange = created.exchange
    if exchange.status != operation.success_status:
        return [problem(f"create: expected {operation.success_status}, got {exchange.status}", exchange)]
    if created.id is None:
        return [problem(f"create answered no string `id`: {exchange.text[:200]}", exchange)]
    return []


def _readable_creates(contract: Contract) -> list[Operation]:
    """Creates that link to a getter or answer a ``Location``."""
    return [
        op
        for op in contract.creates
        if contract.getter_of(op) is not None or "Location" in op.response(op.success_status).get("headers", {})
    ]


def _listed_writes(contract: Contract) -> list[Operation]:
    """Writes with an example body whose results show up in a list."""
    return [op for op in contract.creates_with_body() if contract.list_of(op) is not None]


def _imports(contract: Contract) -> list[Operation]:
    """Bulk writes that report ``created`` and ``updated`` and show up in a list (upserts)."""
    return [
        op
        for op in _listed_writes(contract)
        if not op.is_create
        and {"created", "updated"} <= set(op.schema_properties(op.response_schema(op.success_status)))
    ]


def _deletes_of_creates(contract: Contract) -> list[Operation]:
    return [op for op in contract.deletes if contract.create_for(op) is not None]


@scenario_check(
    FAMILY,
    "create_echo",
    "A create answers 201 with the new object, whose fields equal those sent.",
    scope="creates",
)
def create_echo(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(create_echo):
        created = scenario.create(operation)
        problems = _created_problems(operation, created)
        if not problems:
            differences = echo_differences(_echoed_fields(operation, created.body), created.exchange.json)
            problems = [
                problem(f"the created object differs from what was sent: {d}", created.exchange) for d in differences
            ]
        yield verdict(operation.label, create_echo.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY,
    "read_after_create",
    "A created object is readable by id (and at its Location) with the fields sent.",
    scope=_readable_creates,
)
def read_after_create(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(read_after_create):
        getter = scenario.contract.getter_of(operation)
        has_location = "Location" in operation.response(operation.success_status).get("headers", {})
        created = scenario.create(operation)
        problems = _created_problems(operation, created)
        if not problems and created.id:
            if getter is not None:
                problems.extend(_read_back(scenario, operation, getter[0], {getter[1]: created.id}, created))
            if has_location:
                problems.extend(_location_problems(scenario, created))
        yield verdict(operation.label, read_after_create.name, FAMILY, problems, api=scenario.api)


def _read_back(
    scenario: Scenario, create: Operation, getter: Operation, ids: dict[str, str], created: Created
) -> list[Problem]:
    exchange = scenario.send(getter, ids=ids)
    if exchange.status != 200:
        return [problem(f"reading the created object back: expected 200, got {exchange.status}", exchange)]
    body = exchange.json
    if not isinstance(body, dict) or body.get("id") != created.id:
        return [problem(f"reading back {created.id} answered another object: {exchange.text[:200]}", exchange)]
    return [
        problem(f"the object read back differs from what was sent: {d}", exchange)
        for d in echo_differences(_echoed_fields(create, created.body), body)
    ]


def _location_problems(scenario: Scenario, created: Created) -> list[Problem]:
    location = created.exchange.headers.get("Location", "")
    curl = created.exchange.curl()
    if not location:
        return [Problem("201 without a Location header", curl)]
    if created.id and not location.rstrip("/").endswith(created.id):
        return [Problem(f"Location {location!r} does not point at the new id {created.id}", curl)]
    path = urlsplit(location).path
    for getter in scenario.contract.getters:
        if _matches(getter, path):
            exchange = scenario.client.send("GET", path, credential=scenario.target.main)
            if exchange.status != 200:
                return [problem(f"GET Location {path}: expected 200, got {exchange.status}", exchange)]
    return []


def _matches(operation: Operation, path: str) -> bool:
    template = operation.path.split("/")
    parts = path.split("/")
    return len(template) == len(parts) and all(
        t == p or (t.startswith("{") and t.endswith("}")) for t, p in zip(template, parts, strict=True)
    )


@scenario_check(
    FAMILY,
    "listed_after_create",
    "A created object shows up in its list, and the list's `total` grows by exactly one.",
    scope=_listed_writes,
)
def listed_after_create(scenario: Scenario) -> Iterator[CheckResult]:
    """One create, two one-row pages, then at most ``page_cap`` pages to find the new row."""
    for operation in scenario.in_scope(listed_after_create):
        found = scenario.contract.list_of(operation)
        assert found is not None  # the scope holds only writes with a list
        listing, link_query = found
        before = _total(scenario.send(listing, params={"limit": 1}))
        created = scenario.create(operation)
        problems = _created_problems(operation, created) if operation.is_create else _accepted(operation, created)
        if not problems:
            after = scenario.send(listing, params={"limit": 1})
            grown = _created_count(operation, created)
            if before is not None and _total(after) != before + grown:
                problems.append(
                    problem(f"list total went from {before} to {_total(after)} after creating {grown}", after)
                )
            problems.extend(_findable(scenario, operation, listing, link_query, created))
        yield verdict(operation.label, listed_after_create.name, FAMILY, problems, api=scenario.api)


def _accepted(operation: Operation, created: Created) -> list[Problem]:
    exchange = created.exchange
    if exchange.status != operation.success_status:
        return [problem(f"expected {operation.success_status}, got {exchange.status}", exchange)]
    return []


def _created_count(operation: Operation, created: Created) -> int:
    """How many rows a write added: one for a create, the reported ``created`` for an import."""
    body = created.exchange.json
    if not operation.is_create and isinstance(body, dict) and isinstance(body.get("created"), int):
        return body["created"]
    return 1


def _findable(
    scenario: Scenario, operation: Operation, listing: Operation, link_query: dict[str, str], created: Created
) -> list[Problem]:
    if operation.is_create and created.id:
        if find_in_list(scenario, listing, created.id) is None:
            return [problem(f"{created.id} is not in {listing.label}", created.exchange)]
        return []
    # An import: every item must have been taken, and the link says how to find the first one.
    rejected = created.exchange.json.get("errors") if isinstance(created.exchange.json, dict) else None
    if rejected:
        return [problem(f"a valid item was rejected: {rejected}", created.exchange)]
    params = {name: _evaluate(expression, created.body) for name, expression in link_query.items()}
    exchange = scenario.send(listing, params=params)
    body = exchange.json
    data = body.get("data") if isinstance(body, dict) else None
    if exchange.status != 200 or not isinstance(data, list) or len(data) != 1:
        return [problem(f"the imported item is not found once with {params}: {exchange.text[:200]}", exchange)]
    item = _first_item(created.body)
    envelope = listing.schema_properties(listing.response_schema(200))
    properties = listing.schema_properties(envelope.get("data", {}).get("items", {}))
    sent = {name: value for name, value in item.items() if name in properties}
    return [
        problem(f"the imported item differs from what was sent: {d}", exchange) for d in echo_differences(sent, data[0])
    ]


def _first_item(body: Any) -> dict[str, Any]:
    """The first element of the body's first array field (the items of a bulk write)."""
    for value in body.values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value[0]
    return {}


def _evaluate(expression: str, body: Any) -> Any:
    """A ``$request.body#/json/pointer`` link expression evaluated on the body we sent."""
    prefix = "$request.body#"
    if not expression.startswith(prefix):
        return expression
    value = body
    for part in expression[len(prefix) :].strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


@scenario_check(FAMILY, "unique_ids", "Two creates get two different ids, neither already in use.", scope="creates")
def unique_ids(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(unique_ids):
        listing = scenario.contract.list_of(operation)
        existing = set(page_ids(scenario.send(listing[0], params={"limit": PAGE_SIZE}))) if listing else set()
        first, second = scenario.create(operation), scenario.create(operation)
        problems = _created_problems(operation, first) + _created_problems(operation, second)
        if not problems:
            if first.id == second.id:
                problems.append(problem(f"two creates both got id {first.id}", second.exchange))
            if existing & {first.id, second.id}:
                problems.append(
                    problem(f"a create reused an existing id: {existing & {first.id, second.id}}", first.exchange)
                )
        yield verdict(operation.label, unique_ids.name, FAMILY, problems, api=scenario.api)


@scenario_check(FAMILY, "upsert", "Sending the same import twice updates instead of duplicating.", scope=_imports)
def upsert(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(upsert):
        found = scenario.contract.list_of(operation)
        assert found is not None  # the scope holds only imports with a list
        first = scenario.create(operation)
        problems = _accepted(operation, first)
        if not problems:
            total = _total(scenario.send(found[0], params={"limit": 1}))
            again = scenario.send(operation, json_body=first.body)
            problems = _upsert_problems(first.exchange, again)
            after = _total(scenario.send(found[0], params={"limit": 1}))
            if total != after:
                problems.append(problem(f"re-importing changed the list total from {total} to {after}", again))
        yield verdict(operation.label, upsert.name, FAMILY, problems, api=scenario.api)


def _upsert_problems(first: Exchange, again: Exchange) -> list[Problem]:
    a, b = first.json, again.json
    if again.status != first.status or not isinstance(a, dict) or not isinstance(b, dict):
        return [problem(f"the repeated import answered {again.status}: {again.text[:200]}", again)]
    written = (a.get("created") or 0) + (a.get("updated") or 0)
    if b.get("created") != 0 or b.get("updated") != written:
        return [
            Problem(
                f"the repeated import should update {written} and create 0, "
                f"got created={b.get('created')} updated={b.get('updated')}",
                again.curl(),
            )
        ]
    return []


@scenario_check(
    FAMILY,
    "delete",
    "A deleted object is gone: 404 by id, absent from its list, a second delete 404.",
    scope=_deletes_of_creates,
)
def delete(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(delete):
        found = scenario.contract.create_for(operation)
        assert found is not None  # the scope holds only deletes a create links to
        create, parameter = found
        created = scenario.create(create)
        problems = _created_problems(create, created)
        if not problems and created.id:
            problems = _delete_problems(scenario, operation, {parameter: created.id}, created.id)
        yield verdict(operation.label, delete.name, FAMILY, problems, api=scenario.api)


def _delete_problems(scenario: Scenario, operation: Operation, ids: dict[str, str], item_id: str) -> list[Problem]:
    removed = scenario.send(operation, ids=ids)
    if removed.status != operation.success_status:
        return [problem(f"delete: expected {operation.success_status}, got {removed.status}", removed)]
    problems = []
    getter = next((op for op in scenario.contract.getters if op.path == operation.path), None)
    if getter is not None:
        after = scenario.send(getter, ids=ids)
        if after.status != 404:
            problems.append(problem(f"reading a deleted object: expected 404, got {after.status}", after))
    again = scenario.send(operation, ids=ids)
    if again.status != 404:
        problems.append(problem(f"deleting twice: expected 404, got {again.status}", again))
    listing = scenario.contract.collection_of(operation)
    if listing is not None and find_in_list(scenario, listing, item_id) is not None:
        problems.append(problem(f"the deleted {item_id} is still in {listing.label}", removed))
    return problems
