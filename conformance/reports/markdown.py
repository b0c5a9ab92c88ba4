"""The Markdown report (``--report FILE.md``): score, a matrix per family, then every failure with curl."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from conformance.results import CheckResult, RunReport, Status

SYMBOLS = {Status.PASSED: "✅", Status.FAILED: "❌", Status.SKIPPED: "⏭️"}


def render(report: RunReport) -> str:
    lines = [
        "# Hissuno API conformance",
        "",
        f"- Target: `{report.target}` ({', '.join(report.apis)}), profile `{report.profile}`, seed `{report.seed}`",
        f"- **Conformance score: {report.score:.1%}** ({report.passed} passed, {report.failed} failed, "
        f"{report.skipped} skipped; skipped checks do not count) in {report.duration:.1f} s",
        "",
    ]
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
    skipped = [r for r in report.results if r.status is Status.SKIPPED]
    if skipped:
        lines += ["## Skipped", ""]
        lines += [f"- `{r.check}` on `{r.operation}`: {r.reason}" for r in skipped]
        lines.append("")
    return "\n".join(lines)


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
    path.write_text(render(report), encoding="utf-8")
