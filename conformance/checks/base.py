"""What every check shares: how checks are declared, the scenario a check runs in, and common verdicts.

A response check judges one answer Schemathesis provoked; a scenario check is a function ``(scenario) ->
results`` that drives several requests (create then read, one key then another) to prove something a single
response cannot show. Each is declared with :func:`response_check` or :func:`scenario_check`, which state its
name, family, what it proves and which operations it applies to (its scope) beside its function. The scope
is what makes a result *not applicable* rather than passed, and what a skip is counted against.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Any, TypeVar

import schemathesis

from conformance.client import Client, Credential, Exchange
from conformance.operations import Contract, Operation, OperationFilter
from conformance.profiles import Profile
from conformance.results import RUN_WIDE, CheckResult, Problem, skipped
from conformance.target import Target
from conformance.webhook_inbox import InboxSettings
from contract.registry import Registry

JSON_TYPES = ("application/json",)
OTHER_PROJECT_ROLE = "other_api_key"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


# Which operations a check applies to: the name of a :class:`Contract` property (``"lists"``), or a function.
Scope = str | Callable[[Contract], list[Operation]]


def scoped(scope: Scope, contract: Contract) -> list[Operation]:
    return list(getattr(contract, scope)) if isinstance(scope, str) else scope(contract)


@dataclass(frozen=True)
class ScenarioCheck:
    """A check of one family, with a sentence saying what it proves (shown in reports and the README)."""

    name: str
    family: str
    proves: str
    run: Callable[[Scenario], Iterable[CheckResult | Deferred | Note]]
    scope: Scope
    # Further verdicts the same requests yield (name -> what it proves), e.g. one burst, four verdicts.
    also: tuple[tuple[str, str], ...] = ()

    @property
    def reports(self) -> dict[str, str]:
        """Every check name this produces, with what it proves."""
        return {self.name: self.proves, **dict(self.also)}

    def operations(self, contract: Contract) -> list[Operation]:
        """The operations this check applies to (before any ``--include-operation`` filter)."""
        return scoped(self.scope, contract)


SCENARIO_CHECKS: Registry[ScenarioCheck] = Registry("scenario check")


def scenario_check(
    family: str, name: str, proves: str, *, scope: Scope, also: dict[str, str] | None = None
) -> Callable[[Callable], ScenarioCheck]:
    """Declare a scenario check ``<family>.<name>`` over the operations of ``scope``; ``also`` names further
    verdicts from the same requests."""

    def decorate(function: Callable[[Scenario], Iterable[CheckResult]]) -> ScenarioCheck:
        extra = tuple((f"{family}.{key}", text) for key, text in (also or {}).items())
        return SCENARIO_CHECKS.add(ScenarioCheck(f"{family}.{name}", family, proves, function, scope, extra))

    return decorate


ResponseFunction = Callable[[Any, Any, Any], bool | None]
# Whether an answer (to a case) gives a check something to judge: ``(case, status) -> bool``.
Applies = Callable[[Any, int], bool]


@dataclass(frozen=True)
class ResponseCheck:
    """A check Schemathesis runs on every answer of its phases: registered with Schemathesis under its
    function's name, reported under ours. ``applies`` says which answers it judges; an operation none of whose
    answers it could judge gets *not applicable*, never *passed*."""

    name: str
    family: str
    proves: str
    judge: ResponseFunction
    applies: Applies
    scope: Scope

    def operations(self, contract: Contract) -> list[Operation]:
        return scoped(self.scope, contract)

    @property
    def registered(self) -> str:
        """The name Schemathesis knows it by (its configuration enables checks by this name)."""
        return self.judge.__name__

    def __call__(self, ctx: Any, response: Any, case: Any) -> bool | None:
        return self.judge(ctx, response, case)


RESPONSE_CHECKS: Registry[ResponseCheck] = Registry("response check")


def response_check(
    family: str, name: str, proves: str, *, applies: Applies, scope: Scope = "operations"
) -> Callable[[ResponseFunction], ResponseCheck]:
    """Declare a response check ``<family>.<name>`` judging the answers ``applies`` accepts on the operations
    of ``scope``, and register its function with Schemathesis."""

    def decorate(judge: ResponseFunction) -> ResponseCheck:
        schemathesis.check(judge)
        return RESPONSE_CHECKS.add(ResponseCheck(f"{family}.{name}", family, proves, judge, applies, scope))

    return decorate


@dataclass(frozen=True)
class Deferred:
    """Verdicts a check can only give after a wait (e.g. ``Retry-After``): the engine runs ``finish`` once
    ``ready_at`` (``time.monotonic()``) has passed, after the other checks, so the wait costs nothing."""

    name: str
    ready_at: float
    finish: Callable[[], Iterable[CheckResult]]
    api: str = ""
    operation: str = RUN_WIDE


class Withheld(Exception):
    """A check reached for an operation the run does not send; ``str()`` says why."""


@dataclass(frozen=True)
class Note:
    """A line a check adds to the run's report (what it could not cover, and how to cover it)."""

    text: str


