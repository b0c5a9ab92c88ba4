"""The lint's settings: which rules are turned down to a warning or off, from ``[tool.hissuno-contract]``.

```toml
[tool.hissuno-contract.lint.rules]
examples-present = "warning"   # or "error" (the default for every rule), or "off"
```

The table is read from the nearest ``pyproject.toml`` that has one, looking up from the linted folder, then
from the working directory (as ruff and pytest find theirs), or from the file ``--config`` names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract.findings import Level
from contract.lint import house, openapi, structure  # noqa: F401  (every rule declared before names are checked)
from contract.lint.rules import RULES

TABLE = "hissuno-contract"
_LEVELS: Mapping[str, Level | None] = {
    "error": Level.ERROR, "err": Level.ERROR, "warning": Level.WARNING, "warn": Level.WARNING,
    "off": None, "none": None,
}


class ConfigError(ValueError):
    """A settings file that cannot be used: the message is one line naming it."""


@dataclass(frozen=True)
class LintConfig:
    """The level of each rule; a rule not named keeps ``error``, ``None`` turns it off."""

    levels: Mapping[str, Level | None] = field(default_factory=dict)
    source: Path | None = None

    def level(self, rule_id: str) -> Level | None:
        return self.levels.get(rule_id, Level.ERROR)


def find_pyproject(*starts: Path) -> Path | None:
    """The nearest ``pyproject.toml`` holding ``[tool.hissuno-contract]``, upward from each start in turn."""
    for start in starts:
        for folder in [start.resolve(), *start.resolve().parents]:
            candidate = folder / "pyproject.toml"
            if candidate.is_file() and TABLE in _tool_tables(candidate):
                return candidate
    return None


def _tool_tables(path: Path) -> dict[str, Any]:
    try:
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read it ({error})") from None
    return tool if isinstance(tool, dict) else {}


def load_config(path: Path | None) -> LintConfig:
    """The settings in ``path`` (a ``pyproject.toml``); no path, no settings."""
    if path is None:
        return LintConfig()
    table = _tool_tables(path).get(TABLE, {})
    rules = table.get("lint", {}).get("rules", {}) if isinstance(table.get("lint", {}), dict) else None
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}.lint.rules] must be a table of rule = level")
    levels: dict[str, Level | None] = {}
    for rule_id, level in rules.items():
        if rule_id not in RULES:
            raise ConfigError(f"{path}: unknown lint rule {rule_id!r} in [tool.{TABLE}.lint.rules]")
        if not isinstance(level, str) or level.lower() not in _LEVELS:
            raise ConfigError(f"{path}: {rule_id} = {level!r}; use \"error\", \"warning\" or \"off\"")
        levels[rule_id] = _LEVELS[level.lower()]
    return LintConfig(levels, path)
