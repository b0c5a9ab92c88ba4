"""Leave the target as it was found, where the API allows it: what the run created and can delete (or undo), it
deletes (or undoes).

Fuzzing registers webhooks with made-up URLs; a server that delivers events would go on posting to them
(and a staging server would post to real hosts); it creates API keys that would keep working, and fill the
project's cap on active keys. Before the run we note the ids in every list whose items have a DELETE, or whose
create links to an operation that undoes it (``x-hissuno-undo``: revoking a key); after each Schemathesis
stage and at the end, every new id there is deleted, or undone, with the main key. Sessions, issues and
customers have neither in the contract, so they stay. Bounded: at most :data:`MAX_PAGES` pages of each such
list before and after, and one request per new id found in them.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.checks.base import Scenario, page_ids
from conformance.operations import Operation

PAGE_SIZE = 100
MAX_PAGES = 50


@dataclass(frozen=True)
class Deletable:
    listing: Operation
    delete: Operation  # a DELETE of the item, or the operation that undoes it
    parameter: str


def deletables(scenario: Scenario) -> list[Deletable]:
    """Lists whose items can be deleted by id (``GET /x`` next to ``DELETE /x/{id}``), or undone (a create's
    ``x-hissuno-undo`` link)."""
    contract = scenario.contract
    found = []
    for delete in contract.deletes:
        listing = contract.collection_of(delete)
        if listing is not None and len(delete.path_parameters) == 1:
            found.append(Deletable(listing, delete, delete.path_parameters[0]))
    for create in contract.creates:
        undo, listed = contract.undo_of(create), contract.list_of(create)
        if undo is not None and listed is not None and undo[0].method != "DELETE":
            found.append(Deletable(listed[0], undo[0], undo[1]))
    return found


def _ids(scenario: Scenario, listing: Operation) -> set[str]:
    ids: set[str] = set()
    for page in range(MAX_PAGES):
        found = page_ids(scenario.send(listing, params={"limit": PAGE_SIZE, "offset": page * PAGE_SIZE}))
        ids.update(found)
        if len(found) < PAGE_SIZE:
            break
    return ids


def snapshot(scenario: Scenario) -> dict[str, set[str]]:
    """The ids each deletable list holds now."""
    return {item.listing.label: _ids(scenario, item.listing) for item in deletables(scenario)}


def remove_new(scenario: Scenario, before: dict[str, set[str]]) -> int:
    """Delete (or undo) what appeared since the snapshot, and add it to the snapshot, so a later clean-up does
    not take it again; returns how many were deleted or undone."""
    removed = 0
    for item in deletables(scenario):
        seen = before.setdefault(item.listing.label, set())
        for new in sorted(_ids(scenario, item.listing) - seen):
            seen.add(new)
            if scenario.send(item.delete, ids={item.parameter: new}).status < 300:
                removed += 1
    return removed
