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

from contract.findings import Finding
from contract.lint.rules import RULES
from contract.lint.runner import lint_documents
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


def lint_document(name: str, directory: Path) -> list[Finding]:
    return lint_documents(directory, (name,))


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


def _cookie_on_v1(doc: dict[str, Any], shared: dict[str, Any]) -> None:
    doc["components"]["securitySchemes"]["sessionCookie"] = {"$ref": "components.yaml#/components/securitySchemes/"
                                                                     "sessionCookie"}
    doc["paths"][SESSIONS_V1]["get"]["security"] = [{"bearerAuth": []}, {"sessionCookie": []}]


def _anonymous_allowed(doc: dict[str, Any], _: dict[str, Any]) -> None:
    doc["paths"][SESSIONS_V1]["get"]["security"] = [{"bearerAuth": []}, {}]


def _both_at_once(doc: dict[str, Any], _: dict[str, Any]) -> None:
    doc["paths"][SESSIONS_V1]["get"]["security"] = [{"bearerAuth": [], "sessionCookie": []}]


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


def _all_of_nullable_company(_: dict[str, Any], shared: dict[str, Any]) -> None:
    """The form Customer.company had until Spectral's peer test found it: null was rejected."""
    company = {"allOf": [{"$ref": "#/components/schemas/Company"}], "nullable": True}
    shared["components"]["schemas"]["Customer"]["properties"]["company"] = company


CASES = [
    ("operation-secured", _drop_security, "/paths/~1v1~1sessions/get"),
    ("operation-secured", _cookie_on_v1, "/paths/~1v1~1sessions/get"),
    ("operation-secured", _anonymous_allowed, "/paths/~1v1~1sessions/get"),
    ("operation-secured", _both_at_once, "/paths/~1v1~1sessions/get"),
    ("auth-responses-declared", _drop_401, "/paths/~1v1~1sessions/get/responses"),
    ("error-schema", _error_not_error_schema, "/paths/~1v1~1sessions~1{sessionId}/get/responses/404"),
    ("error-schema", _problem_json_error, "/paths/~1v1~1sessions/get/responses/403"),
    ("list-envelope", _unwrapped_list, "/paths/~1v1~1sessions/get/responses/200"),
    ("examples-valid", _bad_example,
     "/components/responses/IssueList/content/application~1json/examples/page/value/data/0/priority"),
    ("examples-present", _no_example, "/paths/~1v1~1sessions/post/requestBody/content/application~1json"),
    ("create-links", _no_link, "/paths/~1v1~1sessions/post/responses/201/links"),
    ("create-links", _dangling_link, "/paths/~1v1~1sessions/post/responses/201/links/GetCreatedSession"),
    ("rate-limit-headers", _no_rate_limit_header, "/paths/~1v1~1issues~1{issueId}/get/responses/404/headers"),
    ("rate-limit-headers", _no_retry_after, "/paths/~1v1~1sessions/get/responses/429/headers"),
    ("rate-limit-headers", _no_location, "/paths/~1v1~1sessions/post/responses/201/headers"),
    ("operation-metadata", _no_summary, "/paths/~1v1~1sessions/get"),
    ("oas3-schema", _invalid_openapi, "/paths/~1v1~1sessions/get/responses/200"),
    ("nullable-requires-type", _all_of_nullable_company, "/components/schemas/Customer/properties/company/nullable"),
    ("request-bodies-bounded", _unbounded_request_string, "/components/schemas/SessionCreate/properties/name"),
    ("request-bodies-bounded", _request_map_of_anything, "/components/schemas/SessionCreate/properties/user_metadata"),
]


@pytest.mark.parametrize(("rule_id", "mutation", "where"), CASES, ids=[f"{c[0]}:{c[1].__name__}" for c in CASES])
def test_rule_fires_on_violation(contract_copy: Path, rule_id: str, mutation: Mutation, where: str) -> None:
    mutate(contract_copy, "v1", mutation)
    fired = rules_fired(contract_copy, "v1")
    assert rule_id in fired, fired
    assert where in fired[rule_id], fired[rule_id]


