"""Lint documents: read each file and the ``components.yaml`` beside it, bundle, run every rule, place each
finding on its file, line and column. Never raises for what a file holds; only unusable input does.

Unusable input (a path that does not exist, a folder without documents) is a :class:`LintInputError`,
which the command reports in one line with exit code 2; everything a file holds is a finding (exit 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from contract.findings import Finding, Level
from contract.lint import house, openapi, structure  # noqa: F401  (the rules declare themselves on import)
from contract.lint.config import LintConfig
from contract.lint.rules import DOCUMENT_NOT_OPENAPI, RULE_FAILED, RULES, LintRule
from contract.pointer import split
from contract.positions import Locator, node_position
from contract.source import SourceFile, read_source, version_problem
from contract.spec import DOCUMENTS, SHARED_FILE, Bundle, bundle_sources, refs, spec_dir

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
SPEC_FOLDER = "openapi"
_GATE = "openapi-spec-validator"  # runs only when the other OpenAPI rules found nothing (see .structure)


class LintInputError(Exception):
    """Input the lint cannot start on; the message is one line."""


@dataclass(frozen=True)
class DocumentFile:
    """One document to lint: how findings name it, where it is, how reports show its path."""

    name: str
    path: Path
    display: str


def document_files(target: Path) -> list[DocumentFile]:
    """The documents a path names: a file, a folder's documents (``components.yaml`` aside), or those of the
    ``openapi/`` folder of a checkout."""
    if target.is_file():
        return [DocumentFile(target.stem, target, str(target))]
    if not target.is_dir():
        raise LintInputError(f"{target}: no such file or folder")
    files = _documents_in(target)
    if not files and (target / SPEC_FOLDER).is_dir():
        files = _documents_in(target / SPEC_FOLDER)
    if not files:
        raise LintInputError(f"{target}: no OpenAPI documents (*.yaml, *.yml, *.json) in this folder")
    return [DocumentFile(path.stem, path, str(path)) for path in files]


def _documents_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and path.suffix in DOCUMENT_SUFFIXES and path.name != SHARED_FILE)


class Linter:
    """Lints documents with one configuration, reading each shared ``components.yaml`` once."""

    def __init__(self, config: LintConfig | None = None) -> None:
        self.config = config or LintConfig()
        self._shared: dict[Path, SourceFile | None] = {}

    def lint(self, documents: Iterable[DocumentFile]) -> list[Finding]:
        """Every finding of every document, in file and line order, each reported once."""
        found: dict[tuple[object, ...], Finding] = {}
        for document in documents:
            for finding in self.lint_one(document):
                key = (finding.rule_id, finding.file, finding.line, finding.column, finding.pointer, finding.message)
                found.setdefault(key, finding)
        return sorted(found.values(), key=lambda f: (f.file or "", f.line or 0, f.column or 0, f.rule_id))

    def lint_one(self, document: DocumentFile) -> list[Finding]:
        try:
            source = read_source(document.path, document.display)
        except OSError as error:
            raise LintInputError(f"{document.display}: cannot read it ({error.strerror or error})") from None
        findings = self._source_findings(document.name, source)
        if not source.usable:
            return findings
        problem = version_problem(source.data)
        if problem is not None:
            line, column = node_position(source.root, ["openapi"])
            return [*findings, self._finding(DOCUMENT_NOT_OPENAPI, document.name, "/openapi", problem,
                                             document.display, line or 1, column or 1)]
        shared = self._shared_file(document) if _uses_shared(source.data) else None
        if shared is not None:
            findings += self._source_findings(document.name, shared)
        shared_data = shared.data if shared is not None and shared.usable else {}
        bundle = bundle_sources(source.data, shared_data)
        missing = self._missing_shared(document, source, shared)
        unreachable = {f"{where}/$ref" for where, ref in refs(source.data) if ref.startswith(SHARED_FILE)}
        findings += missing
        locate = Locator(bundle, source, shared)
        for finding in self.run_rules(document.name, bundle):
            if missing and finding.rule_id == "invalid-ref" and finding.pointer in unreachable:
                continue  # said once: the file is missing
            position = locate(finding.pointer)
            findings.append(replace(finding, file=position.file, line=position.line, column=position.column))
        return findings

    def run_rules(self, name: str, bundle: Bundle) -> list[Finding]:
        """Every rule on one bundle, at its configured level; a rule that breaks is one finding."""
        findings: list[Finding] = []
        for lint_rule in sorted(RULES, key=_run_order):
            level = self.config.level(lint_rule.name)
            if lint_rule.family == "source" or level is None:
                continue
            if lint_rule.name == _GATE and any(f.level is Level.ERROR and _family(f) == "openapi" for f in findings):
                continue
            findings += self._run(lint_rule, level, name, bundle.document)
        return findings

    def _run(self, lint_rule: LintRule, level: Level, name: str, document: dict[str, Any]) -> list[Finding]:
        try:
            return [Finding(lint_rule.name, level, name, where, message)
                    for where, message in lint_rule.places(document)]
        except Exception as error:  # a rule that cannot finish: a finding, never a traceback
            message = f"{lint_rule.name} could not finish ({type(error).__name__}: {error})"[:300]
            return [Finding(RULE_FAILED.name, Level.ERROR, name, "/", message)]

    def _shared_file(self, document: DocumentFile) -> SourceFile | None:
        """The ``components.yaml`` beside a document, named as the document's file is named."""
        path = document.path.parent / SHARED_FILE
        if path not in self._shared:
            display = str(PurePosixPath(document.display).with_name(SHARED_FILE))
            try:
                self._shared[path] = read_source(path, display) if path.is_file() else None
            except OSError as error:
                raise LintInputError(f"{path}: cannot read it ({error.strerror or error})") from None
        return self._shared[path]

    def _source_findings(self, name: str, source: SourceFile) -> list[Finding]:
        return [self._finding(RULES[problem.rule_id], name, "/", problem.message, source.display, problem.line,
                              problem.column) for problem in source.problems
                if self.config.level(problem.rule_id) is not None]

    def _missing_shared(self, document: DocumentFile, source: SourceFile, shared: SourceFile | None) -> list[Finding]:
        """One ``invalid-ref`` finding when the document refers to a ``components.yaml`` that is not there."""
        if shared is not None or not _uses_shared(source.data):
            return []
        where = next(where for where, ref in refs(source.data) if ref.startswith(SHARED_FILE))
        line, column = node_position(source.root, [*split(where), "$ref"])
        message = f"the document refers to {SHARED_FILE}, which is not in {document.path.parent}"
        return [self._finding(RULES["invalid-ref"], document.name, f"{where}/$ref", message, source.display,
                              line, column)]

    def _finding(self, lint_rule: LintRule, name: str, where: str, message: str, file: str, line: int | None,
                 column: int | None) -> Finding:
        level = self.config.level(lint_rule.name) or Level.ERROR
        return Finding(lint_rule.name, level, name, where, message, file=file, line=line, column=column)


def _run_order(lint_rule: LintRule) -> int:
    """OpenAPI rules, then house rules, then the gate (it needs to know whether the others found anything)."""
    return 2 if lint_rule.name == _GATE else {"source": 0, "openapi": 0, "house": 1}[lint_rule.family]


def _family(finding: Finding) -> str:
    return RULES[finding.rule_id].family if finding.rule_id in RULES else "source"


def _uses_shared(data: Any) -> bool:
    return any(ref.startswith(SHARED_FILE) for _, ref in refs(data))


def lint_paths(targets: Sequence[Path], config: LintConfig | None = None) -> list[Finding]:
    """Lint the documents the paths name (see :func:`document_files`)."""
    documents = [document for target in targets for document in document_files(target)]
    return Linter(config).lint(documents)


def lint_documents(directory: Path | None = None, names: tuple[str, ...] = DOCUMENTS,
                   config: LintConfig | None = None) -> list[Finding]:
    """Findings for the named documents of a folder (the contract's ``openapi/`` by default)."""
    directory = directory or spec_dir()
    documents = [DocumentFile(name, directory / f"{name}.yaml", str(directory / f"{name}.yaml")) for name in names]
    return Linter(config).lint(documents)
