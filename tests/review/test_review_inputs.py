"""What ``--base`` and ``--head`` may be, and how a document is recognised: by its content, never its name.

A served document (the mock's ``/v1/openapi.json``, saved to a file or fetched by URL) compares cleanly with
its source, including one served the way Connexion used to serve it (``/v1`` moved into ``servers``, every
``$ref`` inlined).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from connexion.json_schema import resolve_refs
from typer.testing import CliRunner

from contract.cli import app
from contract.spec import spec_dir
from mockserver.host.documents import mounted_document
from tests.support.apps import hermetic_app
from tests.support.servers import served
from tests.support.yaml_edit import edit_yaml

runner = CliRunner()


def review(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["review", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def served_mock() -> Iterator[str]:
    """The mock under a real server on 127.0.0.1 (a free port); its base URL."""
    with served(hermetic_app(cache_dir=Path("off"))) as url:
        yield url


@pytest.fixture(scope="module")
def served_v1(served_mock: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mock's /v1/openapi.json, saved under a name that says nothing about which API it is."""
    path = tmp_path_factory.mktemp("served") / "served-v1.json"
    path.write_bytes(httpx.get(f"{served_mock}/v1/openapi.json", timeout=10).raise_for_status().content)
    return path


@pytest.fixture(scope="module")
def connexion_style_v1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/v1 as Connexion served it before the mock served the bundle: base path in servers, refs inlined."""
    _, mounted = mounted_document("v1")
    path = tmp_path_factory.mktemp("connexion") / "openapi.json"
    path.write_text(json.dumps(resolve_refs(mounted)))
    return path


def _no_changes(out: str) -> None:
    (document,) = json.loads(out)["documents"]
    assert document["name"] == "v1" and document["changes"] == [] and not document["changed"]


@pytest.mark.filterwarnings("ignore:.*starlette.testclient.*")
def test_the_served_document_reviewed_against_its_source_reports_nothing(served_v1: Path) -> None:
    code, out, _ = review("--base", str(spec_dir() / "v1.yaml"), "--head", str(served_v1), "--format", "json")
    assert code == 0, out
    _no_changes(out)


def test_a_document_served_under_a_server_path_compares_with_its_source(connexion_style_v1: Path) -> None:
    document = json.loads(connexion_style_v1.read_text())
    assert document["servers"] == [{"url": "/v1"}] and "/sessions" in document["paths"]
    code, out, _ = review("--base", str(spec_dir() / "v1.yaml"), "--head", str(connexion_style_v1),
                          "--format", "json", "--no-lint")
    assert code == 0, out
    (reviewed,) = json.loads(out)["documents"]
    assert not [change for change in reviewed["changes"] if change["level"] == "breaking"]
    assert "api-path-removed-without-deprecation" not in out


@pytest.mark.filterwarnings("ignore:.*starlette.testclient.*")
def test_a_v1_document_under_any_name_is_held_to_the_v1_policy(served_v1: Path, tmp_path: Path) -> None:
    broken = tmp_path / "internal.json"  # a misleading name
    document = json.loads(served_v1.read_text())
    del document["components"]["schemas"]["Session"]["properties"]["page_title"]
    broken.write_text(json.dumps(document))
    code, out, _ = review("--base", str(served_v1), "--head", str(broken), "--no-lint")
    assert code == 1
    assert "Internal API: reported only" not in out and "✅ safe to merge" not in out
    assert "breaking changes to /v1, which a version bump cannot make safe" in out


def test_two_documents_of_one_api_in_a_folder_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "openapi"
    shutil.copytree(spec_dir(), folder)
    shutil.copy(folder / "v1.yaml", folder / "v1-copy.yaml")
    code, _, err = review("--base", str(spec_dir()), "--head", str(folder))
    assert code == 2 and "both describe the v1 API" in err and len(err.strip().splitlines()) == 1


def test_the_mocks_served_document_is_read_from_its_url(served_mock: str) -> None:
    url = f"{served_mock}/v1/openapi.json"
    code, out, err = review("--base", str(spec_dir() / "v1.yaml"), "--head", url, "--format", "json")
    assert code == 0, out + err
    _no_changes(out)
    assert json.loads(out)["head"] == url


def test_an_unreachable_or_missing_url_is_one_line(served_mock: str) -> None:
    code, _, err = review("--base", f"{served_mock}/nothing.json", "--head", str(spec_dir()))
    assert code == 2 and "answered 404" in err and len(err.strip().splitlines()) == 1
    with socket_closed() as closed:
        code, _, err = review("--base", f"http://127.0.0.1:{closed}/v1/openapi.json", "--head", str(spec_dir()))
    assert code == 2 and "cannot fetch it" in err and len(err.strip().splitlines()) == 1


class socket_closed:
    """A port on 127.0.0.1 that nothing listens on."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        return None


def test_ref_colon_path_reads_one_document_at_a_git_ref(repo: Path) -> None:
    edit_yaml(repo / "openapi" / "components.yaml",
              lambda c: c["components"]["schemas"]["Session"]["properties"].pop("page_title"))
    code, out, _ = review("--base", "HEAD:openapi/v1.yaml", "--head", str(repo / "openapi" / "v1.yaml"),
                          "--repo", str(repo), "--no-lint", "--format", "json")
    assert code == 1
    (document,) = json.loads(out)["documents"]
    assert "response-optional-property-removed" in {change["rule_id"] for change in document["changes"]}
    code, _, err = review("--base", "HEAD:openapi/nope.yaml", "--repo", str(repo))
    assert code == 2 and "there is no openapi/nope.yaml at that commit" in err
