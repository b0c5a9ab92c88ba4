"""Project isolation: what project A owns never shows up through project B's key.

Schemathesis sends every request with one key, so a server that answers every project's data to any valid
key passes all its checks. These checks use two projects: everything A lists or has just created must be
absent from B's lists (every page), unreadable by id through B (404), and unmatched by B's filters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.checks.base import OTHER_PROJECT_ROLE, Created, Scenario, page_ids, problem, scenario_check
from conformance.operations import Contract, Operation
from conformance.results import CheckResult, skipped, verdict

FAMILY = "isolation"
PAGE_SIZE = 100


def _created_in(scenario: Scenario, listing: Operation) -> list[Created]:
    """What A created that belongs in this list, creating one now if nothing has been yet."""
    owners = scenario.sendable(scenario.contract.writes_into(listing))
    made = [c for c in scenario.created if c.operation in owners and c.exchange.status < 300]
    if not made and owners:
        created = scenario.create(owners[0])
        made = [created] if created.exchange.status < 300 else []
    return made


def _all_ids(scenario: Scenario, listing: Operation, role: str) -> tuple[set[str], Any]:
    """Every id the role can list (up to the page cap), and the last exchange, for reproduction."""
    ids: set[str] = set()
    exchange = None
    for page in range(scenario.profile.page_cap):
        exchange = scenario.send(listing, role, params={"limit": PAGE_SIZE, "offset": page * PAGE_SIZE})
        found = page_ids(exchange)
        ids.update(found)
        body = exchange.json
        total = body.get("total") if isinstance(body, dict) else None
        if len(found) < PAGE_SIZE or not isinstance(total, int) or (page + 1) * PAGE_SIZE >= total:
            break
    return ids, exchange


@scenario_check(
    FAMILY, "list", "Nothing project A lists or creates appears in any page of project B's lists.", scope="lists"
)
def list_isolation(scenario: Scenario) -> Iterator[CheckResult]:
    """At most one create, one page of A's list and ``page_cap`` pages of B's, per list."""
    if skips := scenario.needs(list_isolation, OTHER_PROJECT_ROLE):
        yield from skips
        return
    for listing in scenario.in_scope(list_isolation):
        owned = {c.id for c in _created_in(scenario, listing) if c.id}
        owned |= set(page_ids(scenario.send(listing, params={"limit": PAGE_SIZE})))
        if not owned:
            yield skipped(
                listing.label, list_isolation.name, FAMILY, "project A has nothing in this list", api=scenario.api
            )
            continue
        visible, exchange = _all_ids(scenario, listing, OTHER_PROJECT_ROLE)
        leaked = sorted(owned & visible)
        problems = []
        if leaked and exchange is not None:
            shown = ", ".join(leaked[:5])
            problems.append(problem(f"project B's key lists {len(leaked)} of project A's rows: {shown}", exchange))
        yield verdict(listing.label, list_isolation.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY, "get_by_id", "Project B's key gets 404 for project A's ids, and none of A's data.", scope="getters"
)
def get_by_id(scenario: Scenario) -> Iterator[CheckResult]:
    if skips := scenario.needs(get_by_id, OTHER_PROJECT_ROLE):
        yield from skips
        return
    for getter in scenario.in_scope(get_by_id):
        owned = scenario.existing_id(getter)
        if owned is None:
            yield skipped(getter.label, get_by_id.name, FAMILY, "project A has nothing to read", api=scenario.api)
            continue
        ids = dict.fromkeys(getter.path_parameters, owned)
        exchange = scenario.send(getter, OTHER_PROJECT_ROLE, ids=ids)
        problems = []
        body = exchange.json
        if exchange.status != 404:
            problems.append(
                problem(f"project B's key reading A's {owned}: expected 404, got {exchange.status}", exchange)
            )
        elif isinstance(body, dict) and set(body) - {"error"}:
            problems.append(problem(f"the 404 carries data: {exchange.text[:200]}", exchange))
        yield verdict(getter.label, get_by_id.name, FAMILY, problems, api=scenario.api)


def _filterable(contract: Contract) -> list[Operation]:
    """Lists with a ``search`` or ``*_id`` query parameter."""
    return [
        listing
        for listing in contract.lists
        if any(where == "query" and (name == "search" or name.endswith("_id")) for where, name in listing.parameters)
    ]


@scenario_check(
    FAMILY, "filters", "Project B's filters (search, *_id) never match project A's rows.", scope=_filterable
)
def filters(scenario: Scenario) -> Iterator[CheckResult]:
    """Per list: one page of A's rows, a search per marker A created, then one request of B's per filter."""
    if skips := scenario.needs(filters, OTHER_PROJECT_ROLE):
        yield from skips
        return
    for listing in scenario.in_scope(filters):
        probes = list(_probes(scenario, listing))
        if not probes:
            reason = "no filter of this list matches project A's rows for project A"
            yield skipped(listing.label, filters.name, FAMILY, reason, api=scenario.api)
            continue
        problems = []
        for params in probes:
            exchange = scenario.send(listing, OTHER_PROJECT_ROLE, params=params)
            body = exchange.json
            total = body.get("total") if isinstance(body, dict) else None
            if exchange.status == 200 and (page_ids(exchange) or total):
                problems.append(problem(f"project B's key matches project A's rows with {params}", exchange))
        yield verdict(listing.label, filters.name, FAMILY, problems, api=scenario.api)


def _probes(scenario: Scenario, listing: Operation) -> Iterator[dict[str, str]]:
    """Filters that match A's rows for A (checked here), so they must match nothing for B."""
    if listing.query_parameter("search"):
        for created in _created_in(scenario, listing):
            params = {"search": created.marker}
            if page_ids(scenario.send(listing, params=params)):
                yield params
                break
    first_page = scenario.send(listing, params={"limit": PAGE_SIZE}).json
    items = first_page.get("data", []) if isinstance(first_page, dict) else []
    for (location, name), _ in listing.parameters.items():
        if location != "query" or not name.endswith("_id"):
            continue
        value = next((i.get(name) for i in items if isinstance(i, dict) and isinstance(i.get(name), str)), None)
        if value:
            yield {name: value}
