"""Leave the target as it was found, where the API allows it: what the run created and can delete, it deletes.

Fuzzing registers webhooks with made-up URLs; a server that delivers events would go on posting to them
(and a staging server would post to real hosts). Before the run we note the ids in every list whose items
have a DELETE; afterwards every new id there is deleted with the main key. Sessions, issues and customers
have no DELETE in the contract, so they stay. Bounded: at most :data:`MAX_PAGES` pages of each deletable list
before and after, and a delete per new id found in them.
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
    delete: Operation
    parameter: str


def deletables(scenario: Scenario) -> list[Deletable]:
    """Lists whose items can be deleted by id (``GET /x`` next to ``DELETE /x/{id}``)."""
    found = []
    for delete in scenario.contract.deletes:
        listing = scenario.contract.collection_of(delete)
        if listing is not None and len(delete.path_parameters) == 1:
            found.append(Deletable(listing, delete, delete.path_parameters[0]))
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
    """Delete what appeared since the snapshot; returns how many were deleted."""
    removed = 0
    for item in deletables(scenario):
        for new in sorted(_ids(scenario, item.listing) - before.get(item.listing.label, set())):
            if scenario.send(item.delete, ids={item.parameter: new}).status < 300:
                removed += 1
    return removed
