"""The machine-readable report (``--json FILE``), read by CI dashboards and ``hissuno-contract review``.

``score``, ``passed``, ``failed`` and ``failures`` keep the meaning other tools read; ``known``, ``skipped``,
``not_applicable`` and ``coverage`` complete the five outcomes, overall and per operation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.results import RunReport, Tally


def _counts(tally: Tally) -> dict[str, Any]:
    return {**tally.as_dict(), "coverage": round(tally.coverage, 4), "score": round(tally.score, 4)}


def as_dict(report: RunReport) -> dict[str, Any]:
    """The five counts, coverage and score (overall and per operation), how the run ended, every failure
    (one per problem) and every result."""
    return {
        **_counts(report.tally),
        "conformant": report.conformant,
        "interrupted": report.interrupted,
        "required_coverage": report.required_coverage,
        "target": report.target,
        "profile": report.profile,
        "seed": report.seed,
        "apis": list(report.apis),
        "duration_seconds": round(report.duration, 2),
        "notes": list(report.notes),
        "budget_cut": list(report.budget_cut),
        "register": [
            {"entry": finding.entry, "kind": finding.kind, "message": finding.message}
            for finding in report.register_findings
        ],
        "operations": [
            {"api": api, "operation": operation, **_counts(tally)}
            for (api, operation), tally in report.by_operation().items()
        ],
        "failures": [
            {
                "operation": result.operation,
                "check": result.check,
                "family": result.family,
                "api": result.api,
                "message": problem.message,
                "curl": problem.curl,
            }
            for result, problem in report.failures()
        ],
        "results": [
            {
                "operation": result.operation,
                "operation_id": result.operation_id,
                "check": result.check,
                "family": result.family,
                "api": result.api,
                "status": result.status.value,
                "message": result.message,
            }
            for result in report.results
        ],
    }


def write(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(as_dict(report), indent=2) + "\n", encoding="utf-8")
