"""The lint must accept our contract and catch each house-rule violation.

Each test copies ``openapi/`` to a temporary folder, breaks one convention in the YAML, and asserts that
exactly that rule fires (at the right place), so a rule that silently stops working fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contract.lint import RULES, lint_document, lint_documents
from contract.spec import DOCUMENTS, operations, spec_dir
from tests.support.yaml_edit import editing_yaml

Mutation = Callable[[dict[str, Any], dict[str, Any]], None]


@pytest.fixture
def contract_copy(tmp_path: Path) -> Path:
    target = tmp_path / "openapi"
    shutil.copytree(spec_dir(), target)
    return target


def mutate(directory: Path, document: str, mutation: Mutation) -> None:
    """Apply ``mutation(document_dict, components_dict)`` and write both files back."""
    with editing_yaml(directory / f"{document}.yaml", directory / "components.yaml") as (doc, shared):
        mutation(doc, shared)


def rules_fired(directory: Path, document: str) -> dict[str, list[str]]:
    fired: dict[str, list[str]] = {}
    for finding in lint_document(document, directory):
        fired.setdefault(finding.rule_id, []).append(finding.pointer)
    return fired


def test_our_contract_is_clean() -> None:
    assert lint_documents() == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_are_valid_openapi_303(name: str) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, base_uri = read_from_filename(str(spec_dir() / f"{name}.yaml"))
    assert spec["openapi"] == "3.0.3"
    validate(spec, base_uri=base_uri)


SESSIONS_V1 = "/v1/sessions"
SESSIONS_INTERNAL = "/api/projects/{projectId}/sessions"


def _drop_security(doc: dict[str, Any], _: dict[str, Any]) -> None:
    doc["paths"][SESSIONS_V1]["get"]["security"] = []


def _drop_401(doc: dict[str, Any], _: dict[str, Any]) -> None:
    del doc["paths"][SESSIONS_V1]["get"]["responses"]["401"]


def _error_not_error_schema(_: dict[str, Any], shared: dict[str, Any]) -> None:
    shared["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"] = {"type": "object"}


def _problem_json_error(_: dict[str, Any], shared: dict[str, Any]) -> None:
    content = shared["components"]["responses"]["Forbidden"]["content"]
    content["application/problem+json"] = content.pop("application/json")


def _unwrapped_list(_: dict[str, Any], shared: dict[str, Any]) -> None:
    session = {"$ref": "#/components/schemas/Session"}
    shared["components"]["schemas"]["SessionList"] = {"type": "array", "items": session}
    shared["components"]["responses"]["SessionList"]["content"]["application/json"].pop("examples")
    shared["components"]["responses"]["SessionList"]["content"]["application/json"]["example"] = []


def _bad_example(_: dict[str, Any], shared: dict[str, Any]) -> None:
    example = shared["components"]["responses"]["IssueList"]["content"]["application/json"]["examples"]["page"]
    example["value"]["data"][0]["priority"] = "urgent"


def _no_example(_: dict[str, Any], shared: dict[str, Any]) -> None:
    shared["components"]["requestBodies"]["SessionCreate"]["content"]["application/json"].pop("examples")


def _no_link(doc: dict[str, Any], _: dict[str, Any]) -> None:
    del doc["paths"][SESSIONS_V1]["post"]["responses"]["201"]["links"]


def _dangling_link(doc: dict[str, Any], _: dict[str, Any]) -> None:
    doc["paths"][SESSIONS_V1]["post"]["responses"]["201"]["links"]["GetCreatedSession"]["operationId"] = "fetchSession"


def _no_rate_limit_header(_: dict[str, Any], shared: dict[str, Any]) -> None:
    del shared["components"]["responses"]["NotFound"]["headers"]["RateLimit"]


def _no_retry_after(_: dict[str, Any], shared: dict[str, Any]) -> None:
    del shared["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"]


def _no_location(doc: dict[str, Any], _: dict[str, Any]) -> None:
    del doc["paths"][SESSIONS_V1]["post"]["responses"]["201"]["headers"]["Location"]


def _no_summary(doc: dict[str, Any], _: dict[str, Any]) -> None:
    del doc["paths"][SESSIONS_V1]["get"]["summary"]


def _unbounded_request_string(_: dict[str, Any], shared: dict[str, Any]) -> None:
    del shared["components"]["schemas"]["SessionCreate"]["properties"]["name"]["maxLength"]


def _request_map_of_anything(_: dict[str, Any], shared: dict[str, Any]) -> None:
    del shared["components"]["schemas"]["SessionCreate"]["properties"]["user_metadata"]["additionalProperties"]


def _invalid_openapi(doc: dict[str, Any], _: dict[str, Any]) -> None:
    doc["paths"][SESSIONS_V1]["get"]["responses"]["200"] = {"content": {}}  # a response needs a description


CASES = [
    ("operation-secured", _drop_security, "/paths/~1v1~1sessions/get"),
    ("auth-responses-declared", _drop_401, "/paths/~1v1~1sessions/get/responses"),
    ("error-schema", _error_not_error_schema, "/paths/~1v1~1sessions~1{sessionId}/get/responses/404"),
    ("error-schema", _problem_json_error, "/paths/~1v1~1sessions/get/responses/403"),
    ("list-envelope", _unwrapped_list, "/paths/~1v1~1sessions/get/responses/200"),
    ("examples-valid", _bad_example, "/paths/~1v1~1issues/get/responses/200/content/application~1json/examples/page"),
    ("examples-present", _no_example, "/paths/~1v1~1sessions/post/requestBody/content/application~1json"),
    ("create-links", _no_link, "/paths/~1v1~1sessions/post/responses/201/links"),
    ("create-links", _dangling_link, "/paths/~1v1~1sessions/post/responses/201/links/GetCreatedSession"),
    ("rate-limit-headers", _no_rate_limit_header, "/paths/~1v1~1issues~1{issueId}/get/responses/404/headers"),
    ("rate-limit-headers", _no_retry_after, "/paths/~1v1~1sessions/get/responses/429/headers"),
    ("rate-limit-headers", _no_location, "/paths/~1v1~1sessions/post/responses/201/headers"),
    ("operation-metadata", _no_summary, "/paths/~1v1~1sessions/get"),
    ("request-bodies-bounded", _unbounded_request_string, "/components/schemas/SessionCreate/properties/name"),
    ("request-bodies-bounded", _request_map_of_anything, "/components/schemas/SessionCreate/properties/user_metadata"),
    ("openapi-spec-validator", _invalid_openapi, "/paths/~1v1~1sessions/get/responses/200"),
]


@pytest.mark.parametrize(("rule_id", "mutation", "where"), CASES, ids=[f"{c[0]}:{c[1].__name__}" for c in CASES])
def test_rule_fires_on_violation(contract_copy: Path, rule_id: str, mutation: Mutation, where: str) -> None:
    mutate(contract_copy, "v1", mutation)
    fired = rules_fired(contract_copy, "v1")
    assert rule_id in fired, fired
    assert where in fired[rule_id], fired[rule_id]


def test_every_house_rule_has_a_violation_test() -> None:
    tested = {case[0] for case in CASES}
    assert set(RULES.names()) <= tested, set(RULES.names()) - tested


def test_shared_component_violation_reaches_both_documents(contract_copy: Path) -> None:
    mutate(contract_copy, "v1", _no_retry_after)
    assert "rate-limit-headers" in rules_fired(contract_copy, "internal")


def test_cli_exits_1_on_findings_and_0_when_clean(contract_copy: Path) -> None:
    from typer.testing import CliRunner

    from contract.cli import app

    runner = CliRunner()
    clean = runner.invoke(app, ["lint", "--dir", str(contract_copy)])
    assert clean.exit_code == 0, clean.output
    mutate(contract_copy, "v1", _drop_401)
    broken = runner.invoke(app, ["lint", "--dir", str(contract_copy)])
    assert broken.exit_code == 1
    assert "auth-responses-declared" in broken.output
    missing = runner.invoke(app, ["lint", "--dir", str(contract_copy / "nope")])
    assert missing.exit_code == 2


def test_cli_json_lists_each_finding_with_document_rule_pointer_and_message(contract_copy: Path) -> None:
    import json

    from typer.testing import CliRunner

    from contract.cli import app

    mutate(contract_copy, "v1", _drop_401)
    result = CliRunner().invoke(app, ["lint", "--dir", str(contract_copy), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings and all(set(finding) == {"document", "rule", "pointer", "message"} for finding in findings)
    assert {"document": "v1", "rule": "auth-responses-declared", "pointer": "/paths/~1v1~1sessions/get/responses",
            "message": "operation does not declare 401"} in findings


def test_all_seed_operations_exist() -> None:
    from contract.spec import bundled

    internal = {(path, method) for path, method, _ in operations(bundled("internal"))}
    prefix = "/api/projects/{projectId}"
    assert internal == {
        (f"{prefix}/sessions", "get"),
        (f"{prefix}/sessions", "post"),
        (f"{prefix}/sessions/{{sessionId}}", "get"),
        (f"{prefix}/issues", "get"),
        (f"{prefix}/issues/{{issueId}}", "get"),
        (f"{prefix}/customers", "get"),
        (f"{prefix}/customers/import", "post"),
        (f"{prefix}/settings/knowledge-sources", "get"),
        (f"{prefix}/settings/knowledge-sources", "post"),
    }
    v1 = {(path, method) for path, method, _ in operations(bundled("v1"))}
    assert v1 == {
        ("/v1/sessions", "get"),
        ("/v1/sessions", "post"),
        ("/v1/sessions/{sessionId}", "get"),
        ("/v1/issues", "get"),
        ("/v1/issues/{issueId}", "get"),
        ("/v1/customers", "get"),
        ("/v1/customers/import", "post"),
        ("/v1/knowledge-sources", "get"),
        ("/v1/knowledge-sources", "post"),
        ("/v1/webhooks", "get"),
        ("/v1/webhooks", "post"),
        ("/v1/webhooks/{webhookId}", "get"),
        ("/v1/webhooks/{webhookId}", "delete"),
    }


def test_v1_is_semver_and_describes_signed_webhook_callbacks() -> None:
    import re

    from contract.spec import bundled

    v1 = bundled("v1")
    assert re.fullmatch(r"\d+\.\d+\.\d+", v1["info"]["version"])
    create = v1["paths"]["/v1/webhooks"]["post"]
    delivery = create["callbacks"]["event"]["{$request.body#/url}"]["post"]
    headers = {parameter["name"] for parameter in delivery["parameters"]}
    assert "Hissuno-Signature" in headers
    envelope = v1["components"]["schemas"]["WebhookEvent"]
    assert envelope["required"] == ["id", "type", "created_at", "data"]
    assert "session.created" in v1["components"]["schemas"]["EventType"]["enum"]


@pytest.mark.parametrize(
    ("text", "said"), [("  bad: [unclosed\n", "not valid YAML"), ("- 1\n", "expected a mapping at the top level")]
)
def test_an_unreadable_document_is_one_finding_not_a_traceback(contract_copy: Path, text: str, said: str) -> None:
    from typer.testing import CliRunner

    from contract.cli import app

    (contract_copy / "v1.yaml").write_text(text)
    (finding,) = lint_document("v1", contract_copy)
    assert finding.pointer == "/" and said in finding.message and "v1.yaml" in finding.message
    result = CliRunner().invoke(app, ["lint", "--dir", str(contract_copy)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert said in result.output and "Traceback" not in result.output


def test_readme_lint_table_lists_every_house_rule_as_declared() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line for line in readme.splitlines() if line.startswith("| `")}
    for house_rule in RULES:
        assert f"| `{house_rule.name}` | {house_rule.summary} |" in rows, house_rule.name
