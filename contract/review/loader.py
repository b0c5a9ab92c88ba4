"""Turn what the user passed as ``--base``/``--head`` into bundled documents, keyed by the API each describes.

The kinds of input, tried in this order (as oasdiff reads its two arguments):

* nothing: the working tree's ``openapi/`` folder;
* an ``http(s)://`` URL: a served document (the mock's ``/v1/openapi.json``, a staging server's);
* an existing path: a folder holding the documents (or a checkout with an ``openapi/`` folder), or one
  document file (bundled with the ``components.yaml`` next to it, if any);
* ``REF:path``: one document file at a git ref (``origin/main:openapi/v1.yaml``);
* anything else: a git ref, whose ``openapi/`` folder is read with ``git show``.

Each document is keyed by the API it describes, read from its content (:func:`contract.apis.describe_api`),
never from its file name, and its paths are read through its first server's path (a document served with
``servers: [{url: /v1}]`` and ``/sessions`` compares with its source's ``/v1/sessions``). Every failure is a
:class:`ReviewInputError` with one line that names the input.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract.apis import describe_api, normalised, server_path
from contract.review.fetch import fetch
from contract.review.model import ReviewInputError
from contract.source import SourceFile, parse_source, version_problem
from contract.spec import SHARED_FILE, Bundle, bundle_sources

SPEC_FOLDER = "openapi"
_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
_STOPPING = {"document-too-large", "document-not-text", "document-empty", "yaml-syntax", "yaml-aliases",
             "document-not-openapi"}


@dataclass(frozen=True)
class SnapshotDocument:
    """One document of a snapshot: its file, what it was read as, and its bundle."""

    key: str  # the API it describes ("v1", "internal"), or its file's stem when it does not say
    api: str | None
    path: Path  # a real file (in a temporary folder for git refs and URLs)
    display: str  # how reports name the file ("openapi/v1.yaml")
    source: SourceFile
    bundle: Bundle
    prefix: str  # the server path moved into its paths ("" for none)


@dataclass(frozen=True)
class Snapshot:
    """One side of the review: its documents, keyed by API, bundled and normalised."""

    label: str  # what the user passed ("origin/main", "working tree", "specs/v1.yaml")
    directory: Path
    sources: dict[str, SnapshotDocument]
    shared: SourceFile | None = None
    single_file: bool = False  # the user named one document, not a folder
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> bundled, servers path in paths

    def __post_init__(self) -> None:
        self.documents.update({key: normalised(item.bundle.document) for key, item in self.sources.items()})


def _read(path: Path, display: str, label: str) -> SourceFile:
    try:
        source = parse_source(path.read_bytes(), display)
    except OSError as error:
        raise ReviewInputError(f"{label}: cannot read {display}: {error.strerror or error}") from None
    stopping = [problem for problem in source.problems if problem.rule_id in _STOPPING]
    if stopping:
        problem = stopping[0]
        raise ReviewInputError(f"{label}: {display}:{problem.line}:{problem.column}: {problem.message}")
    return source


def _document_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and path.suffix in _DOCUMENT_SUFFIXES and path.name != SHARED_FILE)


def _build(label: str, files: list[Path], display_dir: str, *, single_file: bool = False) -> Snapshot:
    """Read ``files`` (and the ``components.yaml`` beside them), bundle each and key it by its API."""
    if not files:
        raise ReviewInputError(f"{label}: no OpenAPI documents (*.yaml, *.yml, *.json) found")
    directory = files[0].parent
    shared_path = directory / SHARED_FILE
    shared = _read(shared_path, _display(display_dir, SHARED_FILE), label) if shared_path.is_file() else None
    sources: dict[str, SnapshotDocument] = {}
    for path in files:
        display = _display(display_dir, path.name)
        source = _read(path, display, label)
        problem = version_problem(source.data)
        if problem is not None:
            raise ReviewInputError(f"{label}: {display}: {problem}")
        api = describe_api(source.data)
        key = api or path.stem
        if key in sources:
            raise ReviewInputError(f"{label}: {sources[key].display} and {display} both describe the {key} API")
        bundled = bundle_sources(source.data, shared.data if shared is not None and shared.usable else {})
        sources[key] = SnapshotDocument(key, api, path, display, source, bundled, server_path(source.data))
    return Snapshot(label, directory, sources, shared, single_file)


def _display(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder not in ("", ".") else name


def _from_path(spec: str, path: Path) -> Snapshot:
    if path.is_file():
        return _build(spec, [path], str(path.parent), single_file=True)
    if not _document_files(path) and (path / SPEC_FOLDER).is_dir():
        path = path / SPEC_FOLDER
    return _build(spec, _document_files(path), str(path))


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except OSError as error:
        raise ReviewInputError(f"cannot run git: {error}") from None


def _repo_root(repo: Path) -> Path:
    top = _git(repo, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise ReviewInputError(f"{repo} is not a git repository, so a git ref cannot be resolved")
    return Path(top.stdout.decode().strip()).resolve()


def _spec_folder_in_repo(repo: Path) -> str:
    """The ``openapi/`` folder's path relative to the repository root (``openapi`` at the top level)."""
    try:
        return (repo.resolve() / SPEC_FOLDER).relative_to(_repo_root(repo)).as_posix()
    except ValueError:
        return SPEC_FOLDER


