"""The SDK proofs' mock: one per session, seeded from ``fixture.yaml`` (10,000 sessions, a free-plan project)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sdks import toolchain
from tests.sdks.rate_limit_proof import FREE_PLAN_LIMIT
from tests.sdks.sdk_files import FIXTURE, TYPESCRIPT
from tests.support.servers import LiveMock, live_mock


@pytest.fixture(scope="session")
def mock() -> Iterator[LiveMock]:
    with live_mock("--fixtures", str(FIXTURE), "--rate-limit", f"free={FREE_PLAN_LIMIT}", log_level="info") as running:
        yield running


@pytest.fixture(scope="session")
def node_bin() -> Path:
    """``sdks/typescript/node_modules/.bin``, installed by ``npm ci`` when missing or stale."""
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
