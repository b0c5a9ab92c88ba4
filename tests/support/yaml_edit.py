"""Edit YAML documents in place (a copy of ``openapi/``, a fixture file): read, change the dicts, write back."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

Document = dict[str, Any]


@contextlib.contextmanager
def editing_yaml(*paths: Path) -> Iterator[list[Document]]:
    """The documents at ``paths``, written back (keys in their order) when the block ends without an error."""
    documents = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in paths]
    yield documents
    for path, document in zip(paths, documents, strict=True):
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit_yaml(path: Path, change: Callable[[Document], object]) -> None:
    """Apply ``change`` to the document at ``path`` and write it back."""
    with editing_yaml(path) as (document,):
        change(document)


def set_version(version: str) -> Callable[[Document], None]:
    """A change that sets ``info.version``."""

    def change(document: Document) -> None:
        document["info"]["version"] = version

    return change
