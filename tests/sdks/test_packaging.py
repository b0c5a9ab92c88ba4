"""Each SDK as a user gets it: ``npm pack`` and a wheel, installed into a clean folder outside the repository (its
dependencies from the registries), running its five-line quickstart against the mock."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.sdks.sdk_files import REPO, SDKS, TYPESCRIPT
from tests.support.servers import LiveMock

pytestmark = pytest.mark.slow
INSTALL_TIMEOUT_S = 600
SESSION_LINE = re.compile(r"^sess_[a-z0-9]+ [a-z_]+$")


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    completed = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S,
                               check=False)
    assert completed.returncode == 0, f"{' '.join(argv)}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


def clean_env(mock: LiveMock) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NODE_PATH")}
    return {**env, "HISSUNO_API_KEY": mock.keys.labelled("work-standard"), "HISSUNO_BASE_URL": mock.base_url}


def sessions_in_project(mock: LiveMock) -> int:
    answer = httpx.get(f"{mock.base_url}/v1/sessions", params={"limit": 1},
                       headers={"Authorization": f"Bearer {mock.keys.labelled('work-standard')}"}, timeout=10)
    return int(answer.json()["total"])


def assert_lists_every_session(output: str, mock: LiveMock) -> None:
    lines = output.splitlines()
    assert lines and all(SESSION_LINE.match(line) for line in lines), output[:500]
    assert len(lines) == sessions_in_project(mock)


def test_npm_pack_installs_and_runs_outside_the_repository(tmp_path: Path, node_bin: Path, mock: LiveMock) -> None:
    npm = shutil.which("npm")
    assert npm is not None
    run([npm, "pack", "--pack-destination", str(tmp_path), "--loglevel=error"], TYPESCRIPT)
    (tarball,) = tmp_path.glob("hissuno-sdk-*.tgz")
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "package/dist/index.js" in names and "package/dist/index.d.ts" in names
    assert not [name for name in names if "/test/" in name or (name.endswith(".ts") and not name.endswith(".d.ts"))]
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "app", "private": True, "type": "module"}))
    run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", str(tarball)], app)
    shutil.copy(TYPESCRIPT / "examples" / "quickstart.mjs", app)
    assert not app.is_relative_to(REPO)
    assert_lists_every_session(run(["node", "quickstart.mjs"], app, clean_env(mock)), mock)


def test_wheel_installs_and_runs_outside_the_repository(tmp_path: Path, mock: LiveMock) -> None:
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path),
         str(SDKS / "python")], tmp_path)
    (wheel,) = tmp_path.glob("hissuno-*.whl")
    version = json.loads((SDKS / "v1.json").read_text())["info"]["version"]
    assert wheel.name.startswith(f"hissuno-{version}-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "hissuno/v1/api/sessions/list_sessions.py" in names and "hissuno/py.typed" in names
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
         "--disable-pip-version-check", str(wheel)], tmp_path)
    app = tmp_path / "app"
    app.mkdir()
    shutil.copy(SDKS / "python" / "examples" / "quickstart.py", app)
    output = run([str(venv / "bin" / "python"), "quickstart.py"], app, clean_env(mock))
    assert_lists_every_session(output, mock)
