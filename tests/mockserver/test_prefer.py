"""``Prefer``: every declared status code and every named example of every operation of both documents,
made-up data that holds to the contract, the 400s that list what is available, and where a rehearsal sits
in the check order (401 → 403 → 429 → 400 → 422/404).

Every response goes through the contract checker (status declared, headers present, body valid).
"""

from __future__ import annotations

import time

import pytest

from contract.pointer import resolve
from contract.spec import DOCUMENTS, bundled, operations
from mockserver.pipeline.errors import ApiError
from mockserver.pipeline.prefer import MAX_DELAY_MS, Preference, parse_prefer
from tests.support.client import RATE_LIMIT_HEADERS, MockClient
from tests.support.keys import Keys

NW = "proj_northwind"
IDS = {"{projectId}": NW, "{sessionId}": "sess_x", "{issueId}": "iss_x", "{webhookId}": "whk_x", "{sourceId}": "ks_x"}
OPERATIONS = [(name, path, method, op) for name in DOCUMENTS for path, method, op in operations(bundled(name))]
CASES = [(name, path, method, op, int(code)) for name, path, method, op in OPERATIONS for code in op["responses"]]
EXAMPLES = [
    (name, path, method, op, int(code), example)
    for name, path, method, op in OPERATIONS
    for code, response in op["responses"].items()
    for example in (((resolve(bundled(name), response).get("content") or {}).get("application/json") or {})
                    .get("examples") or {})
]


def concrete(path: str) -> str:
    for template, value in IDS.items():
        path = path.replace(template, value)
    return path


def request_body(document: dict, operation: dict):
    if "requestBody" not in operation:
        return None
    media = resolve(document, operation["requestBody"])["content"]["application/json"]
    return resolve(document, next(iter(media["examples"].values())))["value"]


def declared(document: dict, operation: dict, code: int) -> dict:
    response = resolve(document, operation["responses"][str(code)])
    return ((response.get("content") or {}).get("application/json") or {})


def example_value(document: dict, operation: dict, code: int, name: str | None = None):
    examples = declared(document, operation, code).get("examples") or {}
    if not examples:
        return None
    return resolve(document, examples[name] if name else next(iter(examples.values())))["value"]


def ask(client: MockClient, method: str, path: str, prefer: str, key: str | None, body=None):
    return client.request(method.upper(), path, key=key, json=body, headers={"Prefer": prefer})


def case_id(case: tuple) -> str:
    return f"{case[0]}:{case[3]['operationId']}:" + ":".join(str(part) for part in case[4:])


@pytest.mark.parametrize(("name", "template", "method", "operation", "code"), CASES, ids=map(case_id, CASES))
def test_every_declared_code_of_every_operation(client: MockClient, keys: Keys, name: str, template: str,
                                                method: str, operation: dict, code: int) -> None:
    document = bundled(name)
    response = ask(client, method, concrete(template), f"code={code}", keys.get(NW, "full"),
                   request_body(document, operation))
    assert response.status_code == code
    expected = example_value(document, operation, code)
    if code == 204:
        assert response.content == b""
    elif expected is not None:
        assert response.json() == expected
    with_window = code not in (401, 500, 503, 507)
    assert all(header in response.headers for header in RATE_LIMIT_HEADERS) == with_window
    assert ("Retry-After" in response.headers) == (code in (429, 503))
    if code == 201:
        assert response.headers["Location"] == f"{concrete(template)}/{response.json()['id']}"


@pytest.mark.parametrize(("name", "template", "method", "operation", "code", "example"), EXAMPLES,
                         ids=map(case_id, EXAMPLES))
def test_every_named_example_of_every_response(client: MockClient, keys: Keys, name: str, template: str,
                                               method: str, operation: dict, code: int, example: str) -> None:
    document = bundled(name)
    body = request_body(document, operation)
    key = keys.get(NW, "full")
    with_code = ask(client, method, concrete(template), f"code={code}, example={example}", key, body)
    assert with_code.status_code == code
    assert with_code.json() == example_value(document, operation, code, example)
    owners = sorted((int(c) for c in operation["responses"] if example in (declared(document, operation, int(c))
                                                                          .get("examples") or {})),
                    key=lambda c: (not 200 <= c < 300, c))
    alone = ask(client, method, concrete(template), f"example={example}", key, body)
    assert alone.status_code == owners[0]  # without a code: the 2xx response declaring it, else the lowest


