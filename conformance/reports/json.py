"""The machine-readable report (``--json FILE``), read by CI dashboards and ``hissuno-contract review``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.results import RunReport


def as_dict(report: RunReport) -> dict[str, Any]:
    """``score``, ``passed``, ``failed``, ``skipped``, ``failures`` (one per problem) and every result."""
    return {
        "score": round(report.score, 4),
        "passed": report.passed,
        "failed": report.failed,
        "skipped": report.skipped,
        "target": report.target,
        "profile": report.profile,
        "seed": report.seed,
        "apis": list(report.apis),
        "duration_seconds": round(report.duration, 2),
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
    path.write_text(json.dumps(as_dict(report), indent=2) + "\n", encoding="utf-8")