def test_internal_operations_may_take_the_session_cookie_as_an_alternative() -> None:
    internal = [op for _, _, op in operations(_bundled_internal())]
    assert internal and all(op["security"] == [{"bearerAuth": []}, {"sessionCookie": []}] for op in internal)


def test_an_internal_operation_with_only_the_cookie_still_needs_a_key(contract_copy: Path) -> None:
    def cookie_only(doc: dict[str, Any], _: dict[str, Any]) -> None:
        doc["paths"][SESSIONS_INTERNAL]["get"]["security"] = [{"sessionCookie": []}]

    mutate(contract_copy, "internal", cookie_only)
    fired = rules_fired(contract_copy, "internal")
    assert fired.get("operation-secured") == ["/paths/~1api~1projects~1{projectId}~1sessions/get"], fired


def _bundled_internal() -> dict[str, Any]:
    from contract.spec import bundled

    return bundled("internal")


def test_every_house_rule_has_a_violation_test() -> None:
    """(The OpenAPI rules each have a broken document in the corpus: tests/contract/test_corpus.py.)"""
    tested = {case[0] for case in CASES}
    house = {lint_rule.name for lint_rule in RULES if lint_rule.family == "house"}
    assert house <= tested, house - tested


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
    fields = {"document", "file", "line", "column", "rule", "level", "pointer", "message"}
    assert findings and all(set(finding) == fields for finding in findings)
    expected = {"document": "v1", "rule": "auth-responses-declared", "pointer": "/paths/~1v1~1sessions/get/responses",
                "message": "operation does not declare 401", "level": "error", "file": str(contract_copy / "v1.yaml")}
    (found,) = [finding for finding in findings if finding["rule"] == "auth-responses-declared"]
    assert expected.items() <= found.items()
    lines = (contract_copy / "v1.yaml").read_text().splitlines()
    assert lines[found["line"] - 1].strip() == "responses:" and found["column"] > 1


def test_all_seed_operations_exist() -> None:
    from contract.spec import bundled

    internal = {(path, method) for path, method, _ in operations(bundled("internal"))}
    prefix = "/api/projects/{projectId}"
    assert internal >= {
        (f"{prefix}/sessions", "get"),
        (f"{prefix}/sessions", "post"),
        (f"{prefix}/sessions/{{sessionId}}", "get"),
        (f"{prefix}/issues", "get"),
        (f"{prefix}/issues/{{issueId}}", "get"),
        (f"{prefix}/customers", "get"),
        (f"{prefix}/customers/import", "post"),
        (f"{prefix}/settings/knowledge-sources", "get"),
        (f"{prefix}/settings/knowledge-sources", "post"),
        # The lifecycle writes (issue 16) and a source's read, to follow its analysis.
        (f"{prefix}/sessions/{{sessionId}}", "patch"),
        (f"{prefix}/sessions/{{sessionId}}/close", "post"),
        (f"{prefix}/sessions/{{sessionId}}/review", "post"),
        (f"{prefix}/issues", "post"),
        (f"{prefix}/issues/{{issueId}}", "patch"),
        (f"{prefix}/issues/{{issueId}}/upvote", "post"),
        (f"{prefix}/settings/knowledge-sources/{{sourceId}}", "get"),
    }
    assert {(path, method) for path, method in internal if "/api-keys" in path} == {
        (f"{prefix}/api-keys", "get"),
        (f"{prefix}/api-keys", "post"),
        (f"{prefix}/api-keys", "delete"),
        (f"{prefix}/api-keys/{{keyId}}", "get"),
        (f"{prefix}/api-keys/{{keyId}}/revoke", "post"),
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
        ("/v1/sessions/{sessionId}", "patch"),
        ("/v1/sessions/{sessionId}/close", "post"),
        ("/v1/issues", "post"),
        ("/v1/issues/{issueId}", "patch"),
        ("/v1/issues/{issueId}/upvote", "post"),
        ("/v1/knowledge-sources/{sourceId}", "get"),
    }


