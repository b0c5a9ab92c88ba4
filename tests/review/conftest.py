"""Shared helpers for the spec-review tests: our own spec, copied and mutated."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contract.spec import load_bundled, spec_dir
from tests.review.repo_helpers import git

Document = dict[str, Any]


@pytest.fixture(scope="session")
def v1_spec() -> Document:
    """The bundled /v1 document (read-only: tests mutate deep copies)."""
    return load_bundled("v1")


@pytest.fixture(scope="session")
def internal_spec() -> Document:
    return load_bundled("internal")


@pytest.fixture
def mutated(v1_spec: Document) -> Callable[[Callable[[Document], object]], Document]:
    """``mutated(change)``: a deep copy of the /v1 document with ``change`` applied."""

    def apply(change: Callable[[Document], object]) -> Document:
        head = copy.deepcopy(v1_spec)
        change(head)
        return head

    return apply


def contract_version(name: str) -> str:
    """The contract's own ``info.version`` of a document (the base every test's bump is measured from)."""
    return str(load_bundled(name)["info"]["version"])


def bumped(version: str, part: str) -> str:
    """``version`` after a ``major``, ``minor`` or ``patch`` bump."""
    major, minor, patch = (int(number) for number in version.split("."))
    after = {"major": (major + 1, 0, 0), "minor": (major, minor + 1, 0), "patch": (major, minor, patch + 1)}[part]
    return ".".join(str(number) for number in after)


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    """A copy of the ``openapi/`` folder to edit as YAML."""
    target = tmp_path / "head" / "openapi"
    shutil.copytree(spec_dir(), target)
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit is a README and whose second adds our openapi/ folder."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("spec lives in openapi/\n")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "start")
    shutil.copytree(spec_dir(), root / "openapi")
    git(root, "add", "openapi")
    git(root, "commit", "-q", "-m", "contract")
    return root
