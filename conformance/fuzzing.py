"""Schemathesis over one document: configure its engine, run its phases, turn its events into our results.

Schemathesis generates the requests (spec examples, coverage of every constraint, random fuzzing, and
stateful sequences through the spec's links) and judges each answer with its built-in checks plus the
per-response checks our families register. We translate: one result per operation x check, failed if any answer
failed it, passed only if some answer gave the check something to judge, not applicable otherwise, skipped
where Schemathesis never got to the operation (the stage's time ran out, the server stopped answering).

The stage stops early, by Schemathesis' own stop signal, when its share of the time budget runs out or the
server stops answering (several scenarios in a row without a single answer); Ctrl-C is passed on.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status as EngineStatus
from schemathesis.engine import events, from_schema

from conformance.breaker import Breaker
from conformance.budget import Budget
from conformance.checks import REPORTED_AS, SCHEMATHESIS, Selection, family_of, scope_of
from conformance.checks.base import RESPONSE_CHECKS
from conformance.checks.builtin import BUILTIN_CHECKS
from conformance.client import mask
from conformance.operations import PROJECT_PARAMETER, Contract, OperationFilter
from conformance.profiles import Profile
from conformance.recording import HarRecording
from conformance.results import RUN_WIDE, CheckResult, Problem, Status, Waiting, not_applicable, skipped, verdict
from conformance.target import Target

AUTH_VARIABLE = '"Authorization: Bearer $HISSUNO_API_KEY"'
# Rejections the contract documents in prose, which no schema can express, so a schema-valid request may
# still get them: a key's expiry must lie in the future. (A request that conflicts with the project's state, a
# second codebase source or a URL that already has a webhook, is a 409, which positive_data_acceptance accepts.)
DOCUMENTED_REJECTIONS = {"createApiKey": ["422"]}
POSITIVE_EXPECTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
# Operations Schemathesis must not call with the run's key, and why: they would end the run for every check after
# (the keys family checks them with keys it makes for the purpose).
NOT_FUZZED = {"revokeApiKey": "not fuzzed: the ids Schemathesis' inferred links hand it include the run's own key"}
ERROR_CHECK = "schemathesis_error"
MAX_PROBLEMS_PER_RESULT = 5
# Schemathesis errors that say something about the run, not the server: an --include-operation that leaves
# the stateful phase no links to follow.
NOTICES = frozenset({"Missing Open API links"})
# Checks that only the coverage phase (the full profile) gives something to judge.
COVERAGE_ONLY = frozenset({"missing_required_header", "unsupported_method"})


@dataclass(frozen=True)
class Stopped:
    """The stage ended before Schemathesis finished its phases; ``reason`` says why."""

    reason: str


@dataclass(frozen=True)
class Settings:
    """What one Schemathesis stage needs besides the target and the document."""

    profile: Profile
    seed: int | None
    selection: Selection
    operations: OperationFilter = field(default_factory=OperationFilter)
    budget: Budget = field(default_factory=Budget)
    breaker: Breaker = field(default_factory=Breaker)
    recording: HarRecording | None = None
    withheld: dict[str, str] = field(default_factory=dict)  # operations the run does not send, and why

    @property
    def not_fuzzed(self) -> dict[str, str]:
        return {**NOT_FUZZED, **self.withheld}


def configuration(target: Target, contract: Contract, profile: Profile, seed: int | None, selection: Selection,
                  not_fuzzed: dict[str, str] | None = None) -> dict:
    """The Schemathesis configuration (the same keys as ``schemathesis.toml``) for one document."""
    enabled = [*selection.builtin, *selection.response]
    config: dict[str, Any] = {
        "base-url": target.url,
        "headers": {**dict(target.headers), "Authorization": f"Bearer {target.api_key}"},
        # Wait out a 429 as Retry-After says, like a real client, instead of failing on it.
        "rate-limit": "auto",
        # Keep generating after a failure: the first failing check on an operation must not hide the others
        # (which would then pass or not depending on which failed first).
        "continue-on-failure": True,
        "request-timeout": target.request_timeout,
        "tls-verify": target.tls_verify,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": profile.max_examples, "database": "none"},
        "phases": {
            name: {"enabled": name in profile.phases} for name in ("examples", "coverage", "fuzzing", "stateful")
        },
        # We mask the key ourselves; Schemathesis' masking also hides values of parameters like `session_type`.
        "output": {"sanitization": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in enabled}},
        "operations": [
            {
                "include-operation-id": operation_id,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_EXPECTED, *statuses]}},
            }
            for operation_id, statuses in DOCUMENTED_REJECTIONS.items()
            if contract.by_id(operation_id)
        ]
        + [
            {"include-operation-id": operation_id, "enabled": False, "phases": {"stateful": {"enabled": False}}}
            for operation_id in (NOT_FUZZED if not_fuzzed is None else not_fuzzed)
            if contract.by_id(operation_id)
        ],
    }
    config["phases"]["stateful"]["max-steps"] = profile.stateful_steps
    if seed is not None:
        config["seed"] = seed
    if contract.is_project_scoped and target.project_id:
        config["parameters"] = {PROJECT_PARAMETER: target.project_id}
    return config


def deselected(contract: Contract, operations: OperationFilter) -> list[dict[str, Any]]:
    """``[[operations]]`` entries turning off what ``--include/--exclude-operation`` leaves out (in every phase:
    the stateful phase follows links into operations a schema filter alone would keep)."""
    return [
        {"include-operation-id": op.operation_id, "enabled": False, "phases": {"stateful": {"enabled": False}}}
        for op in contract
        if not operations.matches(op)
    ]


def load(target: Target, contract: Contract, config: dict, operations: OperationFilter | None = None) -> Any:
    # A copy: the contract's document is the shared, cached bundle, and Schemathesis may annotate what it loads.
    document = copy.deepcopy(contract.document)
    if operations is not None:
        config = {**config, "operations": [*config["operations"], *deselected(contract, operations)]}
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_dict(config))
    if target.app is not None:
        schema.app = target.app
    return schema


def _judges(check: str, case: Any, status: int) -> bool:
    """Whether this answer gave the check (by its Schemathesis name) something to judge."""
    if check in BUILTIN_CHECKS:
        return BUILTIN_CHECKS[check].judges(case)
    response = next((c for c in RESPONSE_CHECKS if c.registered == check), None)
    return response is not None and response.applies(case, status)


class _Tally:
    """Per (operation, check): how many answers it judged and the distinct problems found."""

    def __init__(self) -> None:
        self.reached: set[str] = set()
        self.judged: dict[tuple[str, str], int] = defaultdict(int)
        self.problems: dict[tuple[str, str], list[Problem]] = defaultdict(list)
        self.errors: dict[str, list[Problem]] = defaultdict(list)

    def record(self, operation: str, check: str, problem: Problem | None, judged: bool) -> None:
        key = (operation, REPORTED_AS.get(check, check))
        if judged:
            self.judged[key] += 1
        if problem is not None and problem not in self.problems[key]:
            self.problems[key].append(problem)

    def error(self, operation: str, problem: Problem) -> None:
        if problem not in self.errors[operation]:
            self.errors[operation].append(problem)

    def results(self, contract: Contract, settings: Settings, stopped: str) -> Iterator[CheckResult]:
        api = contract.name
        for operation in contract:
            if not settings.operations.matches(operation):
                continue
            label = operation.label
            for check in settings.selection.schemathesis:
                yield self._verdict(contract, operation, label, check, settings, stopped)
            if self.errors.get(label):
                yield verdict(label, ERROR_CHECK, SCHEMATHESIS, self.errors[label][:MAX_PROBLEMS_PER_RESULT], api=api)
        if self.errors.get(RUN_WIDE):
            yield verdict(RUN_WIDE, ERROR_CHECK, SCHEMATHESIS, self.errors[RUN_WIDE][:MAX_PROBLEMS_PER_RESULT], api=api)

    def _verdict(
        self, contract: Contract, operation: Any, label: str, check: str, settings: Settings, stopped: str
    ) -> CheckResult:
        api, family = contract.name, family_of(check)
        problems = self.problems.get((label, check))
        if problems:
            return verdict(label, check, family, problems[:MAX_PROBLEMS_PER_RESULT], api=api)
        if operation not in scope_of(check, contract):
            return not_applicable(label, check, family, "cannot apply to this operation", api=api)
        if operation.operation_id in settings.not_fuzzed:
            return skipped(label, check, family, settings.not_fuzzed[operation.operation_id], api=api)
        if self.judged.get((label, check)):
            return verdict(label, check, family, [], api=api)
        if check in COVERAGE_ONLY and "coverage" not in settings.profile.phases:
            return skipped(label, check, family, "full profile only (the coverage phase)", api=api)
        if self.errors.get(label):
            return skipped(label, check, family, f"no answer to judge: {self.errors[label][0].message}", api=api)
        if label in self.reached:
            return not_applicable(label, check, family, "no answer gave it anything to judge", api=api)
        return skipped(label, check, family, stopped or "Schemathesis generated no request for it", api=api)


def _problem(failure: Any, code_sample: str, key: str) -> Problem:
    message = failure.title if not failure.message else f"{failure.title}: {failure.message}"
    curl = code_sample.replace(f"'Authorization: Bearer {key}'", AUTH_VARIABLE).replace(key, "${HISSUNO_API_KEY}")
    return Problem(" ".join(message.split()), curl)


def run(target: Target, contract: Contract, settings: Settings) -> Iterator[str | CheckResult | Stopped | Waiting]:
    """Run Schemathesis' phases over the document.

    Yields the label of each finished scenario as it goes (for progress), a :class:`Waiting` when Schemathesis
    waits out a 429 (it reports waits of 5 s or more), a :class:`Stopped` if the stage ended early, then one
    result per operation x check.
    """
    config = configuration(target, contract, settings.profile, settings.seed, settings.selection, settings.not_fuzzed)
    schema = load(target, contract, config, settings.operations)
    tally = _Tally()
    stream = from_schema(schema).execute()
    stopped = ""
    budget_spent = threading.Event()

    def spent() -> None:
        budget_spent.set()
        stream.stop()

    remaining = settings.budget.remaining()
    timer = threading.Timer(remaining, spent) if remaining is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        for event in stream:
            # Schemathesis reports any stop as an interruption; only one we did not ask for is Ctrl-C.
            if isinstance(event, events.Interrupted) and not (budget_spent.is_set() or stopped):
                raise KeyboardInterrupt
            if isinstance(event, events.ScenarioFinished):
                _tally_scenario(tally, event.recorder, target.api_key)
                _listen(settings.breaker, event.recorder)
                if settings.recording is not None:
                    settings.recording.scenario(event.recorder)
                if settings.breaker.is_open and not stopped:
                    stopped = settings.breaker.describe()
                    stream.stop()
                yield f"{event.phase.value} {event.recorder.label}"
            elif isinstance(event, events.RateLimitRetry):
                key = mask(target.api_key)
                yield Waiting(event.delay, f"the rate-limit window of key {key} (429 on {event.operation})")
            elif isinstance(event, events.NonFatalError) and event.info.title not in NOTICES:
                label = event.label if contract.by_label(event.label) else RUN_WIDE
                tally.error(label, Problem(" ".join(f"{event.info.title}: {event.info.message}".split())))
            elif isinstance(event, events.FatalError):
                tally.error(RUN_WIDE, Problem(f"Schemathesis stopped: {event.exception}"))
    finally:
        if timer is not None:
            timer.cancel()
        # Leaving early (Ctrl-C thrown in at a yield, an error) must also stop Schemathesis' worker threads, or
        # the process would wait for them to finish the stage before it can exit.
        stream.stop()
    if not stopped and budget_spent.is_set():
        stopped = settings.budget.ran_out()
    if stopped:
        yield Stopped(stopped)
    yield from tally.results(contract, settings, stopped)


def _listen(breaker: Breaker, recorder: Any) -> None:
    """Tell the breaker whether this scenario got any answer at all."""
    interactions = list(recorder.interactions.values())
    if not interactions:
        return
    if any(item.response is not None for item in interactions):
        breaker.answered()
    else:
        breaker.unanswered(f"{len(interactions)} Schemathesis request(s) to {recorder.label} got no answer")


def _tally_scenario(tally: _Tally, recorder: Any, key: str) -> None:
    for node in recorder.cases.values():
        tally.reached.add(node.value.operation.label)
    for case_id, nodes in recorder.checks.items():
        case = recorder.cases.get(case_id)
        operation = case.value.operation.label if case is not None else recorder.label
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction is not None else None
        status = response.status_code if response is not None else 0
        for node in nodes:
            judged = case is not None and _judges(node.name, case.value, status)
            if node.status == EngineStatus.FAILURE and node.failure_info is not None:
                info = node.failure_info
                tally.record(operation, node.name, _problem(info.failure, info.code_sample, key), True)
            elif node.status == EngineStatus.SUCCESS:
                tally.record(operation, node.name, None, judged)
            elif node.status == EngineStatus.ERROR:
                tally.record(operation, node.name, Problem(f"the check `{node.name}` raised an error"), True)


__all__ = ["ERROR_CHECK", "Settings", "Status", "Stopped", "configuration", "load", "run"]
