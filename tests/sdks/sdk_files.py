"""Where the SDKs and the proofs' inputs are, and what the document the SDKs were generated from declares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixture.yaml"
SDKS = REPO / "sdks"
BUNDLE = SDKS / "v1.json"
TYPESCRIPT = SDKS / "typescript"


def declared_error_statuses() -> list[int]:
    """Every 4xx/5xx status some /v1 operation declares, read from the document the SDKs were generated from."""
    document: dict[str, Any] = json.loads(BUNDLE.read_text(encoding="utf-8"))
    statuses = {
        int(status)
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "responses" in operation
        for status in operation["responses"]
        if status.isdigit() and int(status) >= 400
    }
    return sorted(statuses)
