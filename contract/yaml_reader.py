"""The one way the contract's YAML files are read: libyaml's safe loader, a mapping at the top, one-line errors.

The spec loader, the lint and the review all read the same files; reading them alike means one answer to
"is this file usable" and one error message for a broken one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """A file that is not YAML, or not a mapping at its top level; the message is one line naming it."""


def parse_yaml(text: str, where: str) -> dict[str, Any]:
    """The mapping ``text`` holds; ``where`` names it in the error."""
    try:
        data = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise YamlError(f"{where}: not valid YAML ({first})") from None
    if not isinstance(data, dict):
        raise YamlError(f"{where}: expected a mapping at the top level")
    return data


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in the file at ``path`` (an unreadable file is an OSError)."""
    return parse_yaml(path.read_text(encoding="utf-8"), str(path))


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of ``text``, with each node's line and column; None when it is not YAML."""
    try:
        return yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError:
        return None
