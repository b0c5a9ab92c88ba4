"""Helpers the spec-review tests share (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

Document = dict[str, Any]


def edit_yaml(path: Path, change: Callable[[Document], object]) -> None:
    """Load a YAML file, apply ``change`` to the dict, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def set_version(version: str) -> Callable[[Document], None]:
    def change(document: Document) -> None:
        document["info"]["version"] = version

    return change
