"""The SDK toolchain, installed from the registries on first use and again whenever its pins change.

- openapi-python-client, in a virtualenv of its own (``sdks/.tools/python-generator``): it pins ``typer<0.28``,
  the project ``typer==0.29.2``, so it cannot share the project's ``.venv`` (its authors recommend pipx for the
  same reason).
- The TypeScript SDK's npm packages (``npm ci`` in ``sdks/typescript``): openapi-typescript, TypeScript,
  openapi-fetch.

A stamp beside each holds the hash of its pin file; a file lock keeps parallel test workers from installing at
the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SDKS = Path(__file__).resolve().parent
TOOLS = SDKS / ".tools"
TYPESCRIPT = SDKS / "typescript"
PYTHON_GENERATOR = TOOLS / "python-generator"
GENERATOR_REQUIREMENTS = SDKS / "python" / "generator-requirements.txt"
INSTALL_TIMEOUT_S = 600


class ToolchainError(RuntimeError):
    """A tool is missing and cannot be installed; the message says what to do."""


def python_generator_bin() -> Path:
    """The bin folder of the virtualenv holding openapi-python-client (and the ruff it formats with)."""
    with _locked():
        stamp = PYTHON_GENERATOR / ".installed"
        digest = _digest(GENERATOR_REQUIREMENTS)
        if not _stamped(stamp, digest):
            shutil.rmtree(PYTHON_GENERATOR, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(PYTHON_GENERATOR)])
            _run([str(PYTHON_GENERATOR / "bin" / "python"), "-m", "pip", "install", "--quiet",
                  "--disable-pip-version-check", "-r", str(GENERATOR_REQUIREMENTS)])
            stamp.write_text(digest)
    return PYTHON_GENERATOR / "bin"


def node_bin() -> Path:
    """``sdks/typescript/node_modules/.bin`` after ``npm ci`` (run when the lock file changed)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise ToolchainError("Node.js 20+ and npm are needed for the TypeScript SDK: install them first")
    with _locked():
        stamp = TYPESCRIPT / "node_modules" / ".hissuno-installed"
        digest = _digest(TYPESCRIPT / "package-lock.json")
        if not _stamped(stamp, digest):
            _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TYPESCRIPT)
            stamp.write_text(digest)
    return TYPESCRIPT / "node_modules" / ".bin"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamped(stamp: Path, digest: str) -> bool:
    return stamp.is_file() and stamp.read_text() == digest


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    TOOLS.mkdir(exist_ok=True)
    with (TOOLS / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _run(argv: list[str], cwd: Path | None = None) -> None:
    completed = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False)
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise ToolchainError(f"{' '.join(argv[:4])} failed ({completed.returncode}): {' | '.join(tail)}")
