"""What a conformance run produces: one result per operation x check, and the events that carry them.

Every report (console, JUnit, Markdown, JSON) and the pytest plugin consume these values and nothing else,
so adding a report never touches the engine, and the engine never formats anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

RUN_WIDE = "(run)"


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Problem:
    """One way a check failed, with the request that shows it (as curl, keys as shell variables)."""

    message: str
    curl: str = ""


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check on one operation (or on the whole run, for run-wide checks)."""

    operation: str
    check: str
    family: str
    status: Status
    problems: tuple[Problem, ...] = ()
    reason: str = ""
    api: str = ""

    @property
    def message(self) -> str:
        """The first problem, or why the check was skipped."""
        if self.problems:
            return self.problems[0].message
        return self.reason


def passed(operation: str, check: str, family: str, *, api: str = "") -> CheckResult:
    return CheckResult(operation, check, family, Status.PASSED, api=api)


def skipped(operation: str, check: str, family: str, reason: str, *, api: str = "") -> CheckResult:
    return CheckResult(operation, check, family, Status.SKIPPED, reason=reason, api=api)


def verdict(operation: str, check: str, family: str, problems: Iterable[Problem], *, api: str = "") -> CheckResult:
    """Passed when no problem was found, failed otherwise (duplicate problems collapse into one)."""
    unique = tuple(dict.fromkeys(problems))
    status = Status.FAILED if unique else Status.PASSED
    return CheckResult(operation, check, family, status, unique, api=api)


@dataclass
class RunReport:
    """Every result of a run plus what was run; the score is the share of checks that passed."""

    results: list[CheckResult] = field(default_factory=list)
    target: str = ""
    profile: str = ""
    seed: int | None = None
    apis: tuple[str, ...] = ()
    duration: float = 0.0

    def _count(self, status: Status) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def passed(self) -> int:
        return self._count(Status.PASSED)

    @property
    def failed(self) -> int:
        return self._count(Status.FAILED)

    @property
    def skipped(self) -> int:
        return self._count(Status.SKIPPED)

    @property
    def score(self) -> float:
        """Passed / (passed + failed). Skipped checks count for nothing, so they never inflate the score."""
        ran = self.passed + self.failed
        return self.passed / ran if ran else 0.0

    @property
    def conformant(self) -> bool:
        return self.failed == 0 and self.passed > 0

    def failures(self) -> Iterator[tuple[CheckResult, Problem]]:
        for result in self.results:
            if result.status is Status.FAILED:
                for problem in result.problems:
                    yield result, problem

    def failed_checks(self) -> set[str]:
        return {result.check for result in self.results if result.status is Status.FAILED}

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


@dataclass(frozen=True)
class ResultRecorded:
    result: CheckResult


@dataclass(frozen=True)
class RunFinished:
    report: RunReport


Event = StageStarted | StageAdvanced | StageFinished | ResultRecorded | RunFinished
