"""Stoplight Spectral (``spectral:oas``) as a peer: every error-level finding it makes, on our documents and on
the broken-document corpus, must have a matching finding of our lint.

A Spectral error matches one of ours when our rule is one Spectral's rule maps to (:data:`SAME_RULE`) and both
point at the same line of the same file, or Spectral could not place it (it says ``0:0``) and ours is in the
same document or its ``components.yaml``. A file that does not parse is one finding of ours (``yaml-syntax``,
``document-not-text``...): Spectral lints what it recovers of such a file, and all of that matches it.

Spectral runs once over every file (one ``node`` start-up). The alias bomb is left out: Spectral expands the
aliases and does not finish in minutes (our lint stops at 5,000,000 nodes).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from contract.bundle import published, render
from contract.findings import Finding, Level
from contract.lint.config import load_config
from contract.lint.rules import RULES
from contract.lint.runner import lint_paths
from contract.spec import DOCUMENTS, spec_dir
from tests.contract.corpus_cases import SETTINGS, Case, committed_cases, write_huge_document
from tests.contract.spectral_tool import SpectralFinding, run_spectral

SAME_RULE: dict[str, frozenset[str]] = {
    "parser": frozenset({"yaml-syntax", "yaml-duplicate-key", "document-not-text", "document-empty"}),
    "oas3-schema": frozenset({"oas3-schema", "document-not-openapi"}),
    "invalid-ref": frozenset({"invalid-ref"}),
    "path-params": frozenset({"path-params"}),
    "operation-operationId-unique": frozenset({"operation-operationId-unique"}),
    "openapi-tags-uniqueness": frozenset({"openapi-tags-uniqueness"}),
    "no-$ref-siblings": frozenset({"no-$ref-siblings"}),
    "array-items": frozenset({"array-items"}),
    "oas3-server-variables": frozenset({"oas3-server-variables"}),
    "oas3-valid-media-example": frozenset({"examples-valid", "nullable-requires-type"}),
    "oas3-valid-schema-example": frozenset({"oas3-valid-schema-example", "nullable-requires-type"}),
}
SPECTRAL_DOES_NOT_FINISH = {"alias-bomb.yaml"}
UNPARSED = frozenset(rule.name for rule in RULES if rule.family == "source")


def _files(case: Case) -> set[str]:
    return {str(path) for path in case.path.iterdir()} if case.path.is_dir() else {str(case.path)}


def unmatched(theirs: Iterable[SpectralFinding], ours: list[Finding], files: set[str]) -> list[SpectralFinding]:
    """Spectral's error findings in ``files`` that no finding of ours matches."""
    missing = []
    for finding in theirs:
        if not finding.is_error or finding.source not in files:
            continue
        same_file = [o for o in ours if o.file == finding.source]
        if any(o.rule_id in UNPARSED for o in same_file):
            continue  # the file does not parse: said once, by us
        candidates = [o for o in ours if o.rule_id in SAME_RULE.get(finding.code, ())]
        if finding.line is None and candidates:
            continue
        if not any(o.file == finding.source and o.line == finding.line for o in candidates):
            missing.append(finding)
    return missing


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    huge = write_huge_document(tmp_path_factory.mktemp("huge") / "huge-10mb.yaml")
    return [case for case in committed_cases() if case.name not in SPECTRAL_DOES_NOT_FINISH] + [huge]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """What ``hissuno-contract bundle`` writes: each API as 3.0 JSON, and /v1 as 3.1 YAML."""
    folder = tmp_path_factory.mktemp("bundles")
    written = []
    for name, version, suffix in [*((name, "3.0", "json") for name in DOCUMENTS), ("v1", "3.1", "yaml")]:
        path = folder / f"{name}-{version}.{suffix}"
        path.write_text(render(published(spec_dir() / f"{name}.yaml", version), suffix), encoding="utf-8")
        written.append(path)
    return written


@pytest.fixture(scope="module")
def spectral_on_everything(corpus: list[Case], bundles: list[Path]) -> list[SpectralFinding]:
    """One Spectral run over the corpus, our own documents and their bundles."""
    ours = [spec_dir() / f"{name}.yaml" for name in DOCUMENTS]
    return run_spectral([case.document for case in corpus] + ours + bundles)


@pytest.mark.slow
def test_our_documents_are_clean_for_spectral_and_for_us(spectral_on_everything: list[SpectralFinding]) -> None:
    files = {str(spec_dir() / name) for name in ("v1.yaml", "internal.yaml", "components.yaml")}
    theirs = [f for f in spectral_on_everything if f.source in files]
    assert [f for f in theirs if f.is_error] == []
    assert theirs, "Spectral said nothing at all about our documents: did it read them?"  # its warnings


@pytest.mark.slow
def test_the_bundles_are_clean_for_spectral(bundles: list[Path], spectral_on_everything: list[SpectralFinding]) -> None:
    files = {str(path) for path in bundles}
    assert [f for f in spectral_on_everything if f.source in files and f.is_error] == []
    assert {f.source for f in spectral_on_everything if f.source in files} == files  # each read (its warnings)


@pytest.mark.slow
def test_every_spectral_error_on_the_corpus_is_one_of_ours(
    corpus: list[Case], spectral_on_everything: list[SpectralFinding]
) -> None:
    settings = load_config(SETTINGS)
    missing = {}
    for case in corpus:
        ours = lint_paths([case.path], settings)
        left = unmatched(spectral_on_everything, ours, _files(case))
        if left:
            missing[case.name] = [(f.code, f.line, f.message) for f in left]
    assert missing == {}
    errors = [f for f in spectral_on_everything if f.is_error]
    assert len({f.source for f in errors}) >= 30, "Spectral found errors in too few cases: did it read them?"


def test_the_matching_is_strict_enough_to_fail() -> None:
    """A Spectral error on a line where we found nothing, or under an unrelated rule, is unmatched."""
    theirs = [SpectralFinding("path-params", 0, "/x/v1.yaml", 7, (), "missing"),
              SpectralFinding("invalid-ref", 0, "/x/v1.yaml", 9, (), "dangling")]
    ours = [Finding("path-params", Level.ERROR, "v1", "/", "m", file="/x/v1.yaml", line=8),
            Finding("array-items", Level.ERROR, "v1", "/", "m", file="/x/v1.yaml", line=9)]
    assert [f.code for f in unmatched(theirs, ours, {"/x/v1.yaml"})] == ["path-params", "invalid-ref"]
    ours.append(Finding("yaml-syntax", Level.ERROR, "v1", "/", "m", file="/x/v1.yaml", line=1))
    assert unmatched(theirs, ours, {"/x/v1.yaml"}) == []
