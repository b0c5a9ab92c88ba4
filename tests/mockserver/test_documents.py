"""The mounted documents, and the cached verdict that spares a start-up Connexion's validation of an unchanged one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from connexion.exceptions import InvalidSpecification
from connexion.spec import OpenAPISpecification

from mockserver.host.documents import LoadedSpecification, VerifiedSpecification, mounted_document, specification
from mockserver.settings import Settings


def test_documents_are_mounted_under_their_common_first_segment() -> None:
    base, document = mounted_document("v1")
    assert base == "/v1" and document["servers"] == [{"url": "/v1"}]
    assert "/sessions/{sessionId}" in document["paths"] and not any(p.startswith("/v1") for p in document["paths"])
    assert all(isinstance(code, str) for item in document["paths"].values() for op in item.values()
               if isinstance(op, dict) and "responses" in op for code in op["responses"])


def test_a_document_is_validated_once_and_then_loaded_on_its_verdict(tmp_path: Path) -> None:
    _, document = mounted_document("v1")
    first = specification(document, tmp_path)
    assert type(first) is LoadedSpecification
    markers = list((tmp_path / "valid-openapi").iterdir())
    assert len(markers) == 1
    again = specification(document, tmp_path)
    assert isinstance(again, VerifiedSpecification)
    connexions = OpenAPISpecification(mounted_document("v1")[1])  # what Connexion itself would load
    for loaded in (first, again):
        assert loaded.raw == connexions.raw and dict(loaded) == dict(connexions)


def test_a_changed_document_is_judged_again_and_an_invalid_one_still_refused(tmp_path: Path) -> None:
    _, document = mounted_document("v1")
    specification(document, tmp_path)
    broken = {**document, "paths": {**document["paths"], "/broken": {"get": {"responses": "not a mapping"}}}}
    with pytest.raises(InvalidSpecification):
        specification(broken, tmp_path)
    assert len(list((tmp_path / "valid-openapi").iterdir())) == 1  # no verdict recorded for it
    with pytest.raises(InvalidSpecification):
        specification(broken, tmp_path)


def test_without_a_cache_folder_every_load_validates(tmp_path: Path) -> None:
    _, document = mounted_document("internal")
    assert type(specification(document, None)) is LoadedSpecification
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o500)
    try:
        assert type(specification(document, read_only / "cache")) is LoadedSpecification
    finally:
        read_only.chmod(0o700)


def test_the_cache_folder_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings().cache_path == tmp_path / "xdg" / "hissuno-contract"
    assert Settings.from_env({"HISSUNO_MOCK_CACHE_DIR": str(tmp_path / "c")}).cache_path == tmp_path / "c"
    assert Settings.from_env({"HISSUNO_MOCK_CACHE_DIR": "off"}).cache_path is None


def test_bundles_come_from_the_cache_until_a_source_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contract import spec
    from mockserver.host.documents import bundled

    sources = tmp_path / "openapi"
    shutil.copytree(spec.spec_dir(), sources)
    monkeypatch.setattr(spec, "spec_dir", lambda: sources)
    load = bundled.__wrapped__  # the process-wide memo would hide the cache folder
    cache = tmp_path / "cache"
    fresh = load("v1", cache)
    assert fresh == spec.load_bundled("v1", sources)
    (written,) = (cache / "bundles").iterdir()
    written.write_bytes(b'{"openapi": "from the cache"}')  # proves the next load reads this file
    assert load("v1", cache) == {"openapi": "from the cache"}
    shared = sources / "components.yaml"
    shared.write_text(shared.read_text().replace("A session id", "A session's id", 1))
    assert load("v1", cache)["openapi"] == "3.0.3"  # a changed source: bundled again, a second file
    assert len(list((cache / "bundles").iterdir())) == 2
    assert load("v1", None)["openapi"] == "3.0.3"  # without a cache folder: always from the sources
