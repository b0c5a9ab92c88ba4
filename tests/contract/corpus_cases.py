"""The broken-document corpus (``tests/contract/corpus/``): its cases, and the 10 MB one written on demand.

Imported by name (pytest puts this folder on ``sys.path``) by the corpus test and the Spectral peer test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CORPUS = Path(__file__).parent / "corpus"
SETTINGS = CORPUS / "settings.toml"  # the house rules off: the corpus is about OpenAPI correctness
VALID = CORPUS / "valid.yaml"
HUGE_BYTES = 10 * 1024 * 1024

# What leaves a file without a document at all: review cannot compare it (exit 2), bundle cannot bundle it.
UNREADABLE = frozenset({"document-too-large", "document-not-text", "document-empty", "yaml-syntax", "yaml-aliases",
                        "document-not-openapi"})


@dataclass(frozen=True)
class Case:
    name: str
    path: Path  # a document file, or a folder holding v1.yaml and components.yaml
    rule: str
    file: str  # the file the finding is in
    line: int

    @property
    def unreadable(self) -> bool:
        return self.rule in UNREADABLE

    @property
    def document(self) -> Path:
        return self.path / "v1.yaml" if self.path.is_dir() else self.path


def committed_cases() -> list[Case]:
    manifest = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
    cases = []
    for name, expected in manifest.items():
        path = CORPUS / name
        file = str(path / expected["file"]) if "file" in expected else str(path)
        cases.append(Case(name, path, expected["rule"], file, expected["line"]))
    return cases


def write_huge_document(path: Path, size: int = HUGE_BYTES) -> Case:
    """A valid document of ``size`` bytes (operations with long descriptions) whose last response has no
    ``description``; the case expects that line."""
    words = "The quick brown fox answers every request with a thing. " * 30
    parts = ["openapi: 3.0.3\ninfo:\n  title: Huge\n  version: 1.0.0\npaths:\n"]
    total, index = len(parts[0]), 0
    while total < size:
        parts.append(f"  /v1/things{index}:\n    get:\n      operationId: listThings{index}\n      description: >-\n"
                     f"        {words}\n      responses:\n        '200':\n          description: The things.\n")
        total, index = total + len(parts[-1]), index + 1
    lines_before = sum(part.count("\n") for part in parts)
    parts.append("  /v1/broken:\n    get:\n      operationId: broken\n      responses:\n        '200':\n"
                 "          content: {}\n")
    path.write_text("".join(parts), encoding="utf-8")
    return Case("huge-10mb.yaml", path, "oas3-schema", str(path), lines_before + 5)
