"""Read the JSON a ``hissuno-conformance run --json FILE`` writes, keeping only what the review shows.

Only ``score``, ``passed``, ``failed`` and ``failures[].operation/check/message`` are read; any other key
is ignored, so the conformance report can grow without breaking the review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contract.review.model import ConformanceFailure, ConformanceSummary, ReviewInputError


def _number(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise ReviewInputError(f"{where}: `{key}` must be a {'number' if kind is float else 'whole number'}")
    return kind(value)


def parse_conformance(data: Any, where: str = "conformance JSON") -> ConformanceSummary:
    """Validate and convert a parsed conformance result."""
    if not isinstance(data, dict):
        raise ReviewInputError(f"{where}: expected a JSON object")
    failures_raw = data.get("failures", [])
    if not isinstance(failures_raw, list):
        raise ReviewInputError(f"{where}: `failures` must be a list")
    failures = []
    for item in failures_raw:
        if not isinstance(item, dict):
            raise ReviewInputError(f"{where}: every entry of `failures` must be an object")
        failures.append(
            ConformanceFailure(
                operation=str(item.get("operation", "?")),
                check=str(item.get("check", "?")),
                message=str(item.get("message", "")),
            )
        )
    return ConformanceSummary(
        score=_number(data, "score", float, where),
        passed=_number(data, "passed", int, where),
        failed=_number(data, "failed", int, where),
        failures=tuple(failures),
    )


def read_conformance(path: Path) -> ConformanceSummary:
    """Load ``path``; unreadable or malformed files raise :class:`ReviewInputError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReviewInputError(f"cannot read the conformance JSON {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise ReviewInputError(f"{path}: not valid JSON ({error})") from None
    return parse_conformance(data, str(path))
