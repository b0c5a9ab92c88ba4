"""Keys: the Access page's promises, which no single answer shows. A key created through the API works on the
very next request, with the project's rate limit; a revoked one is refused on the very next request (no cache,
no delay) and stays listed as revoked; the key itself is shown once, in the create's answer, and never again
in a list or a read; past the cap on a project's active keys, a create is a 409 ``{"error"}``.

The operations are the contract's (``createApiKey``, ``listApiKeys``, ``getApiKey``, ``revokeApiKey``), called
with the main key (a ``full`` key may manage keys). Every key a check creates is revoked before the check ends,
so a run leaves no working key behind; the cap check creates at most :data:`MAX_CAP_CREATES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from conformance.checks.base import Created, Scenario, page_ids, problem, scenario_check
from conformance.client import Credential, Exchange
from conformance.operations import Contract, Operation
from conformance.results import CheckResult, Problem, verdict

FAMILY = "keys"
CREATE, LIST, GET, REVOKE = "createApiKey", "listApiKeys", "getApiKey", "revokeApiKey"
SECRET_FIELD = "key"
MAX_CAP_CREATES = 60
"""Creates the cap check sends at most before it calls the cap missing (the contract's cap is 25 active keys)."""
MAX_LIST_PAGES = 20
PAGE_SIZE = 100


def _reported_on(*operation_ids: str) -> Callable[[Contract], list[Operation]]:
    """A scope: the named operations, where the contract can create and revoke keys (every check does both)."""
    def scope(contract: Contract) -> list[Operation]:
        if contract.by_id(CREATE) is None or contract.by_id(REVOKE) is None:
            return []
        return [op for op in map(contract.by_id, operation_ids) if op is not None]
    return scope


def _made(scenario: Scenario) -> tuple[Created, str | None, list[Problem]]:
    """A key created with the main key: what came back, the key itself, and what is wrong with the answer."""
    create = scenario.contract.by_id(CREATE)
    assert create is not None
    created = scenario.create(create)
    body = created.exchange.json
    secret = body.get(SECRET_FIELD) if isinstance(body, dict) else None
    if created.exchange.status != create.success_status or created.id is None or not isinstance(secret, str):
        message = f"creating a key: expected {create.success_status} with `id` and `{SECRET_FIELD}`, got " \
                  f"{created.exchange.status}: {created.exchange.text[:200]}"
        return created, None, [problem(message, created.exchange)]
    return created, secret, []


def _revoke(scenario: Scenario, key_id: str) -> int:
    revoke = scenario.contract.by_id(REVOKE)
    assert revoke is not None
    return scenario.send(revoke, ids={revoke.path_parameters[0]: key_id}).status


def _probe(scenario: Scenario) -> Operation:
    """A list any key of the project may read (the one a new key is tried on)."""
    return next(op for op in scenario.contract.lists if not op.owner_only)


def _with_key(scenario: Scenario, probe: Operation, secret: str) -> Exchange:
    """The probe's first page, asked with the new key alone."""
    return scenario.send(probe, None, credential=Credential("NEW_HISSUNO_KEY", secret), params={"limit": 1})


@scenario_check(
    FAMILY,
    "created_key_works",
    "A key created through the API works on the next request, rate-limited by the project's plan.",
    scope=_reported_on(CREATE),
)
def created_key_works(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(created_key_works):
        created, secret, problems = _made(scenario)
        if secret is not None and created.id is not None:
            probe = _probe(scenario)
            used = _with_key(scenario, probe, secret)
            main = scenario.send(probe, params={"limit": 1})
            if used.status != 200:
                problems.append(problem(f"the new key on the next request: expected 200, got {used.status}", used))
            elif used.headers.get("X-RateLimit-Limit") != main.headers.get("X-RateLimit-Limit"):
                problems.append(problem(f"the new key's limit {used.headers.get('X-RateLimit-Limit')} is not the "
                                        f"project's {main.headers.get('X-RateLimit-Limit')}", used))
            _revoke(scenario, created.id)
        yield verdict(operation.label, created_key_works.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY,
    "revoked_key_refused",
    "A revoked key is refused (401) on the very next request, and stays listed as revoked.",
    scope=_reported_on(REVOKE),
)
def revoked_key_refused(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(revoked_key_refused):
        created, secret, problems = _made(scenario)
        if secret is not None and created.id is not None:
            probe = _probe(scenario)
            before = _with_key(scenario, probe, secret)
            revoked = scenario.send(operation, ids={operation.path_parameters[0]: created.id})
            after = _with_key(scenario, probe, secret)
            if before.status != 200:
                problems.append(problem(f"the new key before its revocation: expected 200, got {before.status}",
                                        before))
            if revoked.status != operation.success_status:
                problems.append(problem(f"revoking: expected {operation.success_status}, got {revoked.status}",
                                        revoked))
            elif after.status != 401:
                problems.append(problem(f"the revoked key on the next request: expected 401, got {after.status}",
                                        after))
            getter = scenario.contract.by_id(GET)
            if getter is not None:
                read = scenario.send(getter, ids={getter.path_parameters[0]: created.id})
                body = read.json
                if read.status != 200 or not isinstance(body, dict) or body.get("status") != "revoked":
                    problems.append(problem(f"the revoked key should read back as revoked: {read.text[:200]}", read))
        yield verdict(operation.label, revoked_key_refused.name, FAMILY, problems, api=scenario.api)


@scenario_check(
    FAMILY,
    "secret_never_listed",
    "The key itself is in the create's answer only: no page of the list and no read shows it.",
    scope=_reported_on(LIST, GET),
)
def secret_never_listed(scenario: Scenario) -> Iterator[CheckResult]:
    targets = scenario.in_scope(secret_never_listed)
    if not targets:
        return
    created, secret, problems = _made(scenario)
    for operation in targets:
        found = list(problems)
        if secret is not None and created.id is not None:
            for exchange in _reads(scenario, operation, created.id):
                if secret in exchange.text:
                    found.append(problem("the answer shows the key itself", exchange))
                    break
        yield verdict(operation.label, secret_never_listed.name, FAMILY, found, api=scenario.api)
    if created.id is not None:
        _revoke(scenario, created.id)


def _reads(scenario: Scenario, operation: Operation, key_id: str) -> Iterator[object]:
    if operation.is_list:
        for page in range(MAX_LIST_PAGES):
            exchange = scenario.send(operation, params={"limit": PAGE_SIZE, "offset": page * PAGE_SIZE})
            yield exchange
            if len(page_ids(exchange)) < PAGE_SIZE:
                return
    else:
        yield scenario.send(operation, ids={operation.path_parameters[0]: key_id})


@scenario_check(
    FAMILY,
    "active_cap",
    f"Past the cap on a project's active keys a create answers 409 {{\"error\"}} (at most {MAX_CAP_CREATES} "
    "creates, all revoked again).",
    scope=_reported_on(CREATE),
)
def active_cap(scenario: Scenario) -> Iterator[CheckResult]:
    for operation in scenario.in_scope(active_cap):
        made: list[str] = []
        problems: list[Problem] = []
        refused = None
        try:
            for _ in range(MAX_CAP_CREATES):
                created = scenario.create(operation)
                if created.exchange.status == 409:
                    refused = created.exchange
                    break
                if created.id is None:
                    problems.append(problem(f"creating a key: got {created.exchange.status}", created.exchange))
                    break
                made.append(created.id)
        finally:
            for key_id in made:
                _revoke(scenario, key_id)
        if refused is None and not problems:
            problems.append(Problem(f"{len(made)} keys were created and none was refused: no cap on active keys"))
        elif refused is not None:
            body = refused.json
            if refused.content_type != "application/json" or not isinstance(body, dict) or \
                    not isinstance(body.get("error"), str):
                problems.append(problem(f'the 409 is not {{"error": "..."}}: {refused.text[:200]}', refused))
            again = scenario.create(operation) if made else None
            if again is not None and again.exchange.status != operation.success_status:
                problems.append(problem(f"after revoking, a create should succeed again: {again.exchange.status}",
                                        again.exchange))
            if again is not None and again.id is not None:
                _revoke(scenario, again.id)
        yield verdict(operation.label, active_cap.name, FAMILY, problems, api=scenario.api)

