"""``hissuno-contract bundle``: one self-contained document per API, valid for openapi-spec-validator (3.0 and
3.1) and openapi-typescript, exactly what the mock serves, and no change at all for the review.

Spectral reads the bundles in the peer test's one run (``tests/contract/test_spectral_peer.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from typer.testing import CliRunner

from contract.bundle import published
from contract.cli import app
from contract.pointer import lookup
from contract.spec import DOCUMENTS, refs, spec_dir
from contract.yaml_reader import read_yaml
from tests.contract.corpus_cases import CORPUS
from tests.support.apps import hermetic_app
from tests.support.client import MockClient

runner = CliRunner()
SDKS = Path(__file__).resolve().parents[2] / "sdks"


def bundle(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["bundle", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def written(tmp_path: Path, api: str, *options: str) -> Path:
    suffix = ".yaml" if "yaml" in options else ".json"
    target = tmp_path / f"{api}-{'-'.join(options) or 'plain'}{suffix}"
    code, _, err = bundle("--api", api, *options, "-o", str(target))
    assert code == 0, err
    return target


@pytest.mark.parametrize("api", DOCUMENTS)
def test_components_are_kept_referenced_and_paths_are_the_sources(api: str, tmp_path: Path) -> None:
    document = json.loads(written(tmp_path, api).read_text())
    source = read_yaml(spec_dir() / f"{api}.yaml")
    assert list(document["paths"]) == list(source["paths"])
    references = [ref for _, ref in refs(document)]
    assert references and all(ref.startswith("#/components/") for ref in references)  # nothing points outside
    assert all(lookup(document, ref) is not None for ref in references)
    assert {"schemas", "responses", "parameters"} <= set(document["components"])
    assert "components.yaml" not in json.dumps(document)


@pytest.mark.parametrize("api", DOCUMENTS)
def test_servers_name_the_local_mock_and_a_placeholder_for_the_real_base_url(api: str, tmp_path: Path) -> None:
    servers = json.loads(written(tmp_path, api).read_text())["servers"]
    assert servers[0]["url"] == "http://127.0.0.1:4010"
    assert servers[1]["url"] == "https://{host}" and servers[1]["variables"]["host"]["default"]
    assert "placeholder" in servers[1]["description"]


@pytest.mark.parametrize("api", DOCUMENTS)
def test_the_bundle_validates_as_openapi_30_and_its_31_conversion_as_31(api: str, tmp_path: Path) -> None:
    plain = json.loads(written(tmp_path, api, "--format", "json").read_text())
    assert list(OpenAPIV30SpecValidator(plain).iter_errors()) == []
    converted = yaml.safe_load(written(tmp_path, api, "--openapi", "3.1", "--format", "yaml").read_text())
    assert converted["openapi"] == "3.1.0"
    assert list(OpenAPIV31SpecValidator(converted).iter_errors()) == []
    assert '"nullable"' not in json.dumps(converted)
    company = converted["components"]["schemas"]["Customer"]["properties"]["company"]
    assert {"type": ["object", "null"], "enum": [None]} in company["oneOf"]


def test_the_31_conversion_moves_webhook_deliveries_to_webhooks(tmp_path: Path) -> None:
    converted = json.loads(written(tmp_path, "v1", "--openapi", "3.1").read_text())
    create = converted["paths"]["/v1/webhooks"]["post"]
    assert "callbacks" not in create
    delivery = converted["webhooks"]["event"]["post"]
    assert "webhook-signature" in {parameter["name"] for parameter in delivery["parameters"]}
    source_delivery = published(spec_dir() / "v1.yaml")["paths"]["/v1/webhooks"]["post"]["callbacks"]["event"]
    assert delivery["operationId"] == source_delivery["{$request.body#/url}"]["post"]["operationId"]


def test_json_and_yaml_say_the_same_and_the_format_follows_the_file_suffix(tmp_path: Path) -> None:
    as_json = written(tmp_path, "v1")  # .json, no --format
    as_yaml = tmp_path / "v1.yaml"
    assert bundle("--api", "v1", "-o", str(as_yaml))[0] == 0
    assert json.loads(as_json.read_text()) == yaml.safe_load(as_yaml.read_text())
    assert as_yaml.read_text().startswith("openapi: 3.0.3\n")
    code, out, _ = bundle("--api", "v1")
    assert code == 0 and yaml.safe_load(out) == json.loads(as_json.read_text())


@pytest.mark.filterwarnings("ignore:.*starlette.testclient.*")
def test_the_mock_serves_exactly_the_bundle() -> None:
    client = MockClient(hermetic_app(cache_dir=Path("off")), judge=None)
    try:
        served = [client.get(path) for path in ("/v1/openapi.json", "/api/openapi.json", "/v1/openapi.yaml")]
    finally:
        client.close()
    assert all(response.status_code == 200 for response in served)
    assert served[0].json() == json.loads(bundle("--api", "v1", "--format", "json")[1])
    assert served[1].json() == json.loads(bundle("--api", "internal", "--format", "json")[1])
    assert yaml.safe_load(served[2].text) == served[0].json()


@pytest.mark.parametrize("api", DOCUMENTS)
def test_reviewing_the_bundle_against_its_source_reports_no_change(api: str, tmp_path: Path) -> None:
    target = written(tmp_path, api)
    result = runner.invoke(app, ["review", "--base", str(spec_dir() / f"{api}.yaml"), "--head", str(target),
                                 "--format", "json", "--no-lint"])
    assert result.exit_code == 0, result.output
    (document,) = json.loads(result.stdout)["documents"]
    assert document["changes"] == [] and not document["changed"]


def _typescript(bundle_file: Path, out: Path) -> subprocess.CompletedProcess[str]:
    sys.path.insert(0, str(SDKS))
    import toolchain  # the SDKs' pinned openapi-typescript: one pin for both

    return subprocess.run([str(toolchain.node_bin() / "openapi-typescript"), str(bundle_file), "-o", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
@pytest.mark.parametrize("options", [(), ("--openapi", "3.1")], ids=["3.0", "3.1"])
def test_openapi_typescript_accepts_the_bundle(options: tuple[str, ...], tmp_path: Path) -> None:
    target = written(tmp_path, "v1", *options)
    completed = _typescript(target, tmp_path / "v1.ts")
    assert completed.returncode == 0, completed.stderr
    types = (tmp_path / "v1.ts").read_text()
    assert '"/v1/sessions": {' in types and "Customer: {" in types
    assert 'company?: components["schemas"]["Company"] |' in types


def test_a_document_of_the_other_api_is_refused_in_one_line() -> None:
    code, _, err = bundle("--api", "internal", "--from", str(CORPUS / "valid.yaml"))
    assert code == 2 and "describes the v1 API, not internal" in err and len(err.strip().splitlines()) == 1


def test_a_folder_without_the_api_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "v1.yaml").write_text((CORPUS / "valid.yaml").read_text())
    code, _, err = bundle("--api", "internal", "--from", str(tmp_path))
    assert code == 2 and "no document describes the internal API" in err


def test_a_broken_document_is_not_bundled(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, err = bundle("--from", str(CORPUS / "type-typo.yaml"), "-o", str(target))
    assert code == 1 and out == "" and not target.exists()
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"{CORPUS / 'type-typo.yaml'}:25:11: error oas3-schema: ")
    assert lines[-1].startswith("hissuno-contract: error: bundle: ") and "nothing written" in lines[-1]


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    code, _, err = bundle("--api", "v1", "-o", str(tmp_path / "no-such-folder" / "v1.json"))
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1


def test_python_m_contract_runs_the_command(tmp_path: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "contract", "bundle", "--api", "v1", "--format", "json"],
                               capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    document: dict[str, Any] = json.loads(completed.stdout)
    assert document == published(spec_dir() / "v1.yaml")
