"""The packages depend one way: ``mockserver`` and ``conformance`` use ``contract``; ``contract`` uses neither,
and neither uses the other. Read from the source with ``ast``, so an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported(folder: Path) -> dict[str, set[str]]:
    """``{file: {dotted name imported}}`` for every Python file under ``folder`` (``from a import b`` is ``a.b``)."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[path.relative_to(folder.parent).as_posix()] = names
    return found


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def reaching(folder: Path, forbidden: str, allowed: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """The files under ``folder`` that import something of ``forbidden`` (other than the ``allowed`` modules)."""
    bad: dict[str, list[str]] = {}
    for file, names in imported(folder).items():
        hits = sorted(
            name for name in names if _under(name, forbidden) and not any(_under(name, shim) for shim in allowed)
        )
        if hits:
            bad[file] = hits
    return bad


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("contract", "conformance"),
        ("contract", "mockserver"),
        ("conformance", "mockserver"),
        ("mockserver", "conformance"),
    ],
)
def test_package_does_not_import(package: str, forbidden: str) -> None:
    assert reaching(ROOT / package, forbidden) == {}


@pytest.mark.parametrize("package", ["conformance", "mockserver"])
def test_package_reads_the_spec_through_the_contract_package(package: str) -> None:
    names = {name for names in imported(ROOT / package).values() for name in names}
    assert any(_under(name, "contract") for name in names)


def test_an_import_inside_a_function_is_seen(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("def late():\n    from mockserver.app import create_app\n")
    (tmp_path / "pkg" / "ok.py").write_text("from conformance.spec import bundled\nimport conformance.spec\n")
    assert reaching(tmp_path / "pkg", "mockserver") == {"pkg/mod.py": ["mockserver.app.create_app"]}
    assert reaching(tmp_path / "pkg", "conformance", frozenset({"conformance.spec"})) == {}
    assert reaching(tmp_path / "pkg", "conformance") == {
        "pkg/ok.py": ["conformance.spec", "conformance.spec.bundled"]
    }
