"""One conformance run: Schemathesis over each document, then our check families, as a stream of events.

The engine decides what runs and in which order and yields :mod:`conformance.results` events; it prints
nothing. The CLI, the reports and the pytest plugin consume the stream (or just the final report).

Every stage (Schemathesis over one document, one family over one document) gets a share of the time budget
(:mod:`conformance.budget`); a check stops after ``max_failures`` failing operations and a family after
``max_failures`` failing checks, each saying so in its skipped results. When the run ends, every selected check
has one result per operation of its document: what did not run is *skipped* with the reason (the budget, a cap,
a missing key, Ctrl-C), what cannot apply is *not applicable*. Ctrl-C (or a ``KeyboardInterrupt`` thrown into
the stream) ends the run at once: no waits, no clean-up, a report marked interrupted.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace

from conformance import cleanup, fuzzing, withheld
from conformance.breaker import Breaker
from conformance.budget import Budget, OutOfTime
from conformance.checks import FAMILIES, ONCE_PER_RUN, SCHEMATHESIS, Selection, family_of, scope_of, select
from conformance.checks.base import Deferred, Note, Scenario, ScenarioCheck, Withheld
from conformance.connection import NoAnswer
from conformance.operations import Contract, OperationFilter
from conformance.profiles import PROFILES, Profile
from conformance.recording import HarRecording
from conformance.register import Register
from conformance.results import (
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
    Tally,
    Waiting,
    not_applicable,
    skipped,
    verdict,
)
from conformance.retry import ANNOUNCE_AFTER, RetryPolicy
from conformance.target import Target, TargetError
from conformance.webhook_inbox import InboxSettings

APIS = ("v1", "internal")
EXIT_CONFORMANT = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2
EXIT_INTERRUPTED = 130
DEFAULT_MAX_FAILURES = 10
# A stage's share of the time budget is in proportion to its weight: Schemathesis sends the most requests.
SCHEMATHESIS_WEIGHT = 3.0
FAMILY_WEIGHT = 1.0
INTERRUPTED = "not run: the run was interrupted (Ctrl-C)"


@dataclass(frozen=True)
class RunOptions:
    apis: Sequence[str] = APIS
    profile: Profile = PROFILES["quick"]
    seed: int | None = None
    checks: Sequence[str] | None = None
    operations: OperationFilter = field(default_factory=OperationFilter)
    budget: Budget = field(default_factory=Budget)
    breaker: Breaker = field(default_factory=Breaker)
    # A check stops after this many failing operations, a family after this many failing checks (None: never).
    max_failures: int | None = DEFAULT_MAX_FAILURES
    register: Register | None = None
    required_coverage: float | None = None
    recording: HarRecording | None = None
    # How the webhook family receives deliveries (a local inbox, or one behind a public tunnel).
    webhook_inbox: InboxSettings = field(default_factory=InboxSettings)
    # Called with events that cannot wait for the stream (a long wait inside a check is announced before it).
    listener: Callable[[Event], None] | None = None


@dataclass
class _Stage:
    name: str
    weight: float
    run: Callable[[], Iterator[Event]]


class _Run:
    """The state of one run while its stages go: the report, the stages' stop reasons, the caps."""

    def __init__(self, target: Target, options: RunOptions) -> None:
        self.target = target
        self.options = options
        self.selection = select(options.checks)
        self.budget = options.budget
        retry = RetryPolicy(announce=options.listener, budget=self.budget)
        self.client = target.client(retry, budget=self.budget, breaker=options.breaker, recorder=options.recording)
        self.scenarios = [
            Scenario(target, Contract.load(api), self.client, options.profile, operations=options.operations,
                     webhook_inbox=options.webhook_inbox)
            for api in options.apis
        ]
        self.usable = [s for s in self.scenarios if not (s.contract.is_project_scoped and not target.project_id)]
        self.report = RunReport(
            target=target.base_url or target.url,
            profile=options.profile.name,
            seed=options.seed,
            apis=tuple(options.apis),
            required_coverage=options.required_coverage,
        )
        self.deferred: list[Deferred] = []
        # What each document's deletable (or undoable) lists held before the run (None: not known).
        self.found_before: dict[str, dict[str, set[str]] | None] = {}
        # (api, check) pairs a stage took on, and why a stage stopped early (api, check or family) -> reason.
        self.attempted: set[tuple[str, str]] = set()
        self.stopped: dict[tuple[str, str], str] = {}
        self.seen: set[tuple[str, str, str]] = set()

    def record(self, result: CheckResult, contract: Contract | None = None) -> ResultRecorded:
        """The result with its operationId, judged by the register, kept in the report."""
        operation = contract.by_label(result.operation) if contract is not None else None
        if operation is not None:
            result = replace(result, operation_id=operation.operation_id)
        if self.options.register is not None:
            result = self.options.register.judge(result)
        self.report.results.append(result)
        self.seen.add((result.api, result.operation, result.check))
        return ResultRecorded(result)


