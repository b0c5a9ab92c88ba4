"""Schemathesis over one document: configure its engine, run its phases, turn its events into our results.

Schemathesis generates the requests (spec examples, coverage of every constraint, random fuzzing, and
stateful sequences through the spec's links) and judges each answer with its built-in checks plus the
per-response checks our families register. We only translate: one result per operation x check, failed if
any answer failed it, with the failing request as curl.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status as EngineStatus
from schemathesis.engine import events, from_schema

from conformance.checks import BUILTIN_CHECKS, REPORTED_AS, SCHEMATHESIS, Selection, family_of
from conformance.operations import PROJECT_PARAMETER, Contract
from conformance.profiles import Profile
from conformance.results import CheckResult, Problem, verdict
from conformance.target import Target

AUTH_VARIABLE = '"Authorization: Bearer $HISSUNO_API_KEY"'
# Rejections the contract documents in prose, which no schema can express, so a schema-valid request may
# still get them: a project has at most one codebase source, so a second one gets 422.
DOCUMENTED_REJECTIONS = {"createKnowledgeSource": ["422"]}
POSITIVE_EXPECTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
ERROR_CHECK = "schemathesis_error"
MAX_PROBLEMS_PER_RESULT = 5


def configuration(target: Target, contract: Contract, profile: Profile, seed: int | None, selection: Selection) -> dict:
    """The Schemathesis configuration (the same keys as ``schemathesis.toml``) for one document."""
    enabled = [*selection.builtin, *selection.response]
    config: dict[str, Any] = {
        "base-url": target.url,
        "headers": {"Authorization": f"Bearer {target.api_key}"},
        # Wait out a 429 as Retry-After says, like a real client, instead of failing on it.
        "rate-limit": "auto",
        "request-timeout": 30,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": profile.max_examples, "database": "none"},
        "phases": {
            name: {"enabled": name in profile.phases} for name in ("examples", "coverage", "fuzzing", "stateful")
        },
        "checks": {"enabled": False, **{name: {"enabled": True} for name in enabled}},
        # We mask the key ourselves; Schemathesis' masking also hides values of parameters like `session_type`.
        "output": {"sanitization": {"enabled": False}},
        "operations": [
            {
                "include-operation-id": operation_id,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_EXPECTED, *statuses]}},
            }
            for operation_id, statuses in DOCUMENTED_REJECTIONS.items()
            if contract.by_id(operation_id)
        ],
    }
    config["phases"]["stateful"]["max-steps"] = profile.stateful_steps
    if seed is not None:
        config["seed"] = seed
    if contract.is_project_scoped and target.project_id:
        config["parameters"] = {PROJECT_PARAMETER: target.project_id}
    return config


def load(target: Target, contract: Contract, config: dict) -> Any:
    # A copy: the contract's document is the shared, cached bundle, and Schemathesis may annotate what it loads.
    document = copy.deepcopy(contract.document)
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_dict(config))
    if target.app is not None:
        schema.app = target.app
    return schema


class _Tally:
    """Per (operation, check): whether it ran, and the distinct problems found."""

    def __init__(self) -> None:
        self.ran: dict[tuple[str, str], bool] = {}
        self.problems: dict[tuple[str, str], list[Problem]] = defaultdict(list)

    def record(self, operation: str, check: str, problem: Problem | None) -> None:
        key = (operation, check)
        self.ran[key] = True
        if problem is not None and problem not in self.problems[key]:
            self.problems[key].append(problem)

    def results(self, api: str) -> Iterator[CheckResult]:
        for operation, check in self.ran:
            name = REPORTED_AS.get(check, check)
            family = SCHEMATHESIS if check in BUILTIN_CHECKS or check == ERROR_CHECK else family_of(name)
            problems = self.problems.get((operation, check), [])[:MAX_PROBLEMS_PER_RESULT]
            yield verdict(operation, name, family, problems, api=api)


def _problem(failure: Any, code_sample: str, key: str) -> Problem:
    message = failure.title if not failure.message else f"{failure.title}: {failure.message}"
    curl = code_sample.replace(f"'Authorization: Bearer {key}'", AUTH_VARIABLE).replace(key, "${HISSUNO_API_KEY}")
    return Problem(" ".join(message.split()), curl)


def run(
    target: Target,
    contract: Contract,
    profile: Profile,
    seed: int | None,
    selection: Selection,
) -> Iterator[str | CheckResult]:
    """Run Schemathesis' phases over the document.

    Yields the label of each finished scenario as it goes (for progress), then one result per
    operation x check.
    """
    schema = load(target, contract, configuration(target, contract, profile, seed, selection))
    tally = _Tally()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _tally_scenario(tally, event.recorder, target.api_key)
            yield f"{event.phase.value} {event.recorder.label}"
        elif isinstance(event, events.NonFatalError):
            tally.record(event.label, ERROR_CHECK, Problem(f"{event.info.title}: {event.info.message}"))
        elif isinstance(event, events.FatalError):
            tally.record("(run)", ERROR_CHECK, Problem(f"Schemathesis stopped: {event.exception}"))
    yield from tally.results(contract.name)


def _tally_scenario(tally: _Tally, recorder: Any, key: str) -> None:
    for case_id, nodes in recorder.checks.items():
        case = recorder.cases.get(case_id)
        operation = case.value.operation.label if case is not None else recorder.label
        for node in nodes:
            if node.status == EngineStatus.FAILURE and node.failure_info is not None:
                info = node.failure_info
                tally.record(operation, node.name, _problem(info.failure, info.code_sample, key))
            elif node.status == EngineStatus.SUCCESS:
                tally.record(operation, node.name, None)
            elif node.status == EngineStatus.ERROR:
                tally.record(operation, node.name, Problem(f"the check `{node.name}` raised an error"))
