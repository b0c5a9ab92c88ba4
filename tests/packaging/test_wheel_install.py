"""`pip install` of the wheel into a fresh virtualenv outside the repository gives working commands.

The wheel is built from the working tree, installed (with its dependencies from the package index, pip's cache
making it quick) into a virtualenv under pytest's tmp_path without system site-packages, and every command runs
with a working directory outside the repository and without PYTHONPATH: so the code, the OpenAPI documents and the
fixtures can only come from the virtualenv's site-packages. Python 3.11 is the floor (``requires-python``); the
newest other interpreter found on this machine (3.12 or later) gets the same install and smoke checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.servers import live_mock

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT_S = 600
PYENV_VERSIONS = Path.home() / ".pyenv" / "versions"


@dataclass(frozen=True)
class Installed:
    """A fresh virtualenv with the wheel installed, and a scratch folder outside the repository to run in."""

    bin: Path
    cwd: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return env

    def run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / argv[0]), *argv[1:]],
            cwd=self.cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def newer_interpreters() -> list[str]:
    """The newest working Python >= 3.12 on this machine other than the one running the tests (at most one)."""
    for minor in range(19, 11, -1):
        if (3, minor) == sys.version_info[:2]:
            continue
        for candidate in (shutil.which(f"python3.{minor}"), *sorted(PYENV_VERSIONS.glob(f"3.{minor}.*/bin/python"))):
            if candidate and _runs(str(candidate), minor):
                return [str(candidate)]
    return []


def _runs(python: str, minor: int) -> bool:
    """A pyenv shim may exist for a version that is not active: only an interpreter that answers counts."""
    try:
        completed = subprocess.run([python, "-c", "import sys, venv; print(sys.version_info[1])"],
                                   capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return False
    return completed.returncode == 0 and completed.stdout.strip() == str(minor)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(REPO)],
        check=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    (built,) = dist.glob("hissuno_contract-*.whl")
    return built


@pytest.fixture(scope="module", params=[sys.executable, *newer_interpreters()], ids=lambda p: Path(p).name)
def installed(request: pytest.FixtureRequest, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("fresh")
    venv = base / "venv"
    subprocess.run([request.param, "-m", "venv", str(venv)], check=True, timeout=120)
    started = time.monotonic()
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)],
        check=True,
        timeout=INSTALL_TIMEOUT_S,
        cwd=base,
    )
    print(f"installed the wheel with its dependencies in {time.monotonic() - started:.1f} s")
    cwd = base / "elsewhere"
    cwd.mkdir()
    return Installed(venv / "bin", cwd)


def test_wheel_declares_python_311_or_newer(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    assert re.search(r"^Requires-Python: >=3\.11$", text, re.MULTILINE)


def test_fresh_venv_sees_no_repository_or_system_packages(installed: Installed) -> None:
    script = f"import sys; print(sys.prefix, sys.base_prefix, any(p.startswith({str(REPO)!r}) for p in sys.path))"
    result = installed.run("python", "-c", script)
    prefix, base_prefix, repo_on_path = result.stdout.split()
    assert Path(prefix) == installed.bin.parent
    assert prefix != base_prefix
    assert repo_on_path == "False"
    cfg = (installed.bin.parent / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg


def test_code_spec_and_fixtures_come_from_site_packages(installed: Installed) -> None:
    script = (
        "import json, contract.spec as s, mockserver.settings as m;"
        "print(json.dumps({'code': s.__file__, 'spec': str(s.spec_dir()), 'fixtures': str(m.default_fixtures())}))"
    )
    result = installed.run("python", "-c", script)
    assert result.returncode == 0, result.stderr
    paths = {name: Path(value) for name, value in json.loads(result.stdout).items()}
    venv = installed.bin.parent
    for name, path in paths.items():
        assert path.is_relative_to(venv), f"{name} comes from {path}, not from the virtualenv"
        assert "site-packages" in path.parts
    for document in ("components.yaml", "internal.yaml", "v1.yaml"):
        assert (paths["spec"] / document).is_file()
    assert paths["fixtures"].is_file()


def test_keys_json_lists_the_fixture_keys(installed: Installed) -> None:
    result = installed.run("hissuno-mock", "keys", "--json")
    assert result.returncode == 0, result.stderr
    keys = json.loads(result.stdout)
    assert keys and all(str(key["key"]).startswith("hss_") for key in keys)
    assert {key["status"] for key in keys} >= {"active", "revoked", "expired"}
    assert {key["permission"] for key in keys} >= {"read-only", "standard", "full"}


def test_conformance_command_runs(installed: Installed) -> None:
    result = installed.run("hissuno-conformance", "--help")
    assert result.returncode == 0, result.stderr
    assert "run" in result.stdout


def test_contract_lint_reads_the_packaged_spec(installed: Installed) -> None:
    result = installed.run("hissuno-contract", "lint")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def served(installed: Installed) -> Iterator[str]:
    command = [str(installed.bin / "hissuno-mock"), "serve"]
    with live_mock(command=command, log_level=None, env=installed.env(), cwd=installed.cwd) as mock:
        yield mock.base_url


def test_installed_mock_serves_the_contract(served: str) -> None:
    keys = httpx.get(f"{served}/__mock/keys", timeout=5).json()
    key = next(k["key"] for k in keys if k["status"] == "active" and k["permission"] == "full")
    response = httpx.get(f"{served}/v1/sessions", params={"limit": 2}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    page = response.json()
    assert len(page["data"]) == 2 and page["total"] >= 2
    assert httpx.get(f"{served}/v1/sessions", timeout=5).status_code == 401
