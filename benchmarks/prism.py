"""Stoplight Prism, the baseline: installed locally with npm and started on our own bundled /v1 document.

Prism reads one self-contained file, so the benchmark writes ``contract.spec.load_bundled("v1")`` as JSON
into the work folder. It serves the spec's examples (static) or schema-generated data (``--dynamic``); for
``bearerAuth`` it only checks that an ``Authorization: Bearer`` header is present, and it validates the
request. It logs every request at its default level, so it runs at ``warn``, like the mock's quiet default.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from contract.spec import load_bundled

PRISM_PACKAGE = "@stoplight/prism-cli@5.16.0"


class PrismUnavailable(RuntimeError):
    """npm is missing or the install failed; the message says how to fix it."""


def prism_binary(work_dir: Path) -> Path:
    return work_dir / "node_modules" / ".bin" / "prism"


def ensure_prism(work_dir: Path) -> Path:
    """Install Prism into ``work_dir/node_modules`` once; return its executable."""
    binary = prism_binary(work_dir)
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        raise PrismUnavailable("npm is not installed: install Node.js 20 or newer to benchmark against Prism")
    work_dir.mkdir(parents=True, exist_ok=True)
    package_json = work_dir / "package.json"
    if not package_json.exists():
        package_json.write_text('{"private": true}\n')
    completed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", PRISM_PACKAGE],
        cwd=work_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not binary.exists():
        raise PrismUnavailable(f"npm install {PRISM_PACKAGE} failed: {completed.stderr.strip()[-1500:]}")
    return binary


def write_spec(work_dir: Path, document: str = "v1") -> Path:
    """The bundled document as one JSON file Prism can read."""
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"{document}.bundled.json"
    path.write_text(json.dumps(load_bundled(document)))
    return path


def prism_argv(binary: Path, spec: Path, port: int, *, dynamic: bool, host: str = "127.0.0.1") -> list[str]:
    argv = [str(binary), "mock", "-h", host, "-p", str(port), "-v", "warn"]
    if dynamic:
        argv.append("--dynamic")
    return [*argv, str(spec)]