def test_v1_is_semver_and_describes_signed_webhook_callbacks() -> None:
    import re

    from contract.spec import bundled

    v1 = bundled("v1")
    assert re.fullmatch(r"\d+\.\d+\.\d+", v1["info"]["version"])
    create = v1["paths"]["/v1/webhooks"]["post"]
    delivery = create["callbacks"]["event"]["{$request.body#/url}"]["post"]
    headers = {parameter["name"] for parameter in delivery["parameters"]}
    assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= headers
    envelope = v1["components"]["schemas"]["WebhookEvent"]
    assert envelope["required"] == ["id", "type", "created_at", "data"]
    assert "session.created" in v1["components"]["schemas"]["EventType"]["enum"]


@pytest.mark.parametrize(
    ("text", "rule_id", "said", "line"),
    [("openapi: 3.0.3\n  bad: [unclosed\n", "yaml-syntax", "not valid YAML", 2),
     ("- 1\n", "document-not-openapi", "expected a mapping", 1)],
)
def test_an_unreadable_document_is_one_finding_not_a_traceback(
    contract_copy: Path, text: str, rule_id: str, said: str, line: int
) -> None:
    from typer.testing import CliRunner

    from contract.cli import app

    (contract_copy / "v1.yaml").write_text(text)
    (finding,) = lint_document("v1", contract_copy)
    assert (finding.rule_id, finding.line) == (rule_id, line)
    assert said in finding.message and finding.file == str(contract_copy / "v1.yaml")
    result = CliRunner().invoke(app, ["lint", "--dir", str(contract_copy)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert said in result.output and "Traceback" not in result.output


def test_readme_lint_table_lists_every_house_rule_as_declared() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line for line in readme.splitlines() if line.startswith("| `")}
    for house_rule in RULES:
        assert f"| `{house_rule.name}` | {house_rule.summary} |" in rows, house_rule.name


def _write_pyproject(folder: Path, rules: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(f"[project]\nname = 'x'\n\n[tool.hissuno-contract.lint.rules]\n{rules}\n")
    return path


def test_a_rule_turned_down_to_a_warning_reports_but_does_not_fail(contract_copy: Path) -> None:
    from typer.testing import CliRunner

    from contract.cli import app

    mutate(contract_copy, "v1", _no_example)
    _write_pyproject(contract_copy.parent, 'examples-present = "warning"')
    result = CliRunner().invoke(app, ["lint", str(contract_copy)])
    assert result.exit_code == 0, result.output
    assert "warning examples-present" in result.output
    strict = CliRunner().invoke(app, ["lint", str(contract_copy), "--fail-on", "warning"])
    assert strict.exit_code == 1


def test_a_rule_turned_off_is_not_run(contract_copy: Path) -> None:
    from contract.lint.config import find_pyproject, load_config

    mutate(contract_copy, "v1", _no_example)
    _write_pyproject(contract_copy.parent, 'examples-present = "off"')
    settings = load_config(find_pyproject(contract_copy))
    assert settings.source == contract_copy.parent / "pyproject.toml"
    assert not [f for f in lint_documents(contract_copy, ("v1",), settings) if f.rule_id == "examples-present"]
    assert [f for f in lint_documents(contract_copy, ("v1",)) if f.rule_id == "examples-present"]


@pytest.mark.parametrize(("rules", "said"), [('no-such-rule = "off"', "unknown lint rule 'no-such-rule'"),
                                             ('examples-present = "loud"', "use \"error\", \"warning\" or \"off\""),
                                             ("examples-present = [", "cannot read it")])
def test_a_bad_settings_table_is_one_line_and_exit_2(contract_copy: Path, rules: str, said: str) -> None:
    from typer.testing import CliRunner

    from contract.cli import app

    config = _write_pyproject(contract_copy.parent, rules)
    result = CliRunner().invoke(app, ["lint", str(contract_copy), "--config", str(config)])
    assert result.exit_code == 2
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_repository_settings_table_is_found_and_valid() -> None:
    from contract.lint.config import find_pyproject, load_config

    found = find_pyproject(spec_dir())
    assert found is not None and found.name == "pyproject.toml"
    assert load_config(found).source == found
