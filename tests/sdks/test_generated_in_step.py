"""The generated code stays in step with the contract: regenerating gives exactly what is committed, the package
versions are ``info.version``, both SDKs pass their strict type checks, and a breaking change to the contract
makes both type checks fail."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sdks import generate
from tests.sdks.sdk_files import BUNDLE, SDKS, TYPESCRIPT

PYTHON = SDKS / "python"
TESTS = Path(__file__).resolve().parent
SUPPORT = TESTS.parent / "support"


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, between two files or trees."""
    if left.is_file() or right.is_file():
        same = left.is_file() and right.is_file() and filecmp.cmp(left, right, shallow=False)
        return [] if same else [str(right)]
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [str(right / name) for name in comparison.left_only + comparison.right_only + comparison.diff_files]
    found += [str(right / name) for name in comparison.funny_files]
    for name in comparison.common_dirs:
        found += differences(left / name, right / name)
    return found


def test_regenerating_gives_exactly_the_committed_code(tmp_path: Path) -> None:
    generate.generate(tmp_path)
    stale = [path for relative in generate.GENERATED for path in differences(tmp_path / relative, SDKS / relative)]
    assert stale == [], f"the generated SDK code is out of step with the contract: run `make sdk` ({stale[:5]})"


def test_package_versions_are_the_contract_s_info_version() -> None:
    version = json.loads(BUNDLE.read_text())["info"]["version"]
    package = json.loads((TYPESCRIPT / "package.json").read_text())
    lock = json.loads((TYPESCRIPT / "package-lock.json").read_text())
    assert package["version"] == lock["version"] == lock["packages"][""]["version"] == version
    import hissuno

    assert hissuno.__version__ == version


def run_mypy(python_root: Path, tests: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """mypy --strict (the SDK's own configuration) on the SDK and its proofs; the harness they import
    (``tests.support``, ``sdks.generate``) is read for its types, its own findings left to the repository's lint."""
    argv = [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--follow-imports", "silent", "src/hissuno",
            str(tests)]
    return subprocess.run(argv, cwd=python_root, capture_output=True, text=True, timeout=300, check=False)


def run_tsc(typescript_root: Path, node_bin: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(node_bin / "tsc"), "-p", "tsconfig.test.json", "--noEmit"], cwd=typescript_root,
                          capture_output=True, text=True, timeout=300, check=False)


def test_python_sdk_and_its_proofs_pass_mypy_strict(tmp_path: Path) -> None:
    completed = run_mypy(PYTHON, TESTS, tmp_path / "mypy-cache")
    assert completed.returncode == 0, completed.stdout


def test_typescript_sdk_and_its_proofs_pass_tsc_strict(typescript_tests: Path) -> None:
    """``typescript_tests`` compiled the SDK and its proofs with ``tsconfig.test.json``, which extends this."""
    assert json.loads((TYPESCRIPT / "tsconfig.json").read_text())["compilerOptions"]["strict"] is True
    assert (typescript_tests / "live.test.js").is_file()


def without_session_id(document: dict[str, Any]) -> dict[str, Any]:
    """A breaking change: sessions lose their ``id``."""
    session = document["components"]["schemas"]["Session"]
    del session["properties"]["id"]
    session["required"].remove("id")
    return document


@pytest.fixture(scope="module")
def broken_sdks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of both SDKs and their proofs, with the generated code regenerated from the broken contract."""
    root = tmp_path_factory.mktemp("broken-contract")
    generated = root / "generated"
    generate.generate(generated, without_session_id(json.loads(BUNDLE.read_text())))
    shutil.copytree(PYTHON / "src", root / "python" / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYTHON / "pyproject.toml", root / "python")
    for package in (TESTS, SUPPORT):  # the proofs, and the harness they import, as the package ``tests``
        shutil.copytree(package, root / "tests" / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(TESTS.parent / "__init__.py", root / "tests")
    for name in ("src", "test"):
        shutil.copytree(TYPESCRIPT / name, root / "typescript" / name)
    for name in ("tsconfig.json", "tsconfig.test.json", "package.json"):
        shutil.copy(TYPESCRIPT / name, root / "typescript")
    (root / "typescript" / "node_modules").symlink_to(TYPESCRIPT / "node_modules")
    for relative in (generate.PYTHON_PACKAGE, generate.TYPESCRIPT_TYPES):
        generate.replace(generated / relative, root / relative)
    return root


def test_a_breaking_contract_change_fails_mypy(broken_sdks: Path) -> None:
    completed = run_mypy(broken_sdks / "python", broken_sdks / "tests" / TESTS.name, broken_sdks / "mypy-cache")
    assert completed.returncode == 1, completed.stdout
    assert '"Session" has no attribute "id"' in completed.stdout, completed.stdout


def test_a_breaking_contract_change_fails_tsc(broken_sdks: Path, node_bin: Path) -> None:
    completed = run_tsc(broken_sdks / "typescript", node_bin)
    assert completed.returncode != 0, completed.stdout
    assert "Property 'id' does not exist" in completed.stdout, completed.stdout