def run(target: Target, options: RunOptions) -> Generator[Event, None, None]:
    """Run the selected checks against the target, yielding events; the last one carries the report.

    Run-once families (the rate-limit burst) go first, so that the wait some of their verdicts need
    (``Retry-After``) passes while the other checks work; those verdicts come last.
    """
    started = time.monotonic()
    state = _Run(target, options)
    interrupted = False
    try:
        for scenario in state.scenarios:
            if scenario not in state.usable:
                yield from _unusable(state, scenario)
        state.found_before = {scenario.api: _snapshot(scenario) for scenario in state.usable}
        for scenario in state.usable:
            scenario.withheld.update(_withheld(scenario))
        stages = _plan(state)
        for index, stage in enumerate(stages):
            pending = sum(s.weight for s in stages[index:])
            yield from _staged(state, stage, pending)
        yield from _finish(state)
        yield from _clean(state.usable, state.found_before)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for scenario in state.scenarios:
            scenario.close()
    report = state.report
    report.interrupted = interrupted
    yield from _complete(state, INTERRUPTED if interrupted else "")
    report.budget_cut = list(state.budget.cut)
    if options.register is not None:
        report.register_findings = options.register.findings(report.results)
    report.results.sort(key=_reading_order(state.scenarios))
    report.duration = time.monotonic() - started
    yield RunFinished(report)


def _plan(state: _Run) -> list[_Stage]:
    once = [c for c in state.selection.scenario if c.family in ONCE_PER_RUN]
    every = [c for c in state.selection.scenario if c.family not in ONCE_PER_RUN]
    stages: list[_Stage] = []

    def family_stages(scenario: Scenario, checks: list[ScenarioCheck]) -> None:
        for family in dict.fromkeys(check.family for check in checks):
            members = [check for check in checks if check.family == family]
            stages.append(
                _Stage(f"{scenario.api}: {family}", FAMILY_WEIGHT, lambda s=scenario, m=members: _family(state, s, m))
            )

    if state.usable and once:
        family_stages(state.usable[0], once)
    for scenario in state.usable:
        if state.selection.runs_schemathesis:
            stages.append(
                _Stage(f"{scenario.api}: Schemathesis", SCHEMATHESIS_WEIGHT, lambda s=scenario: _schemathesis(state, s))
            )
        family_stages(scenario, every)
    return stages


def _staged(state: _Run, stage: _Stage, pending_weight: float) -> Iterator[Event]:
    """One stage within its share of the budget: started and finished events with its counts and time."""
    state.budget.begin(stage.name, stage.weight, pending_weight)
    before = len(state.report.results)
    started = time.monotonic()
    stopped: list[str] = []
    yield StageStarted(stage.name, total=0)
    for event in stage.run():
        if isinstance(event, StageFinished):  # a stage's own account of why it stopped
            stopped.append(event.stopped)
            continue
        yield event
    state.budget.end()
    tally = Tally.of(state.report.results[before:])
    reason = "; ".join(dict.fromkeys(s for s in stopped if s))
    if reason:
        state.report.notes.append(f"{stage.name} stopped early: {reason}")
    yield StageFinished(stage.name, tally, time.monotonic() - started, reason)


