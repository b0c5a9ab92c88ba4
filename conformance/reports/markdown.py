"""The Markdown report (``--report FILE.md``): score and coverage, per operation and per family, every failure
with its curl, the known divergences, the register's own problems, and the readiness report."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from conformance.reports import readiness
from conformance.results import CheckResult, RunReport, Status

SYMBOLS = {
    Status.PASSED: "✅",
    Status.FAILED: "❌",
    Status.KNOWN: "⚠️",
    Status.SKIPPED: "⏭️",
    Status.NOT_APPLICABLE: "·",
}


def render(report: RunReport) -> str:
    tally = report.tally
    lines = [
        "# Hissuno API conformance",
        "",
        f"- Target: `{report.target}` ({', '.join(report.apis)}), profile `{report.profile}`, seed `{report.seed}`",
        f"- **Conformance score: {tally.score:.1%}**, coverage {tally.coverage:.1%} ({tally.passed} passed, "
        f"{tally.failed} failed, {tally.known} known, {tally.skipped} skipped, {tally.not_applicable} not "
        f"applicable) in {report.duration:.1f} s",
        "- Score: passed over applicable checks; coverage: applicable checks that ran. A skip is never a pass.",
    ]
    if report.interrupted:
        lines.append("- **Interrupted**: the run was stopped (Ctrl-C); these results are partial.")
    if report.budget_cut:
        lines.append(f"- **The time budget ran out** before these finished: {', '.join(report.budget_cut)}")
    lines += [f"- {note}" for note in report.notes]
    lines += [f"- **Register entry `{f.entry}` is {f.message}**" for f in report.register_findings]
    lines += ["", *_per_operation(report), ""]
    by_family: dict[str, list[CheckResult]] = defaultdict(list)
    for result in report.results:
        by_family[result.family or "other"].append(result)
    for family, results in by_family.items():
        lines.extend(_matrix(family, results))
    failures = list(report.failures())
    if failures:
        lines += ["## Failures", ""]
        for result, problem in failures:
            lines += [f"### `{result.check}` on `{result.operation}`", "", problem.message, ""]
            if problem.curl:
                lines += ["```sh", problem.curl, "```", ""]
    lines += _listed(report, Status.KNOWN, "Known divergences")
    lines += _listed(report, Status.SKIPPED, "Skipped")
    lines += readiness.render(report)
    return "\n".join(lines)


def _per_operation(report: RunReport) -> list[str]:
    lines = [
        "| api | operation | passed | failed | known | skipped | n/a | coverage | score |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (api, operation), tally in report.by_operation().items():
        lines.append(
            f"| {api} | `{operation}` | {tally.passed} | {tally.failed} | {tally.known} | {tally.skipped} | "
            f"{tally.not_applicable} | {tally.coverage:.0%} | {tally.score:.0%} |"
        )
    return lines


def _listed(report: RunReport, status: Status, title: str) -> list[str]:
    chosen = [r for r in report.results if r.status is status]
    if not chosen:
        return []
    grouped: dict[str, list[str]] = defaultdict(list)
    for result in chosen:
        grouped[result.reason].append(f"`{result.check}` on `{result.operation}`")
    lines = [f"## {title}", ""]
    for reason, where in grouped.items():
        lines.append(f"- {reason}: {', '.join(dict.fromkeys(where))}")
    return [*lines, ""]


def _matrix(family: str, results: list[CheckResult]) -> list[str]:
    checks = list(dict.fromkeys(r.check for r in results))
    operations = list(dict.fromkeys(r.operation for r in results))
    cell = {(r.operation, r.check): SYMBOLS[r.status] for r in results}
    short = [c.split(".", 1)[1] if c.startswith(f"{family}.") else c for c in checks]
    lines = [f"## {family}", "", "| operation | " + " | ".join(short) + " |", "|---|" + "---|" * len(checks)]
    for operation in operations:
        row = [cell.get((operation, check), "") for check in checks]
        lines.append(f"| `{operation}` | " + " | ".join(row) + " |")
    lines.append("")
    return lines


def write(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report), encoding="utf-8")
