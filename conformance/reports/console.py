"""The terminal summary: a table per operation x check family with coverage and score, then what failed.

Each failure is printed with a curl command that reproduces it; keys appear as shell variables
(``$HISSUNO_API_KEY`` ...), so export them before pasting. Known divergences are listed by register entry,
skipped checks by reason, and the register's own problems (stale or expired entries) last, before the score.
"""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from conformance.checks import FAMILIES
from conformance.results import RUN_WIDE, CheckResult, RunReport, Status, Tally


def _cell(results: list[CheckResult]) -> str:
    tally = Tally.of(results)
    if not tally.applicable:
        return "[dim]·[/]" if results else ""
    extra = f" [dim](+{tally.skipped} skipped)[/]" if tally.skipped else ""
    if tally.failed:
        return f"[bold red]✗ {tally.failed}/{tally.ran}[/]{extra}"
    if tally.known:
        return f"[yellow]≈ {tally.known}/{tally.ran} known[/]{extra}"
    if tally.passed:
        return f"[green]✓ {tally.passed}[/]{extra}"
    return f"[yellow]- {tally.skipped} skipped[/]"


def percent(value: float) -> str:
    return f"{value:.1%}"


def summary_table(report: RunReport) -> Table:
    """Rows: operations; columns: check families, then coverage and score of the row."""
    present = list(dict.fromkeys(r.family for r in report.results))
    families = [f for f in FAMILIES if f in present] + [f for f in present if f not in FAMILIES]
    table = Table(title="Conformance by operation and check family", show_lines=False)
    table.add_column("operation", style="bold", no_wrap=True)
    for family in families:
        table.add_column(family, justify="center")
    table.add_column("coverage", justify="right")
    table.add_column("score", justify="right")
    grouped: dict[str, dict[str, list[CheckResult]]] = defaultdict(lambda: defaultdict(list))
    for result in report.results:
        label = result.operation if result.operation != RUN_WIDE else f"{RUN_WIDE} {result.api}".strip()
        grouped[label][result.family].append(result)
    for operation, cells in grouped.items():
        tally = Tally.of(r for rs in cells.values() for r in rs)
        table.add_row(
            escape(operation),
            *(_cell(cells.get(family, [])) for family in families),
            percent(tally.coverage),
            percent(tally.score),
        )
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
    _grouped(console, report, Status.KNOWN, "[yellow]{n} known divergence(s) (reported, not failing):[/]")
    skipped = "[yellow]{n} skipped (applicable but not run; they lower coverage and score):[/]"
    _grouped(console, report, Status.SKIPPED, skipped)
    for finding in report.register_findings:
        line = f"register entry {finding.entry} is {finding.message}"
        console.print(f"\n[bold red]{escape(line)}[/]", soft_wrap=True)
    if report.interrupted:
        console.print("\n[bold red]Interrupted: the results above are partial.[/]")
    if report.budget_cut:
        cut = f"The time budget ran out before these finished: {', '.join(report.budget_cut)} (raise --max-time)."
        console.print(f"\n[bold red]{escape(cut)}[/]", soft_wrap=True)
    failed = report.failed_families()
    if failed:
        console.print(f"\n[bold red]Failing families: {escape(', '.join(failed))}[/]")
    print_score(report, console)


def _grouped(console: Console, report: RunReport, status: Status, title: str) -> None:
    chosen = [r for r in report.results if r.status is status]
    if not chosen:
        return
    console.print("\n" + title.format(n=len(chosen)))
    reasons: dict[str, list[str]] = defaultdict(list)
    for result in chosen:
        reasons[result.reason].append(result.check)
    for reason, checks in reasons.items():
        names = ", ".join(sorted(set(checks)))
        console.print(f"  - {escape(reason)}: {escape(names)} ({len(checks)})", soft_wrap=True)


def print_score(report: RunReport, console: Console) -> None:
    tally = report.tally
    colour = "green" if report.conformant else "red"
    console.print(
        f"\n[bold {colour}]Conformance score: {percent(tally.score)}[/] · coverage {percent(tally.coverage)} "
        f"({tally.passed} passed, {tally.failed} failed, {tally.known} known, {tally.skipped} skipped, "
        f"{tally.not_applicable} not applicable) in {report.duration:.1f} s",
        soft_wrap=True,
    )
    if report.coverage_shortfall and report.required_coverage is not None:
        console.print(
            f"[bold red]Coverage {percent(tally.coverage)} is below the required "
            f"{percent(report.required_coverage)} (--require-coverage).[/]"
        )
