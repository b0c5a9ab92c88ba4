"""The SDK proofs' mock: one per session, seeded from ``fixture.yaml`` (10,000 sessions, a free-plan project)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_mock import LiveMock, live_mock
from rate_limit_proof import FREE_PLAN_LIMIT

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixture.yaml"
SDKS = REPO / "sdks"
BUNDLE = SDKS / "v1.json"
TYPESCRIPT = SDKS / "typescript"
sys.path.insert(0, str(SDKS))  # generate.py and toolchain.py


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


@pytest.fixture(scope="session")
def node_bin() -> Path:
    """``sdks/typescript/node_modules/.bin``, installed by ``npm ci`` when missing or stale."""
    import toolchain

    return toolchain.node_bin()


@pytest.fixture(scope="session")
def typescript_tests(node_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TypeScript SDK and its tests compiled with ``tsc --strict`` (``tsconfig.test.json``), into a folder of
    this test session's own."""
    out = tmp_path_factory.mktemp("typescript-build")
    completed = subprocess.run([str(node_bin / "tsc"), "-p", "tsconfig.test.json", "--outDir", str(out)],
                               cwd=TYPESCRIPT, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (out / "package.json").write_text('{"type": "module"}')  # ES modules, as in the package
    (out / "node_modules").symlink_to(TYPESCRIPT / "node_modules")
    return out / "test"
