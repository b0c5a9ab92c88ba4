"""One OpenAPI source file as the tools read it: its data, its YAML nodes (for lines), and what makes it unusable.

A reviewer's tools meet broken files every day: empty, binary, huge, not YAML, repeated keys, alias bombs,
a list where a document belongs. Reading never raises for any of them; each becomes a :class:`SourceProblem`
with the rule id, line and column the lint reports, and the data is ``None`` when nothing further can run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contract.yaml_reader import duplicate_keys, load_with_nodes, measure

MAX_BYTES = 32 * 1024 * 1024  # GitHub's REST description, among the largest public ones, is about 11 MB
MAX_NODES = 5_000_000  # after aliases are expanded
MAX_DEPTH = 256  # real descriptions nest a few dozen levels; the readers after this one recurse
SUPPORTED_VERSIONS = ("3.0.", "3.1.")


@dataclass(frozen=True)
class SourceProblem:
    """Why (part of) a file cannot be used: a rule id, a 1-based line and column, a one-line message."""

    rule_id: str
    line: int
    column: int
    message: str


@dataclass
class SourceFile:
    """A file's text, data and node tree; ``data`` is None when a problem stops every reader."""

    display: str  # how reports name the file ("openapi/v1.yaml")
    text: str = ""
    data: Any = None
    root: yaml.Node | None = None
    problems: list[SourceProblem] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return isinstance(self.data, dict)


def read_source(path: Path, display: str | None = None) -> SourceFile:
    """Read ``path`` (an ``OSError`` when it cannot be opened: the caller decides whether that is bad input)."""
    display = display or str(path)
    if path.stat().st_size > MAX_BYTES:
        return _unusable(display, "document-too-large", f"{path.stat().st_size:,} bytes; the limit is {MAX_BYTES:,}")
    return parse_source(path.read_bytes(), display)


def parse_source(raw: bytes, display: str) -> SourceFile:
    """Parse the bytes of a YAML or JSON file named ``display``."""
    if len(raw) > MAX_BYTES:
        return _unusable(display, "document-too-large", f"{len(raw):,} bytes; the limit is {MAX_BYTES:,}")
    text, problem = _decode(raw)
    if problem is not None:
        return SourceFile(display, problems=[problem])
    source = SourceFile(display, text)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        source.problems.append(SourceProblem("document-empty", 1, 1, "the file is empty"))
        return source
    try:
        data, root = load_with_nodes(text)
    except yaml.MarkedYAMLError as error:
        return _json_fallback(source, raw, error)
    except (yaml.YAMLError, RecursionError) as error:
        source.problems.append(SourceProblem("yaml-syntax", 1, 1, f"not valid YAML ({_first_line(error)})"))
        return source
    return _checked(source, data, root)


def _decode(raw: bytes) -> tuple[str, SourceProblem | None]:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return "", SourceProblem("document-not-text", line, 1, "the file is binary (it holds NUL bytes), not YAML")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - raw.rfind(b"\n", 0, error.start)
        message = f"not UTF-8 text ({error.reason} at byte {error.start})"
        return "", SourceProblem("document-not-text", line, column, message)


def _json_fallback(source: SourceFile, raw: bytes, error: yaml.MarkedYAMLError) -> SourceFile:
    """JSON that PyYAML (YAML 1.1) refuses, say for a tab between tokens, is still JSON."""
    try:
        data = json.loads(raw)
    except ValueError:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        source.problems.append(SourceProblem("yaml-syntax", line, column, f"not valid YAML ({_first_line(error)})"))
        return source
    return _checked(source, data, None)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    if isinstance(error, yaml.MarkedYAMLError):
        text = " ".join(part for part in (error.context, error.problem) if part) or text
    return text.splitlines()[0] if text else type(error).__name__


def _checked(source: SourceFile, data: Any, root: yaml.Node | None) -> SourceFile:
    """The parsed file, or the problem that makes it unusable."""
    nodes, depth = measure(root, MAX_NODES)
    if nodes > MAX_NODES or depth > MAX_DEPTH:
        shown = f"nests {depth:,} levels deep; the limit is {MAX_DEPTH}" if depth > MAX_DEPTH else (
            f"expands to more than {MAX_NODES:,} nodes once its aliases are followed")
        source.problems.append(SourceProblem("yaml-aliases", 1, 1, f"the YAML {shown}"))
        return source
    source.root = root
    for key in duplicate_keys(root):
        mark = key.start_mark
        message = f"the key {key.value!r} appears twice in one mapping (YAML forbids it; the last one would win)"
        source.problems.append(SourceProblem("yaml-duplicate-key", mark.line + 1, mark.column + 1, message))
    if not isinstance(data, dict):
        kind = "nothing" if data is None else type(data).__name__
        message = f"expected a mapping, the file holds {kind}"
        mark = root.start_mark if root is not None else None
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        source.problems.append(SourceProblem("document-not-openapi", line, column, message))
        return source
    source.data = data
    return source


def _unusable(display: str, rule_id: str, message: str) -> SourceFile:
    return SourceFile(display, problems=[SourceProblem(rule_id, 1, 1, message)])


def openapi_version(data: Any) -> str | None:
    """The ``openapi`` field of a document, as text, or None."""
    version = data.get("openapi") if isinstance(data, dict) else None
    return str(version) if version is not None else None


def version_problem(data: dict[str, Any]) -> str | None:
    """Why ``data`` is not an OpenAPI document we read (3.0.x or 3.1.x), or None when it is one."""
    version = openapi_version(data)
    if version is None:
        return "no `openapi` field: this is not an OpenAPI document"
    if not version.startswith(SUPPORTED_VERSIONS):
        return f"OpenAPI {version} is not supported (3.0.x or 3.1.x)"
    return None
