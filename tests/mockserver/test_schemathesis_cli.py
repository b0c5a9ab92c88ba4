"""An unmodified Schemathesis, run as a user runs it (its own CLI, ``--checks all``, every phase), against the mock
served by ``hissuno-mock serve`` finds nothing on either document.

The user's part: the mock's rate limits raised (``--rate-limit``, or the run would meet 429s), a full key, and
a ``schemathesis.toml`` with the project to test (``[parameters]``) and, for the internal document's API keys,
what ``USER_CONFIG`` says. Bounded for
``make test`` (a few examples per operation and phase, a fixed seed). The same run against a mutant that answers
a second codebase source with 422, as the mock did before issue 16, fails with Schemathesis' "Schema-valid
request rejected": the run can fail.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.serve_mutant import mutant_command
from tests.support.servers import LiveMock, live_mock, raised_rate_limits

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
PROJECT = "proj_orbital"
MAX_EXAMPLES = 10
SEED = 16
PHASES = ("Examples", "Coverage", "Fuzzing", "Stateful")
# What a user of the internal document states once, in Schemathesis' own configuration: the rejection the contract
# states in prose, which no schema can express (a key whose expiry is past is 422), and the two operations a run
# must not send with its own key (revoking every key, or one whose id Schemathesis' inferred links take from the
# key list, revokes the run's key and leaves every later request a 401). Nothing here touches /v1.
USER_CONFIG = """
[[operations]]
include-operation-id = "createApiKey"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

[[operations]]
include-operation-id = "revokeAllApiKeys"
enabled = false

[[operations]]
include-operation-id = "revokeApiKey"
enabled = false
"""


def schemathesis_run(mock: LiveMock, document: str, workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``schemathesis run <the mock's document> --checks all``, every phase, in ``workdir`` (its files go there)."""
    config = workdir / "schemathesis.toml"
    config.write_text(f'[parameters]\nprojectId = "{PROJECT}"\n' + (USER_CONFIG if document == "api" else ""))
    key = mock.keys.get(PROJECT, "full")
    argv = [str(SCHEMATHESIS), "--config-file", str(config), "--no-color", "run",
            f"{mock.base_url}/{document}/openapi.json", "--checks", "all", "--header", f"Authorization: Bearer {key}",
            "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), *extra]
    return subprocess.run(argv, cwd=workdir, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def mock() -> Iterator[LiveMock]:
    with live_mock(*raised_rate_limits()) as served:
        yield served


@pytest.mark.parametrize("document", ["v1", "api"])
def test_schemathesis_checks_all_finds_nothing(mock: LiveMock, document: str, tmp_path: Path) -> None:
    result = schemathesis_run(mock, document, tmp_path)
    summary = result.stdout.split("SUMMARY", 1)[-1]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in summary
    assert "Warnings:" not in summary, summary  # e.g. operations that only ever got 401/403
    assert all(f"✅ {phase}" in summary for phase in PHASES), summary


def test_the_same_run_fails_on_a_second_codebase_answered_422(tmp_path: Path) -> None:
    mutant = mutant_command("tests.mutants.mutants:SecondCodebaseIs422")
    with live_mock(*raised_rate_limits(), command=mutant) as broken:
        result = schemathesis_run(broken, "v1", tmp_path, "--include-operation-id", "createKnowledgeSource")
    assert result.returncode == 1
    assert "Schema-valid request rejected" in result.stdout and "already has a codebase" in result.stdout
