"""The terminal: live progress while the run goes, then a table per operation x check family and the score.

Each failure is printed with a curl command that reproduces it; keys appear as shell variables
(``$HISSUNO_API_KEY`` ...), so export them before pasting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from conformance.checks import FAMILIES
from conformance.results import (
    RUN_WIDE,
    CheckResult,
    Event,
    ResultRecorded,
    RunFinished,
    RunReport,
    StageAdvanced,
    StageFinished,
    StageStarted,
    Status,
)


class LiveProgress:
    """Shows one progress line per stage while events flow through :meth:`follow`."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.failed = 0
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[step]}", style="dim"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def follow(self, events: Iterable[Event]) -> Iterator[Event]:
        """Pass the events through, updating the display."""
        with self.progress:
            for event in events:
                self._show(event)
                yield event

    def _show(self, event: Event) -> None:
        if isinstance(event, StageStarted):
            total = None if event.name.endswith("Schemathesis") else event.total
            self.tasks[event.name] = self.progress.add_task(event.name, total=total, step="")
        elif isinstance(event, StageAdvanced) and event.name in self.tasks:
            advance = 0 if event.name.endswith("Schemathesis") else 1
            self.progress.update(self.tasks[event.name], advance=advance, step=escape(event.step[:60]))
        elif isinstance(event, StageFinished) and event.name in self.tasks:
            task = self.tasks[event.name]
            self.progress.update(task, total=1, completed=1, step="")
        elif isinstance(event, ResultRecorded) and event.result.status is Status.FAILED:
            self.failed += 1


def _cell(results: list[CheckResult]) -> str:
    if not results:
        return ""
    failed = sum(r.status is Status.FAILED for r in results)
    passed = sum(r.status is Status.PASSED for r in results)
    skipped = sum(r.status is Status.SKIPPED for r in results)
    if failed:
        return f"[bold red]✗ {failed}/{failed + passed}[/]"
    if passed:
        extra = f" [dim](+{skipped} skipped)[/]" if skipped else ""
        return f"[green]✓ {passed}[/]{extra}"
    return f"[yellow]- {skipped} skipped[/]"


def summary_table(report: RunReport) -> Table:
    """Rows: operations; columns: check families; cells: checks passed, failed or skipped."""
    families = [f for f in FAMILIES if any(r.family == f for r in report.results)]
    table = Table(title="Conformance by operation and check family", show_lines=False)
    table.add_column("operation", style="bold")
    for family in families:
        table.add_column(family, justify="center")
    grouped: dict[str, dict[str, list[CheckResult]]] = defaultdict(lambda: defaultdict(list))
    for result in report.results:
        label = result.operation if result.operation != RUN_WIDE else f"{RUN_WIDE} {result.api}".strip()
        grouped[label][result.family].append(result)
    for operation, cells in grouped.items():
        table.add_row(escape(operation), *(_cell(cells.get(family, [])) for family in families))
    return table


def print_report(report: RunReport, console: Console) -> None:
    console.print(summary_table(report))
    failures = list(report.failures())
    if failures:
        console.print(f"\n[bold red]{len(failures)} problem(s) in {report.failed} failed check(s):[/]")
        for result, problem in failures:
            console.print(f"\n[red]✗[/] [bold]{escape(result.check)}[/] on {escape(result.operation)}")
            console.print(f"  {escape(problem.message)}", soft_wrap=True)
            if problem.curl:
                console.print(f"  [dim]{escape(problem.curl)}[/]", soft_wrap=True)
    skipped = [r for r in report.results if r.status is Status.SKIPPED]
    if skipped:
        console.print(f"\n[yellow]{len(skipped)} skipped (not counted in the score):[/]")
        reasons: dict[str, list[str]] = defaultdict(list)
        for result in skipped:
            reasons[result.reason].append(result.check)
        for reason, checks in reasons.items():
            names = ", ".join(sorted(set(checks)))
            console.print(f"  - {escape(reason)}: {escape(names)}", soft_wrap=True)
    colour = "green" if report.failed == 0 and report.passed else "red"
    console.print(
        f"\n[bold {colour}]Conformance score: {report.score:.1%}[/] "
        f"({report.passed} passed, {report.failed} failed, {report.skipped} skipped) in {report.duration:.1f} s"
    )


def consume(events: Iterable[Event], console: Console, *, live: bool = True) -> RunReport:
    """Follow a run to its end with live progress, print the summary, and return the report."""
    stream = LiveProgress(console).follow(events) if live else events
    report: RunReport | None = None
    for event in stream:
        if isinstance(event, RunFinished):
            report = event.report
    if report is None:
        raise RuntimeError("the run ended without a report")
    print_report(report, console)
    return report