@pytest.mark.parametrize(("name", "template", "method", "operation"), OPERATIONS,
                         ids=[f"{n}:{op['operationId']}" for n, _, _, op in OPERATIONS])
def test_dynamic_answers_hold_to_the_contract(client: MockClient, keys: Keys, name: str, template: str,
                                              method: str, operation: dict) -> None:
    document = bundled(name)
    success = min(int(code) for code in operation["responses"] if code.startswith("2"))
    bodies = []
    for _ in range(8):
        response = ask(client, method, concrete(template), "dynamic=true", keys.get(NW, "full"),
                       request_body(document, operation))
        assert response.status_code == success
        bodies.append(response.content)
    if operation["operationId"].startswith("list"):
        assert len(set(bodies)) == 1, "a made-up list answers the same page to the same query"
    elif success != 204:
        assert len(set(bodies)) > 1, "made-up data changes from one request to the next"


def test_dynamic_lists_are_pages_of_one_made_up_set(client: MockClient, keys: Keys) -> None:
    """The pages of a made-up list agree: the same ``total`` on each, disjoint, together ``total`` rows."""
    key = keys.get(NW, "read-only")
    first = ask(client, "get", "/v1/issues?limit=7", "dynamic=true", key).json()
    assert first["limit"] == 7 and first["offset"] == 0 and len(first["data"]) == min(7, first["total"])
    seen = []
    for offset in range(0, first["total"], 7):
        page = ask(client, "get", f"/v1/issues?limit=7&offset={offset}", "dynamic=true", key).json()
        assert page["total"] == first["total"] and page["offset"] == offset
        seen.extend(issue["id"] for issue in page["data"])
    assert len(seen) == len(set(seen)) == first["total"] > 7
    real = client.get("/v1/issues?limit=100", key=key).json()
    assert not {issue["id"] for issue in real["data"]} & set(seen), "made up, not the project's issues"


def test_undeclared_code_is_a_400_listing_the_declared_ones(client: MockClient, keys: Keys) -> None:
    response = ask(client, "get", "/v1/sessions", "code=404", keys.get(NW, "read-only"))
    assert response.status_code == 400
    assert response.json()["error"] == ("Prefer code=404 is not declared for listSessions; "
                                        "declared: 200, 400, 401, 403, 429, 500, 503.")


def test_unknown_example_is_a_400_listing_the_declared_ones(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "read-only")
    for_code = ask(client, "get", "/v1/sessions/sess_x", "code=404, example=gone", key)
    assert for_code.status_code == 400 and "its examples: not_found." in for_code.json()["error"]
    anywhere = ask(client, "get", "/v1/sessions", "example=gone", key)
    assert anywhere.status_code == 400
    assert "page (200), empty (200), malformed_json (400)" in anywhere.json()["error"]


@pytest.mark.parametrize(("header", "message"), [
    ("code=abc", "Prefer code must be an HTTP status code such as 404, not 'abc'."),
    ("code=4040", "Prefer code must be an HTTP status code"),
    ("dynamic=maybe", "Prefer dynamic must be true or false"),
    (f"delay={MAX_DELAY_MS + 1}", "Prefer delay must be a number of milliseconds from 0 to 10000"),
    ("delay=-5", "Prefer delay must be a number of milliseconds"),
    ("code=404 404", "Prefer header is malformed"),
    ("example=", "Prefer example must name one of the operation's examples."),
])
def test_malformed_preferences_are_400s(client: MockClient, keys: Keys, header: str, message: str) -> None:
    response = ask(client, "get", "/v1/issues", header, keys.get(NW, "read-only"))
    assert response.status_code == 400 and response.json()["error"].startswith(message)


def test_parsing_follows_rfc_7240() -> None:
    assert parse_prefer(["code=404, example=not_found"]) == Preference(code=404, example="not_found")
    assert parse_prefer(["Code=404; Example=\"not_found\""]) == Preference(code=404, example="not_found")
    assert parse_prefer(["return=minimal, respond-async, wait=5"]) == Preference()  # unknown: ignored
    assert parse_prefer(["code=500", "code=404"]) == Preference(code=500)  # the first one counts
    assert parse_prefer(["dynamic=TRUE, delay=0"]) == Preference(dynamic=True)
    assert parse_prefer([f"delay={MAX_DELAY_MS}"]).delay_ms == MAX_DELAY_MS
    with pytest.raises(ApiError):
        parse_prefer(["code==404"])


# --- where a rehearsal sits in the check order ---------------------------------------------------------


