"""One conformance run: Schemathesis over each document, then our check families, as a stream of events.

The engine decides what runs and in which order and yields :mod:`conformance.results` events; it prints
nothing. The CLI, the reports and the pytest plugin consume the stream (or just the final report).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from conformance import cleanup, fuzzing
from conformance.checks import FAMILIES, ONCE_PER_RUN, SCHEMATHESIS, Selection, family_of, select
from conformance.checks.base import Deferred, Scenario, ScenarioCheck
from conformance.connection import NoAnswer
from conformance.operations import Contract
from conformance.profiles import PROFILES, Profile
from conformance.results import (
    RUN_WIDE,
    CheckResult,
    Event,
    Problem,
    ResultRecorded,
    RunFinished,
    RunReport,
    StageAdvanced,
    StageFinished,
    StageStarted,
    Status,
    skipped,
    verdict,
)
from conformance.target import Target, TargetError

APIS = ("v1", "internal")
EXIT_CONFORMANT = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2


@dataclass(frozen=True)
class RunOptions:
    apis: Sequence[str] = APIS
    profile: Profile = PROFILES["quick"]
    seed: int | None = None
    checks: Sequence[str] | None = None


def run(target: Target, options: RunOptions) -> Iterator[Event]:
    """Run the selected checks against the target, yielding events; the last one carries the report.

    Run-once families (the rate-limit burst) go first, so that the wait some of their verdicts need
    (``Retry-After``) passes while the other checks work; those verdicts come last.
    """
    started = time.monotonic()
    selection = select(options.checks)
    report = RunReport(
        target=target.base_url or target.url, profile=options.profile.name, seed=options.seed, apis=tuple(options.apis)
    )
    client = target.client()
    scenarios = [Scenario(target, Contract.load(api), client, options.profile) for api in options.apis]
    usable = [s for s in scenarios if not (s.contract.is_project_scoped and not target.project_id)]
    deferred: list[Deferred] = []
    once = [c for c in selection.scenario if c.family in ONCE_PER_RUN]
    every = [c for c in selection.scenario if c.family not in ONCE_PER_RUN]

    def record(events: Iterator[Event]) -> Iterator[Event]:
        for event in events:
            if isinstance(event, ResultRecorded):
                report.results.append(event.result)
            yield event

    for scenario in scenarios:
        if scenario not in usable:
            yield from record(_unusable(scenario, selection))
    found_before = {scenario.api: _snapshot(scenario) for scenario in usable}
    if usable:
        yield from record(_families(usable[0], once, selection, deferred))
    for scenario in usable:
        if selection.runs_schemathesis:
            yield from record(_schemathesis(target, scenario.contract, options, selection))
        yield from record(_families(scenario, every, selection, deferred))
    yield from record(_finish(deferred, selection))
    yield from _clean(usable, found_before)
    report.results.sort(key=_reading_order(scenarios))
    report.duration = time.monotonic() - started
    yield RunFinished(report)


def _reading_order(scenarios: list[Scenario]) -> Callable[[CheckResult], tuple[int, int, int]]:
    """Results in the spec's order: API, then operation as the document lists it, then family."""
    apis = {scenario.api: index for index, scenario in enumerate(scenarios)}
    operations = {op.label: index for scenario in scenarios for index, op in enumerate(scenario.contract)}
    families = {family: index for index, family in enumerate(FAMILIES)}

    def key(result: CheckResult) -> tuple[int, int, int]:
        return (
            apis.get(result.api, len(apis)),
            operations.get(result.operation, len(operations)),
            families.get(result.family, len(families)),
        )

    return key


def execute(target: Target, options: RunOptions) -> RunReport:
    """Run to the end and return the report (for callers that need no progress)."""
    for event in run(target, options):
        if isinstance(event, RunFinished):
            return event.report
    raise RuntimeError("the run ended without a report")


def _unusable(scenario: Scenario, selection: Selection) -> Iterator[Event]:
    for name in sorted(selection.wanted):
        reason = "the internal API needs --project-id"
        yield ResultRecorded(skipped(RUN_WIDE, name, "", reason, api=scenario.api))


def _schemathesis(target: Target, contract: Contract, options: RunOptions, selection: Selection) -> Iterator[Event]:
    stage = f"{contract.name}: Schemathesis"
    yield StageStarted(stage, total=len(contract.operations))
    for item in fuzzing.run(target, contract, options.profile, options.seed, selection):
        yield ResultRecorded(item) if isinstance(item, CheckResult) else StageAdvanced(stage, item)
    yield StageFinished(stage)


