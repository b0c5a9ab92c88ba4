"""The mounted documents, and the cached verdict that spares a start-up Connexion's validation of an unchanged one."""

from __future__ import annotations

from pathlib import Path

import pytest
from connexion.exceptions import InvalidSpecification
from connexion.spec import OpenAPISpecification

from mockserver.documents import VerifiedSpecification, mounted_document, specification
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
    assert type(first) is OpenAPISpecification
    markers = list((tmp_path / "valid-openapi").iterdir())
    assert len(markers) == 1
    again = specification(document, tmp_path)
    assert isinstance(again, VerifiedSpecification)
    assert again["paths"].keys() == first["paths"].keys()


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
    assert type(specification(document, None)) is OpenAPISpecification
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o500)
    try:
        assert type(specification(document, read_only / "cache")) is OpenAPISpecification
    finally:
        read_only.chmod(0o700)


def test_the_cache_folder_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings().cache_path == tmp_path / "xdg" / "hissuno-contract"
    assert Settings.from_env({"HISSUNO_MOCK_CACHE_DIR": str(tmp_path / "c")}).cache_path == tmp_path / "c"
    assert Settings.from_env({"HISSUNO_MOCK_CACHE_DIR": "off"}).cache_path is None
