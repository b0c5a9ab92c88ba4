"""No module of ``mockserver`` imports itself back, directly or through others (read from the source with ``ast``).

Every import counts, including those inside functions; importing ``a.b.c`` also runs ``a`` and ``a.b``, so a
module that imports into a package whose ``__init__`` imports it back is a cycle too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import mockserver

PACKAGE_DIR = Path(mockserver.__file__).parent


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module below ``root`` by dotted name (a package by its own name, for its ``__init__.py``)."""
    found: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path, is_package: bool) -> Iterator[str]:
    """The dotted names a module imports, relative imports resolved, ``from x import y`` as both x and x.y."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package modules importing it runs: the target and every package above it, except the
    packages above the importer itself (Python has run those already)."""
    files = module_files(root, package)
    graph: dict[str, set[str]] = {name: set() for name in files}
    for module, path in files.items():
        own_parents = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
        for name in imported_names(module, path, path.name == "__init__.py"):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                target = ".".join(parts[:i])
                if target in files and target != module and target not in own_parents:
                    graph[module].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as ``[a, b, ..., a]``, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_mockserver_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE_DIR, "mockserver")
    assert len(graph) > 40  # the walk found the package
    assert "mockserver.stores.base" in graph["mockserver.stores.memory"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_detects_a_cycle_between_two_modules(tmp_path: Path) -> None:
    """Like ``store.py`` and ``stores/memory.py`` once: one of the two imports sits inside a function."""
    root = _write(tmp_path, {
        "__init__.py": "",
        "store.py": "def open_store():\n    from pkg.stores.memory import MemoryStore\n",
        "stores/__init__.py": "",
        "stores/memory.py": "from pkg.store import BaseStore\n",
    })
    assert find_cycle(import_graph(root, "pkg")) == ["pkg.store", "pkg.stores.memory", "pkg.store"]


def test_detects_a_cycle_through_a_package_init(tmp_path: Path) -> None:
    """A package whose ``__init__`` imports a module that imports one of the package's own modules."""
    root = _write(tmp_path, {
        "__init__.py": "",
        "pipeline/__init__.py": "from pkg.pipeline.admit import Gate\n",
        "pipeline/admit.py": "from pkg.ratelimit import RateLimiter\n",
        "pipeline/authenticate.py": "",
        "ratelimit.py": "from .pipeline.authenticate import Identity\n",
    })
    assert find_cycle(import_graph(root, "pkg")) == ["pkg.pipeline", "pkg.pipeline.admit", "pkg.ratelimit",
                                                     "pkg.pipeline"]


def test_a_module_importing_its_own_package_is_no_cycle(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "__init__.py": "",
        "handlers/__init__.py": "from pkg.handlers.sessions import SessionHandlers\n",
        "handlers/common.py": "",
        "handlers/sessions.py": "from pkg.handlers.common import list_reply\nfrom . import common\n",
    })
    graph = import_graph(root, "pkg")
    assert graph["pkg.handlers.sessions"] == {"pkg.handlers.common"}
    assert find_cycle(graph) is None
