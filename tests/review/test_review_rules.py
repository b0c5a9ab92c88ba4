"""One before/after pair per breaking-change rule, made by mutating a copy of our own /v1 document.

Each case runs one rule on (our spec, a mutated copy): the ``fires`` mutation must produce the expected
rule id at the expected place, and the ``quiet`` mutation (a compatible change of the same kind) must
produce neither that id nor anything breaking from that rule.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from contract.findings import Finding, Level
from contract.review.align import DocumentPair
from contract.review.rules import REGISTRY, run_rules

Document = dict[str, Any]
Mutation = Callable[[Document], object]


def schema(document: Document, name: str) -> Document:
    return document["components"]["schemas"][name]


def prop(document: Document, name: str, field: str) -> Document:
    return schema(document, name)["properties"][field]


def operation(document: Document, path: str, method: str) -> Document:
    return document["paths"][path][method]


def response(document: Document, name: str) -> Document:
    return document["components"]["responses"][name]


def parameter(document: Document, name: str) -> Document:
    return document["components"]["parameters"][name]


def add_path(document: Document) -> None:
    document["paths"]["/v1/tags"] = {"get": copy.deepcopy(operation(document, "/v1/issues", "get"))}
    document["paths"]["/v1/tags"]["get"]["operationId"] = "listTags"


def remove_path_after_deprecation(document: Document) -> None:
    del document["paths"]["/v1/issues/{issueId}"]


def add_query_parameter(required: bool) -> Mutation:
    def change(document: Document) -> None:
        operation(document, "/v1/customers", "get")["parameters"].append(
            {"name": "region", "in": "query", "required": required, "schema": {"type": "string"}}
        )

    return change


def delete_webhook_with_body(document: Document) -> None:
    body = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    operation(document, "/v1/webhooks/{webhookId}", "delete")["requestBody"] = body


def replace_media_type(container: Document, new_type: str, keep: bool) -> None:
    content = container["content"]
    content[new_type] = copy.deepcopy(content["application/json"])
    if not keep:
        del content["application/json"]


def remove_required(document: Document, name: str, field: str) -> None:
    del schema(document, name)["properties"][field]
    schema(document, name)["required"].remove(field)


def add_property(name: str, field: str, required: bool) -> Mutation:
    def change(document: Document) -> None:
        schema(document, name)["properties"][field] = {"type": "string", "maxLength": 50}
        if required:
            schema(document, name).setdefault("required", []).append(field)

    return change


def make_required(name: str, field: str) -> Mutation:
    return lambda document: schema(document, name).setdefault("required", []).append(field)


def make_optional(name: str, field: str) -> Mutation:
    return lambda document: schema(document, name)["required"].remove(field)


def set_keyword(name: str, field: str, keyword: str, value: object) -> Mutation:
    return lambda document: prop(document, name, field).__setitem__(keyword, value)


def company_field(document: Document, field: str) -> Document:
    return prop(document, "CustomerImportItem", "company")["properties"][field]


def rate_limit_headers(document: Document, name: str) -> Document:
    return response(document, name)["headers"]


@dataclass(frozen=True)
class Case:
    rule: str  # the rule function's name
    fires: Mutation
    expected: str  # rule id the fires mutation must produce
    pointer: str  # ...at this JSON pointer
    quiet: Mutation
    operation: str | None = None  # ...seen through this operation (when the rule is per operation)


CASES = [
    Case(
        "removed_paths",
        lambda d: d["paths"].pop("/v1/issues/{issueId}"),
        "api-path-removed-without-deprecation",
        "/paths",
        add_path,
    ),
    Case(
        "removed_operations",
        lambda d: d["paths"]["/v1/webhooks/{webhookId}"].pop("delete"),
        "api-removed-without-deprecation",
        "/paths/~1v1~1webhooks~1{webhookId}",
        lambda d: operation(d, "/v1/webhooks/{webhookId}", "delete").__setitem__("deprecated", True),
        "DELETE /v1/webhooks/{webhookId}",
    ),
    Case(
        "added_operations",
        add_path,
        "endpoint-added",
        "/paths/~1v1~1tags/get",
        lambda d: operation(d, "/v1/issues", "get").__setitem__("summary", "List the issues"),
        "GET /v1/tags",
    ),
    Case(
        "operation_id_changed",
        lambda d: operation(d, "/v1/sessions/{sessionId}", "get").__setitem__("operationId", "fetchSession"),
        "api-operation-id-removed",
        "/paths/~1v1~1sessions~1{sessionId}/get/operationId",
        lambda d: operation(d, "/v1/sessions/{sessionId}", "get").__setitem__("summary", "Read a session"),
        "GET /v1/sessions/{sessionId}",
    ),
    Case(
        "security_requirements",
        lambda d: operation(d, "/v1/sessions", "get").__setitem__("security", [{"apiKeyHeader": []}]),
        "api-security-removed",
        "/paths/~1v1~1sessions/get/security",
        lambda d: operation(d, "/v1/sessions", "get").__setitem__("security", [{"bearerAuth": []}, {}]),
        "GET /v1/sessions",
    ),
    Case(
        "security_schemes",
        lambda d: d["components"]["securitySchemes"]["bearerAuth"].__setitem__("scheme", "basic"),
        "api-security-component-type-changed",
        "/components/securitySchemes/bearerAuth",
        lambda d: d["components"]["securitySchemes"]["bearerAuth"].__setitem__("description", "Keys."),
    ),
    Case(
        "removed_parameters",
        lambda d: operation(d, "/v1/customers", "get")["parameters"].remove({"$ref": "#/components/parameters/Search"}),
        "request-parameter-removed",
        "/paths/~1v1~1customers/get/parameters",
        lambda d: parameter(d, "Search").__setitem__("description", "Substring match."),
        "GET /v1/customers",
    ),
    Case(
        "added_parameters",
        add_query_parameter(required=True),
        "new-required-request-parameter",
        "/paths/~1v1~1customers/get/parameters/6",
        add_query_parameter(required=False),
        "GET /v1/customers",
    ),
    Case(
        "parameter_requiredness",
        lambda d: parameter(d, "Limit").__setitem__("required", True),
        "request-parameter-became-required",
        "/components/parameters/Limit",
        lambda d: parameter(d, "Limit").__setitem__("deprecated", True),
        "GET /v1/sessions",
    ),
    Case(
        "request_body_requiredness",
        delete_webhook_with_body,
        "request-body-added-required",
        "/paths/~1v1~1webhooks~1{webhookId}/delete/requestBody",
        lambda d: d["components"]["requestBodies"]["SessionCreate"].__setitem__("required", False),
        "DELETE /v1/webhooks/{webhookId}",
    ),
    Case(
        "request_media_types",
        lambda d: replace_media_type(d["components"]["requestBodies"]["SessionCreate"], "text/plain", keep=False),
        "request-body-media-type-removed",
        "/components/requestBodies/SessionCreate/content",
        lambda d: replace_media_type(d["components"]["requestBodies"]["SessionCreate"], "text/plain", keep=True),
        "POST /v1/sessions",
    ),
    Case(
        "status_removed",
        lambda d: operation(d, "/v1/sessions/{sessionId}", "get")["responses"].pop("404"),
        "response-non-success-status-removed",
        "/paths/~1v1~1sessions~1{sessionId}/get/responses",
        lambda d: operation(d, "/v1/sessions/{sessionId}", "get")["responses"].__setitem__(
            "409", {"$ref": "#/components/responses/NotFound"}
        ),
        "GET /v1/sessions/{sessionId}",
    ),
    Case(
        "status_added",
        lambda d: operation(d, "/v1/sessions", "post")["responses"].__setitem__(
            "202", {"description": "Accepted for later."}
        ),
        "response-success-status-added",
        "/paths/~1v1~1sessions/post/responses/202",
        lambda d: operation(d, "/v1/sessions", "post")["responses"].__setitem__(
            "409", {"$ref": "#/components/responses/NotFound"}
        ),
        "POST /v1/sessions",
    ),
    Case(
        "response_media_types",
        lambda d: replace_media_type(response(d, "IssueDetail"), "text/csv", keep=False),
        "response-media-type-removed",
        "/components/responses/IssueDetail/content",
        lambda d: replace_media_type(response(d, "IssueDetail"), "text/csv", keep=True),
        "GET /v1/issues/{issueId}",
    ),
    Case(
        "response_headers",
        lambda d: operation(d, "/v1/sessions", "post")["responses"]["201"]["headers"].pop("Location"),
        "required-response-header-removed",
        "/paths/~1v1~1sessions/post/responses/201/headers",
        lambda d: operation(d, "/v1/sessions", "post")["responses"]["201"]["headers"].__setitem__(
            "X-Request-Id", {"schema": {"type": "string"}}
        ),
        "POST /v1/sessions",
    ),
    Case(
        "properties_removed",
        lambda d: remove_required(d, "Issue", "title"),
        "response-required-property-removed",
        "/components/schemas/Issue/properties/title",
        add_property("Issue", "reach", required=False),
        "GET /v1/issues/{issueId}",
    ),
    Case(
        "properties_added",
        add_property("SessionCreate", "channel", required=True),
        "new-required-request-property",
        "/components/schemas/SessionCreate/properties/channel",
        add_property("SessionCreate", "channel", required=False),
        "POST /v1/sessions",
    ),
    Case(
        "requiredness_changed",
        make_required("SessionCreate", "name"),
        "request-property-became-required",
        "/components/schemas/SessionCreate/properties/name",
        make_optional("SessionCreate", "message"),
        "POST /v1/sessions",
    ),
    Case(
        "types_changed",
        set_keyword("Session", "message_count", "type", "string"),
        "response-property-type-changed",
        "/components/schemas/Session/properties/message_count",
        lambda d: company_field(d, "employee_count").__setitem__("type", "number"),
        "GET /v1/sessions/{sessionId}",
    ),
    Case(
        "nullability_changed",
        set_keyword("Issue", "title", "nullable", True),
        "response-property-became-nullable",
        "/components/schemas/Issue/properties/title",
        set_keyword("SessionCreate", "name", "nullable", True),
        "GET /v1/issues",
    ),
    Case(
        "request_enums",
        lambda d: schema(d, "IssuePriority")["enum"].remove("high"),
        "request-parameter-enum-value-removed",
        "/components/schemas/IssuePriority",
        lambda d: schema(d, "IssuePriority")["enum"].append("urgent"),
        "GET /v1/issues",
    ),
    Case(
        "response_enums",
        lambda d: schema(d, "IssuePriority")["enum"].append("urgent"),
        "response-property-enum-value-added",
        "/components/schemas/IssuePriority",
        lambda d: schema(d, "IssuePriority")["enum"].remove("low"),
        "GET /v1/issues/{issueId}",
    ),
    Case(
        "request_constraints",
        set_keyword("SessionCreate", "message", "maxLength", 5000),
        "request-property-max-length-decreased",
        "/components/schemas/SessionCreate/properties/message",
        set_keyword("SessionCreate", "message", "maxLength", 20000),
        "POST /v1/sessions",
    ),
    Case(
        "response_constraints",
        set_keyword("Session", "name", "maxLength", 500),
        "response-property-max-length-increased",
        "/components/schemas/Session/properties/name",
        set_keyword("Session", "name", "maxLength", 60),
        "GET /v1/sessions/{sessionId}",
    ),
    Case(
        "variants_changed",
        lambda d: schema(d, "KnowledgeSourceCreate")["oneOf"].pop(),
        "request-property-one-of-removed",
        "/components/schemas/CodebaseSourceCreate",
        lambda d: schema(d, "KnowledgeSourceCreate")["oneOf"].append(
            {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
        ),
        "POST /v1/knowledge-sources",
    ),
    Case(
        "rate_limit_headers_changed",
        lambda d: rate_limit_headers(d, "BadRequest").pop("X-RateLimit-Reset"),
        "hissuno-rate-limit-headers-changed",
        "/components/responses/BadRequest/headers",
        lambda d: d["components"]["headers"]["X-RateLimit-Limit"].__setitem__("description", "Per window."),
        "GET /v1/sessions",
    ),
    Case(
        "error_schema_changed",
        lambda d: schema(d, "Error")["properties"].pop("details"),
        "hissuno-error-schema-changed",
        "/components/schemas/Error",
        lambda d: schema(d, "Error")["properties"].__setitem__("code", {"type": "string"}),
    ),
    Case(
        "event_types_changed",
        lambda d: schema(d, "EventType")["enum"].remove("issue.upvoted"),
        "hissuno-webhook-event-type-removed",
        "/components/schemas/EventType",
        lambda d: schema(d, "EventType")["enum"].append("issue.closed"),
    ),
    Case(
        "payload_fields",
        lambda d: schema(d, "WebhookEvent")["properties"].pop("created_at"),
        "hissuno-webhook-payload-field-removed",
        "/components/schemas/WebhookEvent/properties/created_at",
        add_property("WebhookEvent", "attempt", required=False),
        "POST /v1/webhooks",
    ),
]

RULES = {rule.name: rule for rule in REGISTRY}


def run_one(rule_name: str, base: Document, change: Mutation) -> list[Finding]:
    head = copy.deepcopy(base)
    change(head)
    return RULES[rule_name](DocumentPair("v1", base, head))


def test_every_rule_has_a_case() -> None:
    assert sorted(RULES) == sorted(case.rule for case in CASES)


def test_rule_ids_are_oasdiff_style_or_ours() -> None:
    ids = {check.rule_id for rule in REGISTRY for check in rule.emits}
    assert all(rule_id == rule_id.lower() and " " not in rule_id for rule_id in ids)
    assert {"api-path-removed-without-deprecation", "response-required-property-removed"} <= ids
    assert {rule_id for rule_id in ids if rule_id.startswith("hissuno-")} >= {
        "hissuno-rate-limit-headers-changed",
        "hissuno-error-schema-changed",
        "hissuno-webhook-event-type-removed",
        "hissuno-webhook-payload-field-removed",
    }


def test_our_spec_against_itself_has_no_findings(v1_spec: Document, internal_spec: Document) -> None:
    assert run_rules(DocumentPair("v1", v1_spec, copy.deepcopy(v1_spec))) == []
    assert run_rules(DocumentPair("internal", internal_spec, copy.deepcopy(internal_spec))) == []


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
def test_rule_fires_on_breaking_change_and_stays_quiet_on_compatible_one(case: Case, v1_spec: Document) -> None:
    fired = run_one(case.rule, v1_spec, case.fires)
    matching = [finding for finding in fired if finding.rule_id == case.expected]
    assert matching, f"{case.expected} did not fire; got {[finding.rule_id for finding in fired]}"
    assert case.pointer in {finding.pointer for finding in matching}
    if case.operation is not None:
        assert case.operation in {finding.operation for finding in matching}
    assert all(finding.document == "v1" and finding.message for finding in matching)

    quiet = run_one(case.rule, v1_spec, case.quiet)
    assert case.expected not in {finding.rule_id for finding in quiet}
    assert not [finding for finding in quiet if finding.level is Level.BREAKING]


def test_removing_a_deprecated_path_only_warns_but_still_needs_a_major(v1_spec: Document) -> None:
    def deprecate_then_remove(document: Document) -> None:
        for method in ("get", "patch"):
            operation(document, "/v1/issues/{issueId}", method)["deprecated"] = True

    base = copy.deepcopy(v1_spec)
    deprecate_then_remove(base)
    findings = run_one("removed_paths", base, remove_path_after_deprecation)
    assert [(finding.rule_id, finding.level) for finding in findings] == [
        ("api-path-removed-with-deprecation", Level.WARNING)
    ]
    assert findings[0].bump.label == "major"


def test_removing_a_success_status_is_its_own_rule_id(v1_spec: Document) -> None:
    findings = run_one("status_removed", v1_spec, lambda d: operation(d, "/v1/issues", "get")["responses"].pop("200"))
    assert [finding.rule_id for finding in findings] == ["response-success-status-removed"]


def test_new_webhook_event_type_is_not_a_widened_response_enum(v1_spec: Document) -> None:
    """Subscribers choose events by name, so a new event type reaches nobody who did not ask for it."""
    head = copy.deepcopy(v1_spec)
    schema(head, "EventType")["enum"].append("issue.closed")
    ids = {finding.rule_id for finding in run_rules(DocumentPair("v1", v1_spec, head))}
    assert "hissuno-webhook-event-type-added" in ids
    assert "response-property-enum-value-added" not in ids
    assert "request-property-enum-value-added" in ids


def test_error_response_switching_away_from_the_shared_schema_fires(v1_spec: Document) -> None:
    def inline_not_found(document: Document) -> None:
        response(document, "NotFound")["content"]["application/json"]["schema"] = {
            "type": "object",
            "properties": {"message": {"type": "string"}},
        }

    findings = run_one("error_schema_changed", v1_spec, inline_not_found)
    assert {finding.rule_id for finding in findings} == {"hissuno-error-schema-changed"}
    assert "/components/responses/NotFound/content/application~1json" in {finding.pointer for finding in findings}


def test_rate_limit_header_definition_change_fires_once_per_response(v1_spec: Document) -> None:
    def retype(document: Document) -> None:
        document["components"]["headers"]["X-RateLimit-Limit"]["schema"]["type"] = "string"

    findings = run_one("rate_limit_headers_changed", v1_spec, retype)
    assert findings and {finding.pointer for finding in findings} == {"/components/headers/X-RateLimit-Limit"}
    assert "schema.type" in findings[0].message


def test_renamed_path_parameter_is_not_a_removed_path(v1_spec: Document) -> None:
    def rename(document: Document) -> None:
        item = document["paths"].pop("/v1/issues/{issueId}")
        item["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        document["paths"]["/v1/issues/{id}"] = item

    head = copy.deepcopy(v1_spec)
    rename(head)
    breaking = [f for f in run_rules(DocumentPair("v1", v1_spec, head)) if f.level is Level.BREAKING]
    assert "api-path-removed-without-deprecation" not in {finding.rule_id for finding in breaking}
    assert "request-parameter-removed" not in {finding.rule_id for finding in breaking}


NULL_BRANCH_30 = {"type": "object", "nullable": True, "enum": [None]}


def _company_as(form: Document) -> Mutation:
    def change(document: Document) -> None:
        schema(document, "Customer")["properties"]["company"] = copy.deepcopy(form)

    return change


ALL_OF_NULLABLE = {"allOf": [{"$ref": "#/components/schemas/Company"}], "nullable": True}
ONE_OF_NULL_BRANCH = {"description": "Or null.", "oneOf": [{"$ref": "#/components/schemas/Company"}, NULL_BRANCH_30]}
ANY_OF_NULL_TYPE = {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Company"}]}


@pytest.mark.parametrize(
    "before, after", [(ALL_OF_NULLABLE, ONE_OF_NULL_BRANCH), (ONE_OF_NULL_BRANCH, ANY_OF_NULL_TYPE)]
)
def test_the_ways_of_allowing_null_read_alike(v1_spec: Document, before: Document, after: Document) -> None:
    """``allOf`` + ``nullable``, a ``oneOf`` with a ``{nullable, enum: [null]}`` branch and a 3.1 null branch
    are one schema: switching forms is no change (oasdiff's NULLABILITY rules)."""
    base, head = copy.deepcopy(v1_spec), copy.deepcopy(v1_spec)
    _company_as(before)(base)
    _company_as(after)(head)
    assert run_rules(DocumentPair("v1", base, head)) == []


def test_wrapping_a_response_schema_with_a_null_branch_is_became_nullable(v1_spec: Document) -> None:
    head = copy.deepcopy(v1_spec)
    base = copy.deepcopy(v1_spec)
    _company_as({"$ref": "#/components/schemas/Company"})(base)
    _company_as(ONE_OF_NULL_BRANCH)(head)
    findings = run_rules(DocumentPair("v1", base, head))
    breaking = {finding.rule_id for finding in findings if finding.level is Level.BREAKING}
    assert breaking == {"response-property-became-nullable", "hissuno-webhook-payload-field-type-changed"}
    assert not {finding.rule_id for finding in findings} & {"response-property-one-of-added",
                                                            "response-property-type-changed"}


def test_a_three_one_type_array_is_nullable(v1_spec: Document) -> None:
    head = copy.deepcopy(v1_spec)
    prop(head, "Issue", "title")["type"] = ["string", "null"]
    findings = run_rules(DocumentPair("v1", v1_spec, head))
    breaking = {finding.rule_id for finding in findings if finding.level is Level.BREAKING}
    assert breaking == {"response-property-became-nullable", "hissuno-webhook-payload-field-type-changed"}
    assert "response-property-type-changed" not in {finding.rule_id for finding in findings}