Shared = TypeVar("Shared")


@dataclass
class Created:
    """A resource one of our checks made, so later checks (isolation) can look for it."""

    operation: Operation
    body: Any
    exchange: Exchange
    marker: str

    @property
    def id(self) -> str | None:
        data = self.exchange.json
        return data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None


@dataclass
class Scenario:
    """The run's context for scenario checks on one API document."""

    target: Target
    contract: Contract
    client: Client
    profile: Profile
    operations: OperationFilter = field(default_factory=OperationFilter)
    # How the webhook family receives deliveries.
    webhook_inbox: InboxSettings = field(default_factory=InboxSettings)
    created: list[Created] = field(default_factory=list)
    # Operations this run does not send (operationId -> why; see conformance.withheld).
    withheld: dict[str, str] = field(default_factory=dict)
    _ids: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _shared: dict[str, Any] = field(default_factory=dict)
    _resources: ExitStack = field(default_factory=ExitStack)

    def shared(self, name: str, open_: Callable[[], AbstractContextManager[Shared]]) -> Shared:
        """A resource the checks of this document share (the webhook inbox): opened on first use, closed by
        :meth:`close` when the run ends."""
        if name not in self._shared:
            self._shared[name] = self._resources.enter_context(open_())
        return self._shared[name]

    def close(self) -> None:
        self._resources.close()
        self._shared.clear()

    @property
    def api(self) -> str:
        return self.contract.name

    def credential(self, role: str) -> Credential | None:
        return self.target.credential(role)

    def project_for(self, role: str) -> str | None:
        return self.target.other_project_id if role == OTHER_PROJECT_ROLE else self.target.project_id

    def send(
        self,
        operation: Operation,
        role: str | None = "api_key",
        *,
        ids: dict[str, str] | None = None,
        project: str | None = None,
        credential: Credential | None = None,
        **kwargs: Any,
    ) -> Exchange:
        """Call an operation as a role (``None``: no key), filling the path from ``ids`` and the project; raise
        :class:`Withheld` for an operation this run does not send."""
        if operation.operation_id in self.withheld:
            raise Withheld(self.withheld[operation.operation_id])
        if credential is None and role is not None:
            credential = self.credential(role)
        if project is None:
            project = self.project_for(role or "api_key")
        values = {name: (ids or {}).get(name, "missing") for name in operation.path_parameters}
        path = operation.url(project, **values)
        return self.client.send(operation.method, path, credential=credential, **kwargs)

    def in_scope(self, check: ScenarioCheck) -> list[Operation]:
        """The operations the check applies to that the run selected (``--include-operation`` ...) and sends."""
        return [
            op for op in check.operations(self.contract)
            if self.operations.matches(op) and op.operation_id not in self.withheld
        ]

    def sendable(self, operations: list[Operation]) -> list[Operation]:
        """The operations this run sends (the others are withheld, see :mod:`conformance.withheld`)."""
        return [op for op in operations if op.operation_id not in self.withheld]

    def needs(self, check: ScenarioCheck, *roles: str) -> list[CheckResult]:
        """Skipped results (one per operation in scope, for each name it reports) when a key the check needs
        was not given; empty when all are there."""
        missing = [role for role in roles if not getattr(self.target, role)]
        if OTHER_PROJECT_ROLE in roles and self.contract.is_project_scoped and not self.target.other_project_id:
            missing.append("other_project_id")
        if self.contract.is_project_scoped and not self.target.project_id:
            missing.append("project_id")
        if not missing:
            return []
        reason = "needs " + ", ".join("--" + role.replace("_", "-") for role in dict.fromkeys(missing))
        return self.skip_all(check, reason)

    def skip_all(self, check: ScenarioCheck, reason: str) -> list[CheckResult]:
        """Every result the check would give, skipped for ``reason``."""
        return [
            skipped(op.label, name, check.family, reason, api=self.api)
            for op in self.in_scope(check)
            for name in check.reports
        ]

    def marker(self) -> str:
        """A token unique to this run, put into created resources so they can be found (and told apart)."""
        return "hsc" + secrets.token_hex(5)

    def create(self, operation: Operation, role: str = "api_key") -> Created:
        """Send the spec's first example for a create, made unique with a fresh marker."""
        marker = self.marker()
        body = unique_body(operation, richest_example(operation), marker)
        exchange = self.send(operation, role, json_body=body)
        created = Created(operation, body, exchange, marker)
        if role == "api_key":
            self.created.append(created)
        return created

    def existing_id(self, getter: Operation, role: str = "api_key") -> str | None:
        """An id the getter can read as this role: from its collection, else from a fresh create."""
        key = (getter.label, role)
        if key not in self._ids:
            self._ids[key] = self._find_id(getter, role)
        return self._ids[key]

    def _find_id(self, getter: Operation, role: str) -> str | None:
        collection = self.contract.collection_of(getter)
        if collection is not None:
            exchange = self.send(collection, role, params={"limit": 1})
            ids = page_ids(exchange)
            if ids:
                return ids[0]
        for create in self.sendable(self.contract.creates):
            found = self.contract.getter_of(create)
            if found and found[0] is getter and create.request_examples():
                return self.create(create, role).id
        return None


