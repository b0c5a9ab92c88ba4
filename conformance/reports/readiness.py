"""The readiness report (a section of ``--report``): per operation, what still differs before the server meets
the contract. Against a backend with a register of known divergences this is its migration checklist: each
known divergence once with its reason and link, then the failures nobody has accounted for, then what could
not be verified (skipped checks, with why).
"""

from __future__ import annotations

from collections import defaultdict

from conformance.results import RUN_WIDE, CheckResult, RunReport, Status, Tally


def render(report: RunReport) -> list[str]:
    """Markdown lines: one section per operation, a checkbox per thing left to do."""
    by_operation: dict[tuple[str, str], list[CheckResult]] = defaultdict(list)
    for result in report.results:
        by_operation[(result.api, result.operation)].append(result)
    ready = [key for key, results in by_operation.items() if _ready(results)]
    lines = [
        "## Readiness",
        "",
        f"{len(ready)} of {len(by_operation)} operations meet the contract in everything this run verified.",
        "",
    ]
    for (api, operation), results in by_operation.items():
        if operation == RUN_WIDE and all(r.status is Status.NOT_APPLICABLE for r in results):
            continue
        tally = Tally.of(results)
        verdict = "ready" if _ready(results) else "not ready"
        lines += [
            f"### `{operation}` ({api}): {verdict}, score {tally.score:.0%}, coverage {tally.coverage:.0%}",
            "",
            *_todo(report, results),
            "",
        ]
    return lines


def _ready(results: list[CheckResult]) -> bool:
    return not any(r.status in (Status.FAILED, Status.KNOWN, Status.SKIPPED) for r in results)


def _todo(report: RunReport, results: list[CheckResult]) -> list[str]:
    items: list[str] = []
    known: dict[str, list[str]] = defaultdict(list)
    for result in results:
        if result.status is Status.KNOWN:
            known[result.reason].append(result.check)
    for reason, checks in known.items():
        items.append(f"- [ ] {reason} ({_names(checks)})")
    for result in results:
        if result.status is Status.FAILED:
            items.append(f"- [ ] **new**: `{result.check}`: {result.message}")
    skipped: dict[str, list[str]] = defaultdict(list)
    for result in results:
        if result.status is Status.SKIPPED:
            skipped[result.reason].append(result.check)
    for reason, checks in skipped.items():
        items.append(f"- [ ] not verified ({reason}): {_names(checks)}")
    return items or ["- [x] nothing left: every applicable check passed"]


def _names(checks: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in dict.fromkeys(checks))
