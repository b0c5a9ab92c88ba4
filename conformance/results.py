"""What a conformance run produces: one result per operation x check, and the events that carry them.

Every report (console, JUnit, Markdown, JSON) and the pytest plugin consume these values and nothing else,
so adding a report never touches the engine, and the engine never formats anything.

Each result has one of five outcomes. *Passed* and *failed* are verdicts; *known* is a failure the known-
divergences register accounts for; *skipped* means the check applies but could not run (a key or input was
missing, the time budget ran out: the reason says which); *not applicable* means the check cannot apply to the
operation (a list check on a create). Coverage is the share of applicable checks that ran, the score the share
that passed: a skip lowers both and never counts as a pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

RUN_WIDE = "(run)"


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    KNOWN = "known"
    SKIPPED = "skipped"
    NOT_APPLICABLE = "not_applicable"


RAN = frozenset({Status.PASSED, Status.FAILED, Status.KNOWN})


@dataclass(frozen=True)
class Problem:
    """One way a check failed, with the request that shows it (as curl, keys as shell variables)."""

    message: str
    curl: str = ""


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check on one operation (or on the whole run, for run-wide problems)."""

    operation: str
    check: str
    family: str
    status: Status
    problems: tuple[Problem, ...] = ()
    reason: str = ""
    api: str = ""
    # The operationId, so registers and filters can name operations the way the spec does.
    operation_id: str = ""
    # For a known result: the id of the register entry that accounts for it.
    divergence: str = ""

    @property
    def message(self) -> str:
        """The first problem, or why the check was skipped, known or not applicable."""
        if self.problems and self.status is not Status.KNOWN:
            return self.problems[0].message
        return self.reason or (self.problems[0].message if self.problems else "")


def passed(operation: str, check: str, family: str, *, api: str = "") -> CheckResult:
    return CheckResult(operation, check, family, Status.PASSED, api=api)


def skipped(operation: str, check: str, family: str, reason: str, *, api: str = "") -> CheckResult:
    return CheckResult(operation, check, family, Status.SKIPPED, reason=reason, api=api)


def not_applicable(operation: str, check: str, family: str, reason: str, *, api: str = "") -> CheckResult:
    return CheckResult(operation, check, family, Status.NOT_APPLICABLE, reason=reason, api=api)


def verdict(operation: str, check: str, family: str, problems: Iterable[Problem], *, api: str = "") -> CheckResult:
    """Passed when no problem was found, failed otherwise (duplicate problems collapse into one)."""
    unique = tuple(dict.fromkeys(problems))
    status = Status.FAILED if unique else Status.PASSED
    return CheckResult(operation, check, family, status, unique, api=api)


@dataclass(frozen=True)
class Tally:
    """The five counts of a set of results, with the coverage and score they give."""

    passed: int = 0
    failed: int = 0
    known: int = 0
    skipped: int = 0
    not_applicable: int = 0

    @classmethod
    def of(cls, results: Iterable[CheckResult]) -> Tally:
        counts = dict.fromkeys(Status, 0)
        for result in results:
            counts[result.status] += 1
        return cls(*(counts[status] for status in Status))

    @property
    def applicable(self) -> int:
        return self.passed + self.failed + self.known + self.skipped

    @property
    def ran(self) -> int:
        return self.passed + self.failed + self.known

    @property
    def coverage(self) -> float:
        """Applicable checks that ran, over applicable checks."""
        return self.ran / self.applicable if self.applicable else 0.0

    @property
    def score(self) -> float:
        """Passed over applicable: a skipped or known check is not a pass."""
        return self.passed / self.applicable if self.applicable else 0.0

    def as_dict(self) -> dict[str, int]:
        return {status.value: getattr(self, status.value) for status in Status}


@dataclass(frozen=True)
class RegisterFinding:
    """A problem with the known-divergences register itself: an entry that is stale, expired or unused."""

    entry: str
    kind: str
    message: str


@dataclass
class RunReport:
    """Every result of a run plus what was run, how it ended, and what the register found."""

    results: list[CheckResult] = field(default_factory=list)
    target: str = ""
    profile: str = ""
    seed: int | None = None
    apis: tuple[str, ...] = ()
    duration: float = 0.0
    # Set when Ctrl-C stopped the run: the results are partial.
    interrupted: bool = False
    # Why parts of the run did not happen (a time budget, a server that stopped answering), one line each.
    notes: list[str] = field(default_factory=list)
    register_findings: list[RegisterFinding] = field(default_factory=list)
    # The register entries that matched failures, by entry id, with the reason and link they give.
    divergences: dict[str, tuple[str, str]] = field(default_factory=dict)
    required_coverage: float | None = None
    # Stages the time budget stopped before they were done: the run is incomplete, so it is not conformant.
    budget_cut: list[str] = field(default_factory=list)

    @property
    def tally(self) -> Tally:
        return Tally.of(self.results)

    @property
    def passed(self) -> int:
        return self.tally.passed

    @property
    def failed(self) -> int:
        return self.tally.failed

    @property
    def known(self) -> int:
        return self.tally.known

    @property
    def skipped(self) -> int:
        return self.tally.skipped

    @property
    def not_applicable(self) -> int:
        return self.tally.not_applicable

    @property
    def score(self) -> float:
        return self.tally.score

    @property
    def coverage(self) -> float:
        return self.tally.coverage

    @property
    def coverage_shortfall(self) -> bool:
        """Whether ``--require-coverage`` asked for more than the run verified."""
        return self.required_coverage is not None and self.coverage < self.required_coverage

    @property
    def conformant(self) -> bool:
        return (
            self.failed == 0
            and self.passed > 0
            and not self.register_findings
            and not self.interrupted
            and not self.coverage_shortfall
            and not self.budget_cut
        )

    def by_operation(self) -> dict[tuple[str, str], Tally]:
        """The tally of each ``(api, operation)``, in the order the results are in."""
        grouped: dict[tuple[str, str], list[CheckResult]] = {}
        for result in self.results:
            grouped.setdefault((result.api, result.operation), []).append(result)
        return {key: Tally.of(results) for key, results in grouped.items()}

    def failures(self) -> Iterator[tuple[CheckResult, Problem]]:
        for result in self.results:
            if result.status is Status.FAILED:
                for problem in result.problems:
                    yield result, problem

    def failed_checks(self) -> set[str]:
        return {result.check for result in self.results if result.status is Status.FAILED}

    def failed_families(self) -> list[str]:
        return list(dict.fromkeys(r.family for r in self.results if r.status is Status.FAILED))

    def operations(self) -> list[str]:
        return list(dict.fromkeys(result.operation for result in self.results))


# Events: the engine yields these; reports and progress displays consume them.


@dataclass(frozen=True)
class StageStarted:
    """A stage of the run began (a Schemathesis run over one API, or one check family)."""

    name: str
    total: int


@dataclass(frozen=True)
class StageAdvanced:
    name: str
    step: str = ""


@dataclass(frozen=True)
class StageFinished:
    name: str
    tally: Tally = Tally()
    seconds: float = 0.0
    # Why the stage ended early, if it did (a time budget, failures capped, no answer).
    stopped: str = ""


@dataclass(frozen=True)
class Waiting:
    """The run is about to sleep: what for and how long (announced when it is longer than a moment)."""

    seconds: float
    reason: str


@dataclass(frozen=True)
class ResultRecorded:
    result: CheckResult


@dataclass(frozen=True)
class RunFinished:
    report: RunReport


Event = StageStarted | StageAdvanced | StageFinished | Waiting | ResultRecorded | RunFinished