def _families(
    scenario: Scenario, checks: list[ScenarioCheck], selection: Selection, deferred: list[Deferred]
) -> Iterator[Event]:
    for family in dict.fromkeys(check.family for check in checks):
        stage = f"{scenario.api}: {family}"
        members = [check for check in checks if check.family == family]
        yield StageStarted(stage, total=len(members))
        for check in members:
            for item in _guarded(check, scenario):
                if isinstance(item, Deferred):
                    deferred.append(item)
                elif item.check in selection.wanted:
                    yield ResultRecorded(item)
            yield StageAdvanced(stage, check.name)
        yield StageFinished(stage)


def _snapshot(scenario: Scenario) -> dict[str, set[str]] | None:
    """What the deletable lists hold before the run; None when the server did not answer (then nothing is
    deleted afterwards, since what was there before cannot be told from what the run created)."""
    try:
        return cleanup.snapshot(scenario)
    except NoAnswer:
        return None


def _clean(scenarios: list[Scenario], found_before: dict[str, dict[str, set[str]] | None]) -> Iterator[Event]:
    stage = "cleanup: deleting what the run created"
    yield StageStarted(stage, total=len(scenarios))
    for scenario in scenarios:
        before = found_before[scenario.api]
        if before is None:
            yield StageAdvanced(stage, f"{scenario.api}: skipped (no snapshot before the run)")
            continue
        try:
            removed = cleanup.remove_new(scenario, before)
        except NoAnswer as failure:
            yield StageAdvanced(stage, f"{scenario.api}: stopped, {failure}")
            continue
        yield StageAdvanced(stage, f"{scenario.api}: {removed} deleted")
    yield StageFinished(stage)


def _finish(deferred: list[Deferred], selection: Selection) -> Iterator[Event]:
    """Verdicts that had to wait: sleep only what is left of their wait, then judge."""
    if not deferred:
        return
    stage = "waiting for deferred checks"
    yield StageStarted(stage, total=len(deferred))
    for item in sorted(deferred, key=lambda d: d.ready_at):
        time.sleep(max(0.0, item.ready_at - time.monotonic()))
        try:
            results = list(item.finish())
        except NoAnswer as failure:
            message = f"{failure.method} {failure.url} got no answer ({failure.reason})"
            problems = [Problem(message, failure.curl)]
            results = [verdict(RUN_WIDE, item.name, family_of(item.name), problems, api=item.api)]
        for result in results:
            if result.check in selection.wanted:
                yield ResultRecorded(result)
        yield StageAdvanced(stage, item.name)
    yield StageFinished(stage)


def _guarded(check: ScenarioCheck, scenario: Scenario) -> Iterator[CheckResult | Deferred]:
    """The check's results; if it crashes on an answer it did not expect, that is reported as a failure."""
    try:
        yield from list(check.run(scenario))
    except NoAnswer as failure:
        message = f"the check stopped: {failure.method} {failure.url} got no answer ({failure.reason})"
        yield verdict(RUN_WIDE, check.name, check.family, [Problem(message, failure.curl)], api=scenario.api)
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = (
            f"the check stopped on an unexpected answer: {type(exc).__name__}: {exc} ({where.name}:{where.lineno})"
        )
        yield verdict(RUN_WIDE, check.name, check.family, [Problem(message)], api=scenario.api)


def preflight(target: Target, apis: Sequence[str]) -> None:
    """Fail fast, with one clear sentence, when the main key cannot even list (a wrong key or project)."""
    client = target.client()
    for api in apis:
        contract = Contract.load(api)
        if not contract.lists or (contract.is_project_scoped and not target.project_id):
            continue
        listing = contract.lists[0]
        exchange = client.send("GET", listing.url(target.project_id), credential=target.main, params={"limit": 1})
        if exchange.status in (401, 403):
            whose = f" for project {target.project_id}" if contract.is_project_scoped else ""
            raise TargetError(f"the server refused the API key{whose}: {exchange.describe()}")


def exit_code(report: RunReport) -> int:
    """0 conformant, 1 any failure, 2 nothing could be checked."""
    if report.failed:
        return EXIT_FAILED
    if not report.passed:
        return EXIT_UNUSABLE
    return EXIT_CONFORMANT


__all__ = ["APIS", "SCHEMATHESIS", "RunOptions", "Status", "execute", "exit_code", "run"]
