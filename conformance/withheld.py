"""Operations a run does not send, and why: what it cannot take back must not happen to a staging server.

Revoking every key of the project is never sent: it would revoke the run's own key, and a server that wrongly
allowed a call the suite expects to be refused would revoke the project's keys for everyone. A create whose
``x-hissuno-undo`` link is how the run takes back what it made (revoking a key it created) is sent only when a
probe at the start shows that the undo works: otherwise every key the run made (Schemathesis alone makes
dozens) would stay live on the server, and fill the project's cap.
"""

from __future__ import annotations

from conformance.checks.base import Scenario

ALWAYS = {
    "revokeAllApiKeys": "not sent: it revokes every key of the project, the run's own among them (and a server "
    "that wrongly allowed a refused call would revoke everybody's)",
}


def probe(scenario: Scenario) -> dict[str, str]:
    """The operations of the scenario's document this run must not send, each with its reason."""
    contract = scenario.contract
    withheld = {operation_id: reason for operation_id, reason in ALWAYS.items() if contract.by_id(operation_id)}
    for create in contract.creates:
        found = contract.undo_of(create)
        if found is None or not create.request_examples() or not scenario.operations.matches(create):
            continue
        undo, parameter = found
        made = scenario.create(create)
        if made.id is None:
            withheld[create.operation_id] = (f"not sent: the probe's create answered {made.exchange.status} without "
                                             "an `id` to undo it with, so what the run made would stay")
            continue
        undone = scenario.send(undo, ids={parameter: made.id})
        if undone.status != undo.success_status:
            withheld[create.operation_id] = (f"not sent: {undo.operation_id} answered {undone.status} to undo what "
                                             "the probe created, so what the run made would stay")
    return withheld
