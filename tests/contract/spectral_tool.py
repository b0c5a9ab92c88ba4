"""Stoplight Spectral for the peer test: installed with ``npm ci`` from the committed lock file, run once over
many files, its JSON findings read back.

Imported by name (pytest puts this folder on ``sys.path``). The install happens on first use and again when
the lock file changes (a stamp holds its hash); a file lock keeps parallel test workers from racing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

TOOL = Path(__file__).parent / "spectral"
RULESET = TOOL / ".spectral.yaml"
INSTALL_TIMEOUT_S = 600
RUN_TIMEOUT_S = 300


class SpectralUnavailable(RuntimeError):
    """npm is missing or the install failed; the message says what to do."""


@dataclass(frozen=True)
class SpectralFinding:
    code: str
    severity: int  # 0 error, 1 warning, 2 info, 3 hint
    source: str | None  # the file, when Spectral knows it
    line: int | None  # 1-based; None when Spectral could not place it (it reports 0:0)
    path: tuple[str, ...]
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == 0


def spectral_binary() -> Path:
    """``node_modules/.bin/spectral`` after ``npm ci`` (run when the lock file changed)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SpectralUnavailable("Node.js 20+ and npm are needed for the Spectral peer test: install them first")
    with _locked():
        stamp = TOOL / "node_modules" / ".hissuno-installed"
        digest = hashlib.sha256((TOOL / "package-lock.json").read_bytes()).hexdigest()
        if not (stamp.is_file() and stamp.read_text() == digest):
            completed = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOL,
                                       capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False)
            if completed.returncode != 0:
                raise SpectralUnavailable(f"npm ci in {TOOL} failed: {completed.stderr.strip()[-1000:]}")
            stamp.write_text(digest)
    return TOOL / "node_modules" / ".bin" / "spectral"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    with (TOOL / ".install.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def run_spectral(files: Sequence[Path]) -> list[SpectralFinding]:
    """Spectral's ``spectral:oas`` findings for ``files``, from one run."""
    completed = subprocess.run(
        [str(spectral_binary()), "lint", "--ruleset", str(RULESET), "--format", "json", "--quiet",
         *(str(path) for path in files)],
        capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
    )
    if completed.returncode not in (0, 1):  # 1: it found errors
        raise RuntimeError(f"spectral exited {completed.returncode}: {completed.stderr.strip()[-1000:]}")
    return [_finding(entry) for entry in json.loads(completed.stdout or "[]")]


def _finding(entry: dict) -> SpectralFinding:
    start = entry.get("range", {}).get("start", {})
    end = entry.get("range", {}).get("end", {})
    unplaced = start.get("line", 0) == 0 and end.get("line", 0) == 0 and start.get("character", 0) <= 0
    return SpectralFinding(
        code=entry["code"],
        severity=entry["severity"],
        source=entry.get("source"),
        line=None if unplaced else start["line"] + 1,
        path=tuple(str(part) for part in entry.get("path", [])),
        message=entry["message"],
    )