def _reading_order(scenarios: list[Scenario]) -> Callable[[CheckResult], tuple[int, int, int]]:
    """Results in the spec's order: API, then operation as the document lists it, then family."""
    apis = {scenario.api: index for index, scenario in enumerate(scenarios)}
    operations = {
        (scenario.api, op.label): index for scenario in scenarios for index, op in enumerate(scenario.contract)
    }
    families = {family: index for index, family in enumerate(FAMILIES)}

    def key(result: CheckResult) -> tuple[int, int, int]:
        return (
            apis.get(result.api, len(apis)),
            operations.get((result.api, result.operation), len(operations)),
            families.get(result.family, len(families)),
        )

    return key


def follow(events: Generator[Event, None, None], show: Callable[[Event], None]) -> RunReport:
    """Show each event of a run until its report; Ctrl-C while an event is being shown is passed into the run,
    which ends it at once with a partial report (Ctrl-C while the run itself works is caught by the run)."""
    interrupt = False
    while True:
        try:
            event = events.throw(KeyboardInterrupt) if interrupt else next(events)
        except StopIteration:
            raise RuntimeError("the run ended without a report") from None
        interrupt = False
        try:
            show(event)
        except KeyboardInterrupt:
            interrupt = True
        if isinstance(event, RunFinished):
            return event.report


def execute(target: Target, options: RunOptions) -> RunReport:
    """Run to the end and return the report (for callers that need no progress)."""
    for event in run(target, options):
        if isinstance(event, RunFinished):
            return event.report
    raise RuntimeError("the run ended without a report")


def _unusable(state: _Run, scenario: Scenario) -> Iterator[Event]:
    reason = "the internal API needs --project-id"
    for name in sorted(state.selection.wanted):
        for operation in scope_of(name, scenario.contract):
            if state.options.operations.matches(operation):
                yield state.record(skipped(operation.label, name, family_of(name), reason, api=scenario.api))


def _schemathesis(state: _Run, scenario: Scenario) -> Iterator[Event]:
    stage = f"{scenario.api}: Schemathesis"
    for name in state.selection.schemathesis:
        state.attempted.add((scenario.api, name))
    if state.options.breaker.is_open:
        # As when its own requests get no answer: the error once per operation, nothing for its checks to judge.
        reason = state.options.breaker.describe()
        yield StageFinished(stage, stopped=reason)
        for operation in scenario.contract:
            if state.options.operations.matches(operation):
                failed = verdict(
                    operation.label, fuzzing.ERROR_CHECK, SCHEMATHESIS, [Problem(reason)], api=scenario.api
                )
                yield state.record(failed, scenario.contract)
        for name in state.selection.schemathesis:
            state.stopped[(scenario.api, name)] = f"no answer to judge: {reason}"
        return
    settings = fuzzing.Settings(
        withheld=dict(scenario.withheld),
        profile=state.options.profile,
        seed=state.options.seed,
        selection=state.selection,
        operations=state.options.operations,
        budget=state.budget,
        breaker=state.options.breaker,
        recording=state.options.recording,
    )
    for item in fuzzing.run(state.target, scenario.contract, settings):
        if isinstance(item, CheckResult):
            yield state.record(item, scenario.contract)
        elif isinstance(item, fuzzing.Stopped):
            yield StageFinished(stage, stopped=item.reason)
        elif isinstance(item, Waiting):
            yield item
        else:
            yield StageAdvanced(stage, item)
    _tidy(state, scenario)


def _tidy(state: _Run, scenario: Scenario) -> None:
    """Delete (or undo) what Schemathesis created, before our checks run: its keys would fill the project's cap
    on active keys that their own creates need."""
    before = state.found_before.get(scenario.api)
    if before is None or state.budget.exhausted:
        return
    try:
        cleanup.remove_new(scenario, before)
    except (NoAnswer, OutOfTime):
        return

def _family(state: _Run, scenario: Scenario, checks: list[ScenarioCheck]) -> Iterator[Event]:
    stage = f"{scenario.api}: {checks[0].family}"
    cap = state.options.max_failures
    failing_checks = 0
    for check in checks:
        names = [name for name in check.reports if name in state.selection.wanted]
        for name in names:
            state.attempted.add((scenario.api, name))
        if cap is not None and failing_checks >= cap:
            reason = f"not run: the {check.family} family stopped after {cap} failing checks (--max-failures)"
            _stop(state, scenario.api, names, reason)
            continue
        before = len(state.report.results)
        yield from _guarded(state, check, scenario, names)
        if any(r.status is Status.FAILED for r in state.report.results[before:]):
            failing_checks += 1
        yield StageAdvanced(stage, check.name)
        reason = next((state.stopped[(scenario.api, n)] for n in names if (scenario.api, n) in state.stopped), "")
        if reason:
            yield StageFinished(stage, stopped=reason)