def page_ids(exchange: Exchange) -> list[str]:
    """Ids in a list envelope's ``data`` (empty when the answer is not one)."""
    body = exchange.json
    if exchange.status != 200 or not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return []
    return [item["id"] for item in body["data"] if isinstance(item, dict) and isinstance(item.get("id"), str)]


def error_problems(exchange: Exchange, expected: Iterable[int], what: str) -> Iterator[Problem]:
    """Problems with an error answer: wrong status, not JSON, or not ``{"error": "<non-empty>"}``."""
    expected = tuple(expected)
    curl = exchange.curl()
    if exchange.status not in expected:
        wanted = " or ".join(str(code) for code in expected)
        yield Problem(f"{what}: expected {wanted}, got {exchange.status}", curl)
        return
    yield from error_body_problems(exchange, what)


def error_body_problems(exchange: Exchange, what: str) -> Iterator[Problem]:
    curl = exchange.curl()
    if exchange.content_type not in JSON_TYPES:
        shown = exchange.content_type or "no Content-Type"
        yield Problem(f"{what}: error answered {shown}, expected application/json", curl)
        return
    body = exchange.json
    if not isinstance(body, dict) or not isinstance(body.get("error"), str) or not body["error"].strip():
        yield Problem(f'{what}: error body is not {{"error": "<message>"}}: {exchange.text[:200]}', curl)


def richest_example(operation: Operation) -> Any:
    """The spec's example body with the most fields (it exercises the most of the contract)."""
    examples = operation.request_examples()
    if not examples:
        return None
    return max(examples, key=lambda value: len(value) if isinstance(value, dict) else 0)


def unique_body(operation: Operation, example: Any, marker: str) -> Any:
    """The example with the marker worked into its free-text fields and its emails made unique."""
    body = copy.deepcopy(example)
    _mark(operation, operation.request_schema, body, marker)
    return body


def _branch_for(operation: Operation, schema: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """The ``oneOf`` branch whose ``type`` enum matches the value (discriminated unions)."""
    for branch in schema.get("oneOf", []):
        branch = operation.resolve(branch)
        properties = branch.get("properties", {})
        enum = operation.resolve(properties.get("type", {})).get("enum")
        if enum and value.get("type") in enum:
            return branch
    return schema


def _mark(operation: Operation, schema: dict[str, Any], value: Any, marker: str) -> None:
    schema = operation.resolve(schema)
    if isinstance(value, dict):
        schema = _branch_for(operation, schema, value)
        properties = operation.schema_properties(schema)
        for name, item in value.items():
            prop = operation.resolve(properties.get(name, {}))
            if isinstance(item, str):
                value[name] = _marked_string(prop, item, marker)
            else:
                _mark(operation, prop, item, marker)
    elif isinstance(value, list) and value and not isinstance(value[0], str):
        _mark(operation, schema.get("items", {}), value[0], marker)


def _marked_string(schema: dict[str, Any], value: str, marker: str) -> str:
    if "@" in value and (schema.get("format") == "email" or _EMAIL.fullmatch(value)):
        local, _, domain = value.partition("@")
        return f"{local}+{marker}@{domain}"
    if schema.get("format") == "uri" and "#" not in value:
        # URLs get the marker as a query: a URL may be registered once (a webhook's), so each create needs its own.
        return _fitting(schema, value, f"{value}{'&' if '?' in value else '?'}{marker}")
    if schema.get("format") or schema.get("enum") or not any(char.isspace() for char in value.strip()):
        # Only prose (text with spaces) is marked: names, titles, messages; never slugs, domains, enums.
        return value
    return _fitting(schema, value, f"{value} {marker}")


def _fitting(schema: dict[str, Any], value: str, candidate: str) -> str:
    """The marked ``candidate`` if the schema takes it (length, pattern), else the ``value`` as it was."""
    if len(candidate) > schema.get("maxLength", len(candidate)):
        return value
    pattern = schema.get("pattern")
    if pattern and not re.search(pattern, candidate):
        return value
    return candidate


def operation_of(case: Any) -> Operation:
    """Our view of the operation a Schemathesis case belongs to (for per-response checks)."""
    document = case.operation.schema.raw_schema
    path = case.operation.path
    return Operation(
        api="",
        method=case.operation.method.upper(),
        path=path,
        definition=case.operation.definition.raw,
        document=document,
        path_item=document.get("paths", {}).get(path, {}),
    )


def response_headers(response: Any) -> dict[str, str]:
    """A Schemathesis response's headers as ``{lower-case name: first value}``."""
    return {
        name.lower(): values[0] if isinstance(values, list) else values for name, values in response.headers.items()
    }


def response_json(response: Any) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except ValueError:
        return None


def problem(message: str, exchange: Exchange) -> Problem:
    """A problem shown by this exchange (replayable as curl)."""
    return Problem(message, exchange.curl())
