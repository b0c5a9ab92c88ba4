"""The README's two verification snippets, taken from the README as written, verify a real delivery of the mock
and refuse a tampered one: the Python one here, the TypeScript one with node and the npm ``standardwebhooks``
(installed with ``npm ci`` from the lock file committed in ``readme_ts/``, into its ignored ``node_modules``)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from standardwebhooks import WebhookVerificationError

from contract.standard_webhooks import new_secret
from mockserver.app import create_app
from mockserver.settings import Settings
from tests.mockserver.test_webhook_trigger import arrived, subscribe
from tests.support.servers import served
from tests.support.webhook_receiver import Receiver

README = Path(__file__).resolve().parents[2] / "README.md"
TOOL = Path(__file__).parent / "readme_ts"
INSTALL_TIMEOUT_S = 600


def snippet(name: str) -> str:
    """The fenced code block right after ``<!-- snippet: NAME -->`` in the README."""
    found = re.search(rf"<!-- snippet: {name} -->\n```\w+\n(.*?)```", README.read_text(), re.S)
    assert found, f"no {name} snippet in the README"
    return found.group(1)


@pytest.fixture(scope="module")
def delivery() -> Iterator[tuple[str, dict[str, str], bytes]]:
    """``(secret, headers, body)`` of one real delivery of the mock (fired with ``/__mock/events``)."""
    with served(create_app(Settings())) as base_url, httpx.Client(base_url=base_url) as http, Receiver() as receiver:
        secret = subscribe(http, receiver.url, ["issue.created"])
        http.post("/__mock/events", json={"type": "issue.created"})
        [request] = arrived(receiver, 1)
    yield secret, dict(request["headers"]), request["body"]


def test_the_snippets_are_five_lines_or_fewer() -> None:
    for name in ("verify-typescript", "verify-python"):
        assert len(snippet(name).strip().splitlines()) <= 5, name


def test_the_python_snippet_verifies_a_real_delivery(delivery: tuple[str, dict[str, str], bytes]) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(snippet("verify-python"), "README.md", "exec"), namespace)
    secret, headers, body = delivery
    event = namespace["verified_event"](secret, headers, body)
    assert event == orjson.loads(body) and event["type"] == "issue.created"
    for wrong in ((new_secret(), headers, body), (secret, headers, body.replace(b"issue", b"issuE", 1)),
                  (secret, {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 301)}, body)):
        with pytest.raises(WebhookVerificationError):
            namespace["verified_event"](*wrong)


def node_tool() -> Path:
    """``readme_ts/`` with its locked packages installed (again when the lock file changed)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.fail("Node.js 20+ and npm are needed for the README's TypeScript snippet test: install them first")
    with (TOOL / ".install.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        stamp = TOOL / "node_modules" / ".hissuno-installed"
        digest = hashlib.sha256((TOOL / "package-lock.json").read_bytes()).hexdigest()
        if not (stamp.is_file() and stamp.read_text() == digest):
            completed = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOL,
                                       capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False)
            assert completed.returncode == 0, f"npm ci in {TOOL} failed: {completed.stderr.strip()[-1000:]}"
            stamp.write_text(digest)
    return TOOL


def run_typescript(tmp_path: Path, secret: str, headers: dict[str, str],
                   body: bytes) -> subprocess.CompletedProcess[str]:
    """``node readme_ts/verify.mjs`` on the README's snippet and one delivery's headers and body."""
    code, headers_file, body_file = tmp_path / "snippet.ts", tmp_path / "headers.json", tmp_path / "body.json"
    code.write_text(snippet("verify-typescript"))
    headers_file.write_text(json.dumps(headers))
    body_file.write_bytes(body)
    command = ["node", str(node_tool() / "verify.mjs"), str(code), secret, str(headers_file), str(body_file)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_the_typescript_snippet_verifies_a_real_delivery(tmp_path: Path,
                                                         delivery: tuple[str, dict[str, str], bytes]) -> None:
    secret, headers, body = delivery
    verified = run_typescript(tmp_path, secret, headers, body)
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout) == orjson.loads(body)
    forged = run_typescript(tmp_path, new_secret(), headers, body)
    assert forged.returncode == 1 and "WebhookVerificationError" in forged.stderr
    stale = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 301)}
    refused = run_typescript(tmp_path, secret, stale, body)
    assert refused.returncode == 1 and "WebhookVerificationError" in refused.stderr