def _stop(state: _Run, api: str, names: list[str], reason: str) -> None:
    for name in names:
        state.stopped.setdefault((api, name), reason)


def _guarded(state: _Run, check: ScenarioCheck, scenario: Scenario, names: list[str]) -> Iterator[Event]:
    """The check's results as they come; a check that cannot go on (no answer, the budget, a crash) fails or
    skips the operations it had not judged yet, and one that failed ``max_failures`` operations stops."""
    cap = state.options.max_failures
    failing: set[str] = set()
    for operation in check.operations(scenario.contract):
        if operation.operation_id in scenario.withheld and state.options.operations.matches(operation):
            for name in names:
                reason = scenario.withheld[operation.operation_id]
                yield state.record(skipped(operation.label, name, check.family, reason, api=scenario.api),
                                   scenario.contract)
    try:
        for item in check.run(scenario):
            if isinstance(item, Deferred):
                state.deferred.append(item)
                continue
            if isinstance(item, Note):
                state.report.notes.append(item.text)
                continue
            if item.check not in state.selection.wanted:
                continue
            recorded = state.record(item, scenario.contract)
            yield recorded
            if recorded.result.status is Status.FAILED:
                failing.add(item.operation)
            if cap is not None and len(failing) >= cap:
                _stop(state, scenario.api, names, f"not run: the check stopped after {cap} failing operations "
                      "(--max-failures)")  # fmt: skip
                return
    except OutOfTime as out:
        _stop(state, scenario.api, names, str(out))
    except Withheld as held:
        _stop(state, scenario.api, names, f"stopped at an operation the run does not send: {held}")
    except NoAnswer as failure:
        message = f"the check stopped: {failure.method} {failure.url} got no answer ({failure.reason})"
        yield from _fail_rest(state, check, scenario, names, Problem(message, failure.curl))
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = (
            f"the check stopped on an unexpected answer: {type(exc).__name__}: {exc} ({where.name}:{where.lineno})"
        )
        yield from _fail_rest(state, check, scenario, names, Problem(message))


def _fail_rest(
    state: _Run, check: ScenarioCheck, scenario: Scenario, names: list[str], problem: Problem
) -> Iterator[Event]:
    """A failed result for every operation in scope the check had not judged yet."""
    for operation in scenario.in_scope(check):
        for name in names:
            if (scenario.api, operation.label, name) not in state.seen:
                failed = verdict(operation.label, name, check.family, [problem], api=scenario.api)
                yield state.record(failed, scenario.contract)


def _withheld(scenario: Scenario) -> dict[str, str]:
    """What this run must not send to the scenario's server (a probe that gets no answer withholds the
    operations it could not clear)."""
    try:
        return withheld.probe(scenario)
    except (NoAnswer, OutOfTime) as failure:
        return {op.operation_id: f"not sent: the probe for it got no answer ({failure})"
                for op in scenario.contract.creates if scenario.contract.undo_of(op) is not None}


def _snapshot(scenario: Scenario) -> dict[str, set[str]] | None:
    """What the deletable lists hold before the run; None when the server did not answer (then nothing is
    deleted afterwards, since what was there before cannot be told from what the run created)."""
    try:
        return cleanup.snapshot(scenario)
    except (NoAnswer, OutOfTime):
        return None


def _clean(scenarios: list[Scenario], found_before: dict[str, dict[str, set[str]] | None]) -> Iterator[Event]:
    stage = "cleanup: deleting what the run created"
    yield StageStarted(stage, total=len(scenarios))
    for scenario in scenarios:
        before = found_before.get(scenario.api)
        if before is None:
            yield StageAdvanced(stage, f"{scenario.api}: skipped (no snapshot before the run)")
            continue
        try:
            removed = cleanup.remove_new(scenario, before)
        except (NoAnswer, OutOfTime) as failure:
            yield StageAdvanced(stage, f"{scenario.api}: stopped, {failure}")
            continue
        yield StageAdvanced(stage, f"{scenario.api}: {removed} deleted")
    yield StageFinished(stage)