def remaining(response) -> int:
    return int(response.headers["X-RateLimit-Remaining"])


def test_code_401_works_with_a_valid_key_and_without_one(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "standard")
    with_key = ask(client, "get", "/v1/sessions", "code=401, example=invalid_key", key)
    assert with_key.status_code == 401 and with_key.json() == {"error": "Invalid API key."}
    assert ask(client, "get", "/v1/sessions", "code=401", None).json() == {"error": "Unauthorized."}
    assert remaining(client.get("/v1/sessions", key=key)) == 299  # the rehearsed 401 was not counted


def test_other_codes_need_a_valid_key(client: MockClient, keys: Keys) -> None:
    for header in ("code=500", "example=empty", "dynamic=true", "code=abc"):
        response = ask(client, "get", "/v1/sessions", header, keys.get(NW, "revoked"))
        assert response.status_code == 401 and response.json() == {"error": "Invalid API key."}


def test_the_keys_real_403_comes_first(client: MockClient, keys: Keys) -> None:
    read_only = keys.get(NW, "read-only")
    body = {"customer_email": "a@b.io", "message": "hi"}
    assert ask(client, "post", "/v1/sessions", "code=201", read_only, body).status_code == 403
    other = keys.get("proj_lumen", "full")
    assert ask(client, "get", f"/api/projects/{NW}/issues", "code=200", other).status_code == 403


def test_rehearsed_403_and_429_are_not_counted(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "standard")
    client.get("/v1/issues", key=key)
    forbidden = ask(client, "get", "/v1/issues", "code=403", key)
    assert forbidden.status_code == 403 and remaining(forbidden) == 299
    limited = ask(client, "get", "/v1/issues", "code=429", key)
    assert limited.status_code == 429 and limited.json() == {"error": "Rate limit exceeded."}
    assert remaining(limited) == 0 and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["RateLimit"].startswith('"pro";r=0;t=')
    assert remaining(client.get("/v1/issues", key=key)) == 298


def test_the_real_rate_limit_comes_before_a_rehearsal(make_client, keys: Keys) -> None:
    mock = make_client(rate_limits={"pro": "2/minute"})
    key = keys.get(NW, "rate-limit")
    assert ask(mock, "get", "/v1/issues", "code=500", key).status_code == 500  # counted
    assert ask(mock, "get", "/v1/issues", "example=page", key).status_code == 200
    assert ask(mock, "get", "/v1/issues", "code=200", key).status_code == 429
    assert ask(mock, "get", "/v1/issues", "code=abc", key).status_code == 429  # 429 before the 400


def test_request_validation_comes_before_a_rehearsal(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "standard")
    invalid = ask(client, "post", "/v1/sessions", "code=201", key, {"customer_email": "not an email"})
    assert invalid.status_code == 422 and invalid.json()["error"] == "Validation failed."
    assert ask(client, "get", "/v1/issues?limit=0", "code=200", key).status_code == 400


def test_rehearsals_change_nothing(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "standard")
    total = client.get("/v1/sessions?limit=1", key=key).json()["total"]
    body = {"customer_email": "a@b.io", "message": "hi"}
    for header in ("code=201", "dynamic=true", "code=500", "code=422"):
        ask(client, "post", "/v1/sessions", header, key, body)
    assert client.get("/v1/sessions?limit=1", key=key).json()["total"] == total
    full = keys.get(NW, "full")
    webhook = client.post("/v1/webhooks", key=full, json={"url": "https://x.io/h", "events": ["issue.created"]})
    assert ask(client, "delete", f"/v1/webhooks/{webhook.json()['id']}", "code=204", full).status_code == 204
    assert client.get(f"/v1/webhooks/{webhook.json()['id']}", key=full).status_code == 200


def test_delay_slows_the_real_answer(client: MockClient, keys: Keys) -> None:
    key = keys.get(NW, "read-only")
    started = time.monotonic()
    response = ask(client, "get", "/v1/issues?limit=2", "delay=200", key)
    assert time.monotonic() - started >= 0.2  # asyncio.sleep never returns early
    assert response.status_code == 200 and response.json() == client.get("/v1/issues?limit=2", key=key).json()


def test_prefer_is_ignored_outside_the_contract(client: MockClient) -> None:
    assert client.request("GET", "/__mock/keys", headers={"Prefer": "code=500"}).status_code == 200
    assert client.request("GET", "/v1/openapi.json", headers={"Prefer": "code=abc"}).status_code == 200
