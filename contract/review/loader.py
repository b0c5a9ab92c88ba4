"""Turn what the user passed as ``--base``/``--head`` into bundled documents.

Three kinds of input, tried in this order:

* nothing: the working tree's ``openapi/`` folder;
* an existing path: a folder holding the documents (or a checkout with an ``openapi/`` folder), or one
  document file (bundled with the ``components.yaml`` next to it, if any);
* anything else: a git ref; the ``openapi/`` folder at that commit is written to a temporary folder with
  ``git show REF:openapi/<file>`` and bundled from there.

Every failure becomes a :class:`ReviewInputError` with one line that names the input.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.review.model import ReviewInputError
from contract.spec import SHARED_FILE, bundle
from contract.yaml_reader import YamlError, parse_yaml

SPEC_FOLDER = "openapi"
_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Snapshot:
    """One side of the review: the documents as written and bundled, and where their files live."""

    label: str  # what the user passed ("origin/main", "working tree", "specs/v1.yaml")
    directory: Path  # a real folder holding the files (a temporary one for git refs)
    display_dir: str  # how reports name that folder ("openapi")
    raw: dict[str, dict[str, Any]]  # document name -> the YAML as written
    documents: dict[str, dict[str, Any]]  # document name -> bundled
    texts: dict[str, str]  # file name -> text, for line numbers in annotations
    single_file: bool = False  # the user named one document file, not a folder

    def file_of(self, name: str) -> str:
        """The file name of a document (``v1.yaml``)."""
        return next(file for file in self.texts if Path(file).stem == name and file != SHARED_FILE)

    def display_path(self, file: str) -> str:
        return f"{self.display_dir}/{file}" if self.display_dir not in ("", ".") else file


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return parse_yaml(text, where)
    except YamlError as error:
        raise ReviewInputError(str(error)) from None


def _document_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.suffix in _DOCUMENT_SUFFIXES and path.name != SHARED_FILE)


def _build(label: str, directory: Path, display_dir: str, files: list[Path]) -> Snapshot:
    """Read ``files`` (and the shared components beside them) and bundle each document."""
    shared_path = directory / SHARED_FILE
    texts: dict[str, str] = {}
    try:
        for path in [*files, shared_path] if shared_path.is_file() else files:
            texts[path.name] = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewInputError(
            f"{label}: cannot read {error.filename or 'a file'}: {error.strerror or error}"
        ) from None
    shared = _parse(texts[SHARED_FILE], f"{label}: {SHARED_FILE}") if SHARED_FILE in texts else {}
    raw, documents = {}, {}
    for path in files:
        document = _parse(texts[path.name], f"{label}: {path.name}")
        if "openapi" not in document:
            raise ReviewInputError(f"{label}: {path.name} is not an OpenAPI document (no `openapi` field)")
        try:
            documents[path.stem] = bundle(document, shared)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ReviewInputError(f"{label}: cannot bundle {path.name} ({error})") from None
        raw[path.stem] = document
    if not documents:
        raise ReviewInputError(f"{label}: no OpenAPI documents found")
    return Snapshot(label, directory, display_dir, raw, documents, texts)


def _from_path(spec: str, path: Path) -> Snapshot:
    if path.is_file():
        return dataclasses.replace(_build(spec, path.parent, str(path.parent), [path]), single_file=True)
    if not _document_files(path) and (path / SPEC_FOLDER).is_dir():
        path = path / SPEC_FOLDER
    return _build(spec, path, str(path), _document_files(path))


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except OSError as error:
        raise ReviewInputError(f"cannot run git: {error}") from None


def _spec_folder_in_repo(repo: Path) -> str:
    """The ``openapi/`` folder's path relative to the repository root (``openapi`` at the top level)."""
    top = _git(repo, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise ReviewInputError(f"{repo} is not a git repository, so a git ref cannot be resolved")
    root = Path(top.stdout.decode().strip()).resolve()
    try:
        return (repo.resolve() / SPEC_FOLDER).relative_to(root).as_posix()
    except ValueError:
        return SPEC_FOLDER


@contextmanager
def _from_git(ref: str, repo: Path) -> Iterator[Snapshot]:
    folder = _spec_folder_in_repo(repo)
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise ReviewInputError(f"unknown git ref or missing path: {ref!r}")
    listing = _git(repo, "ls-tree", "--name-only", f"{ref}:{folder}")
    if listing.returncode != 0:
        raise ReviewInputError(f"{ref}: there is no {folder}/ folder at that commit")
    names = [name for name in listing.stdout.decode().splitlines() if name.endswith(_DOCUMENT_SUFFIXES)]
    directory = Path(tempfile.mkdtemp(prefix="hissuno-review-"))
    try:
        for name in names:
            shown = _git(repo, "show", f"{ref}:{folder}/{name}")
            if shown.returncode != 0:
                raise ReviewInputError(f"{ref}: cannot read {folder}/{name}")
            (directory / name).write_bytes(shown.stdout)
        yield _build(ref, directory, folder, _document_files(directory))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def open_snapshot(spec: str | None, repo: Path) -> Iterator[Snapshot]:
    """The snapshot ``spec`` names (see the module docstring), valid inside the ``with`` block."""
    if spec is None:
        folder = repo / SPEC_FOLDER
        if not folder.is_dir():
            raise ReviewInputError(f"no {SPEC_FOLDER}/ folder in {repo} (pass --head or --repo)")
        yield _build("working tree", folder, SPEC_FOLDER, _document_files(folder))
        return
    path = Path(spec)
    if path.exists():
        yield _from_path(spec, path)
        return
    with _from_git(spec, repo) as snapshot:
        yield snapshot