def _finish(state: _Run) -> Iterator[Event]:
    """Verdicts that had to wait: sleep only what is left of their wait (within the budget), then judge."""
    if not state.deferred:
        return
    stage = "waiting for deferred checks"
    yield StageStarted(stage, total=len(state.deferred))
    by_api = {scenario.api: scenario.contract for scenario in state.scenarios}
    for item in sorted(state.deferred, key=lambda d: d.ready_at):
        wait = max(0.0, item.ready_at - time.monotonic())
        if not state.budget.allows(wait):
            state.stopped[(item.api, item.name)] = f"{state.budget.ran_out()} (it would have waited {wait:.0f} s)"
            continue
        if wait > ANNOUNCE_AFTER:
            yield Waiting(wait, f"the Retry-After of the 429 ({item.name})")
        time.sleep(wait)
        try:
            results = list(item.finish())
        except (NoAnswer, OutOfTime) as failure:
            results = [verdict(item.operation, item.name, family_of(item.name), [Problem(str(failure))], api=item.api)]
        for result in results:
            if result.check in state.selection.wanted:
                yield state.record(result, by_api.get(item.api))
        yield StageAdvanced(stage, item.name)
    yield StageFinished(stage)


def _complete(state: _Run, interrupted: str) -> Iterator[Event]:
    """One result for every selected check on every selected operation of each document checked."""
    once_api = state.usable[0].api if state.usable else None
    for scenario in state.scenarios:
        api, contract = scenario.api, scenario.contract
        for name in sorted(state.selection.wanted):
            if name == fuzzing.ERROR_CHECK:
                continue
            family = family_of(name)
            scope = scope_of(name, contract)
            for operation in contract:
                if not state.options.operations.matches(operation) or (api, operation.label, name) in state.seen:
                    continue
                if operation not in scope:
                    result = not_applicable(operation.label, name, family, "cannot apply to this operation", api=api)
                elif family in ONCE_PER_RUN and api != once_api:
                    reason = f"checked once per run, on {once_api}"
                    result = not_applicable(operation.label, name, family, reason, api=api)
                else:
                    reason = state.stopped.get((api, name)) or interrupted or _why_not(state, api, name)
                    result = skipped(operation.label, name, family, reason, api=api)
                yield state.record(result, contract)


def _why_not(state: _Run, api: str, name: str) -> str:
    if (api, name) not in state.attempted:
        return state.budget.describe() if state.budget.exhausted else "not run"
    return "not run: the check gave no verdict for this operation"


def preflight(target: Target, apis: Sequence[str], client: object | None = None) -> None:
    """Fail fast, with one clear sentence, when the main key cannot even list (a wrong key or project).

    A server that does not answer is not refused here: the run goes on and reports it."""
    sender = client if client is not None else target.client()
    for api in apis:
        contract = Contract.load(api)
        if not contract.lists or (contract.is_project_scoped and not target.project_id):
            continue
        listing = contract.lists[0]
        try:
            exchange = sender.send(  # type: ignore[attr-defined]
                "GET", listing.url(target.project_id), credential=target.main, params={"limit": 1}
            )
        except (NoAnswer, OutOfTime):
            return
        if exchange.status in (401, 403):
            whose = f" for project {target.project_id}" if contract.is_project_scoped else ""
            raise TargetError(f"the server refused the API key{whose}: {exchange.describe()}")


def exit_code(report: RunReport) -> int:
    """130 interrupted, 0 conformant, 1 a failure (or a stale/expired register entry, too little coverage, or
    stages the time budget stopped), 2 nothing could be checked."""
    if report.interrupted:
        return EXIT_INTERRUPTED
    if report.failed or report.register_findings or report.coverage_shortfall or report.budget_cut:
        return EXIT_FAILED
    if not (report.passed or report.known):
        return EXIT_UNUSABLE
    return EXIT_CONFORMANT


__all__ = ["APIS", "SCHEMATHESIS", "RunOptions", "Selection", "Status", "execute", "exit_code", "run"]