def _verify_ref(repo: Path, ref: str) -> None:
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise ReviewInputError(f"unknown git ref or missing path: {ref!r}")


def _show(repo: Path, ref: str, path: str, target: Path) -> bool:
    shown = _git(repo, "show", f"{ref}:{path}")
    if shown.returncode == 0:
        target.write_bytes(shown.stdout)
    return shown.returncode == 0


@contextmanager
def _temporary_folder() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="hissuno-review-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _from_git(ref: str, repo: Path) -> Iterator[Snapshot]:
    folder = _spec_folder_in_repo(repo)
    _verify_ref(repo, ref)
    listing = _git(repo, "ls-tree", "--name-only", f"{ref}:{folder}")
    if listing.returncode != 0:
        raise ReviewInputError(f"{ref}: there is no {folder}/ folder at that commit")
    names = [name for name in listing.stdout.decode().splitlines() if name.endswith(_DOCUMENT_SUFFIXES)]
    with _temporary_folder() as directory:
        for name in names:
            if not _show(repo, ref, f"{folder}/{name}", directory / name):
                raise ReviewInputError(f"{ref}: cannot read {folder}/{name}")
        yield _build(ref, _document_files(directory), folder)


@contextmanager
def _from_git_file(spec: str, repo: Path) -> Iterator[Snapshot]:
    """``REF:path``: one document at a git ref, with the ``components.yaml`` beside it at that ref."""
    ref, _, path = spec.partition(":")
    _verify_ref(repo, ref)
    with _temporary_folder() as directory:
        target = directory / Path(path).name
        if not _show(repo, ref, path, target):
            raise ReviewInputError(f"{ref}: there is no {path} at that commit")
        _show(repo, ref, (Path(path).parent / SHARED_FILE).as_posix(), directory / SHARED_FILE)
        yield _build(spec, [target], f"{ref}:{Path(path).parent.as_posix()}", single_file=True)


@contextmanager
def _from_url(url: str) -> Iterator[Snapshot]:
    with _temporary_folder() as directory:
        name = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        target = directory / (name if name.endswith(_DOCUMENT_SUFFIXES) else "openapi.json")
        target.write_bytes(fetch(url))
        yield _build(url, [target], url.rsplit("/", 1)[0], single_file=True)


@contextmanager
def open_snapshot(spec: str | None, repo: Path) -> Iterator[Snapshot]:
    """The snapshot ``spec`` names (see the module docstring), valid inside the ``with`` block."""
    if spec is None:
        folder = repo / SPEC_FOLDER
        if not folder.is_dir():
            raise ReviewInputError(f"no {SPEC_FOLDER}/ folder in {repo} (pass --head or --repo)")
        yield _build("working tree", _document_files(folder), SPEC_FOLDER)
        return
    if spec.startswith(("http://", "https://")):
        with _from_url(spec) as snapshot:
            yield snapshot
        return
    path = Path(spec)
    if path.exists():
        yield _from_path(spec, path)
        return
    opener = _from_git_file if ":" in spec and not spec.endswith(":") else _from_git
    with opener(spec, repo) as snapshot:
        yield snapshot
