"""The SDK proofs' mock: one per session, seeded from ``fixture.yaml`` (10,000 sessions, a free-plan project)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_mock import LiveMock, live_mock
from rate_limit_proof import FREE_PLAN_LIMIT

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixture.yaml"
BUNDLE = REPO / "sdks" / "v1.json"


@pytest.fixture(scope="session")
def mock() -> Iterator[LiveMock]:
    with live_mock(FIXTURE, "--rate-limit", f"free={FREE_PLAN_LIMIT}") as running:
        yield running


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
