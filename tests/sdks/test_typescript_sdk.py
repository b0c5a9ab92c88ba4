"""The TypeScript SDK's own tests under Node's test runner: its layer without a server, then against a live mock
(10,000 sessions paged, create then get, every declared error status, 120 free-plan calls), whose log then
judges the rate-limited calls as it does the Python SDK's."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.sdks.rate_limit_proof import rate_limit_problems
from tests.sdks.sdk_files import BUNDLE, TYPESCRIPT, declared_error_statuses, declared_event_types
from tests.support.servers import LiveMock

RATE_PROOF_CALLS = 120
WEBHOOK_CASES = 9  # webhooks.test.ts's tests besides the one per event type


def node_test(test_file: Path, **env: str) -> str:
    env = {**os.environ, "HISSUNO_SDK_BUNDLE": str(BUNDLE), **env}
    completed = subprocess.run(["node", "--test", str(test_file)], cwd=TYPESCRIPT, env=env,
                               capture_output=True, text=True, timeout=300, check=False)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    return output


def counted(output: str, what: str) -> int:
    match = re.search(rf"^# {what} (\d+)$", output, re.MULTILINE)
    assert match, output[-2000:]
    return int(match.group(1))


def test_typescript_layer_units_pass(typescript_tests: Path) -> None:
    output = node_test(typescript_tests / "transport.test.js")
    assert counted(output, "fail") == 0
    assert counted(output, "pass") >= 15


def test_typescript_webhook_helper_passes(typescript_tests: Path) -> None:
    """Every declared event type verifies; tampered, other secret, stale, missing headers, unknown events refused."""
    output = node_test(typescript_tests / "webhooks.test.js")
    assert counted(output, "fail") == counted(output, "skipped") == 0
    assert counted(output, "pass") == WEBHOOK_CASES + len(declared_event_types())


def test_typescript_sdk_against_the_mock(typescript_tests: Path, mock: LiveMock) -> None:
    output = node_test(typescript_tests / "live.test.js", HISSUNO_TEST_MOCK_URL=mock.base_url)
    assert counted(output, "skipped") == 0
    assert counted(output, "pass") == 3 + len(declared_error_statuses())
    problems = rate_limit_problems(mock.logged("rate-proof-typescript"), RATE_PROOF_CALLS)
    assert problems == []
