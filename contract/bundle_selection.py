"""Which document ``hissuno-contract bundle`` bundles, and whether it may: the one that describes the API asked
for (read from its content), with no OpenAPI error in it (the lint's OpenAPI and file rules; house rules aside).
"""

from __future__ import annotations

from pathlib import Path

from contract.apis import describe_api
from contract.findings import Finding
from contract.lint.config import LintConfig
from contract.lint.rules import RULES
from contract.lint.runner import DocumentFile, Linter, document_files
from contract.source import read_source

_HOUSE_OFF = LintConfig({rule.name: None for rule in RULES if rule.family == "house"})


class BundleInputError(Exception):
    """No document describes the API asked for; the message is one line."""


def select_document(api: str, source: Path) -> tuple[Path, list[Finding]]:
    """The document of ``source`` (a file or a folder) that describes ``api``, and its OpenAPI findings."""
    documents = document_files(source)
    linter = Linter(_HOUSE_OFF)
    described = {document.path: _api_of(document) for document in documents}
    if source.is_file():
        (document,) = documents
        if described[document.path] not in (api, None):
            raise BundleInputError(f"{source} describes the {described[document.path]} API, not {api}")
        return document.path, linter.lint([document])
    matching = [document for document in documents if described[document.path] == api]
    if len(matching) == 1:
        return matching[0].path, linter.lint(matching)
    if len(matching) > 1:
        names = ", ".join(str(document.path) for document in matching)
        raise BundleInputError(f"{source}: several documents describe the {api} API ({names})")
    unreadable = [document for document in documents if described[document.path] is None]
    if unreadable:
        return unreadable[0].path, linter.lint(unreadable)
    raise BundleInputError(f"{source}: no document describes the {api} API")


def _api_of(document: DocumentFile) -> str | None:
    try:
        source = read_source(document.path, document.display)
    except OSError:
        return None
    return describe_api(source.data) if source.usable else None
