"""The hostile corpus, continued: requests that cost more than their size (issue 13, item 1) and parsing that
was looser than the contract (item 5), judged as :mod:`tests.hardening.test_hostile_corpus` judges its own
(a 4xx ``{"error"}`` that conforms to the operation, then a healthy server).

Paths that are no operation's (a trailing slash, a dot segment) are judged as answers outside the contract:
``Hostile.by_http_layer`` skips the operation's judge, which would read ``/v1/sessions/.`` as a session id.
"""

from __future__ import annotations

import json

import pytest

from tests.hardening.rawhttp import exchange, request_bytes
from tests.hardening.test_hostile_corpus import (
    BAD,
    INVALID,
    NOT_FOUND,
    TOO_LARGE,
    Hostile,
    Target,
    assert_healthy,
    contract,  # noqa: F401 - a fixture
    get,
    judge,
    post,
    target,  # noqa: F401 - a fixture
    with_key,
)
from tests.support.judging import ContractJudge

pytestmark = pytest.mark.slow

UNAUTHORIZED = frozenset({401})
SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}


def customers(*items: object) -> bytes:
    return json.dumps({"customers": list(items)}).encode()


def mixed_events(pairs: int) -> bytes:
    events: list[object] = []
    for number in range(pairs):
        events += [number, f"s{number}"]
    return json.dumps({"url": "https://example.com/hook", "events": events}).encode()


def two_keys(first: str, second: str) -> bytes:
    def build(t: Target) -> bytes:
        values = [value.replace("{key}", t.key) for value in (first, second)]
        return request_bytes("GET", "/v1/sessions", [("Authorization", value) for value in values])
    return build  # type: ignore[return-value]


def outside(method: str, path: str, allowed: frozenset[int], *headers: tuple[str, str],
            authorised: bool = True) -> Hostile:
    """A request for a path that is no operation's: judged as an answer outside the contract."""
    return Hostile(method, path, get(path, *headers, method=method, authorised=authorised), allowed,
                   by_http_layer=True)


def preflight(*extra: tuple[str, str], method: str = "GET") -> Hostile:
    headers = (("Origin", "http://localhost:5173"), ("Access-Control-Request-Method", method), *extra)
    return outside("OPTIONS", "/v1/sessions", BAD, *headers, authorised=False)


COSTLY: dict[str, Hostile] = {
    # the examples
    "117 kB of webhook events mixing numbers and strings": Hostile(
        "POST", "/v1/webhooks", post("/v1/webhooks", mixed_events(10_000)), INVALID),
    "200 kB of 100,000 invalid import items": Hostile(
        "POST", "/v1/customers/import", post("/v1/customers/import", customers(*[1] * 100_000)), TOO_LARGE | INVALID),
    "2 MB of a million invalid import items": Hostile(
        "POST", "/v1/customers/import", post("/v1/customers/import", customers(*[1] * 1_000_000)), TOO_LARGE),
    "a 5 MB company industry": Hostile("POST", "/v1/customers/import", post("/v1/customers/import", customers(
        {"email": "a@big.io", "company": {"domain": "big.io", "industry": "x" * 5_000_000}})), INVALID),
    # more of the same classes
    "eleven unsortable events": Hostile("POST", "/v1/webhooks", post("/v1/webhooks", json.dumps(
        {"url": "https://example.com/hook", "events": [1, "a", 2, "b", 3, "c", 4, "d", 5, "e", 6]}).encode()),
        INVALID),
    "duplicate events": Hostile("POST", "/v1/webhooks", post("/v1/webhooks", json.dumps(
        {"url": "https://example.com/hook", "events": ["issue.created", "issue.created"]}).encode()), INVALID),
    "5 MiB of empty arrays": Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", b'{"customers": [' + b"[]," * 1_700_000 + b"[]]}"), TOO_LARGE),
    "a million values in an unknown property": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", json.dumps({**SESSION, "junk": [0] * 1_000_000}).encode()), TOO_LARGE),
    "a custom field holding an object": Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", customers({"email": "o@b.io", "custom_fields": {"x": {"y": 1}}})), INVALID),
    "a 501-character custom field": Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", customers({"email": "o@b.io", "custom_fields": {"x": "y" * 501}})), INVALID),
    "a 201-character company country": Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", customers({"email": "o@b.io", "company": {"domain": "b.io", "country": "c" * 201}})),
        INVALID),
    "an unterminated string of 100,000 escaped quotes": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b'{"message": "' + b'\\"' * 100_000), BAD),
    "65 levels, never 65 brackets in a row": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b"[[]," * 65 + b"[]" + b"]" * 65), BAD),
    "500 rows with every field wrong": Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", customers(*[{"email": [1], "name": [1], "notes": [1], "company": {"domain": [1]}}]
                                          * 500)), INVALID),
}

STRICT: dict[str, Hostile] = {
    # the examples
    "a superscript digit as Prefer delay": Hostile("GET", "/v1/sessions", get("/v1/sessions", ("Prefer", "delay=\xb2")),
                                                  BAD),
    "a key with a trailing no-break space": Hostile("GET", "/v1/sessions", with_key(b"Bearer {key}\xa0"),
                                                   UNAUTHORIZED),
    "two Authorization headers": Hostile("GET", "/v1/sessions", two_keys("Bearer {key}", "Bearer hss_other"), BAD),
    "a trailing slash, with Host pointing elsewhere": Hostile("GET", "/v1/sessions/", lambda t: request_bytes(
        "GET", "/v1/sessions/", [t.auth], host="evil.example"), NOT_FOUND, by_http_layer=True),
    "a dot segment": outside("GET", "/v1/./sessions", NOT_FOUND),
    "GET with a 6 MiB Content-Length (413 is not declared for it)": Hostile("GET", "/v1/sessions", get(
        "/v1/sessions", ("Content-Length", str(6 * 1024 * 1024))), frozenset({200})),
    "a private-network preflight": preflight(("Access-Control-Request-Private-Network", "true")),
    # more of the same classes
    "a superscript digit as limit": Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=%C2%B2"), BAD),
    "Arabic-Indic digits as offset": Hostile("GET", "/v1/sessions", get("/v1/sessions?offset=%D9%A3"), BAD),
    "fullwidth digits as limit": Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=%EF%BC%95"), BAD),
    "a plus sign before limit": Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=%2B5"), BAD),
    "an underscore inside limit": Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=5_0"), BAD),
    "a space before limit": Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=%205"), BAD),
    "Arabic-Indic digits as Prefer code": Hostile("GET", "/v1/sessions", get(
        "/v1/sessions", ("Prefer", "code=\u0664\u0660\u0664".encode().decode("latin-1"))), BAD),
    "a no-break space after Prefer code": Hostile("GET", "/v1/sessions", get(
        "/v1/sessions", ("Prefer", "code=404\xa0")), BAD),
    "a key with a trailing NEL": Hostile("GET", "/v1/sessions", with_key(b"Bearer {key}\x85"), UNAUTHORIZED),
    "a key after a no-break space": Hostile("GET", "/v1/sessions", with_key(b"Bearer\xa0{key}"), UNAUTHORIZED),
    "two identical Authorization headers": Hostile("GET", "/v1/sessions", two_keys("Bearer {key}", "Bearer {key}"),
                                                   BAD),
    "two Authorization headers, the first unknown": Hostile("GET", "/v1/sessions",
                                                            two_keys("Bearer hss_unknown", "Bearer {key}"),
                                                            UNAUTHORIZED),
    "a trailing slash on an item": outside("GET", "/v1/sessions/sess_x/", NOT_FOUND),
    "a trailing slash on a control": outside("GET", "/__mock/keys/", NOT_FOUND, authorised=False),
    "a trailing slash on an internal list": outside("GET", "/api/projects/{project}/sessions/", NOT_FOUND),
    "a dot segment as an id": outside("GET", "/v1/sessions/.", NOT_FOUND),
    "an encoded dot-dot segment": outside("GET", "/v1/sessions/%2E%2E", NOT_FOUND),
    "DELETE with a 6 MiB Content-Length": Hostile("DELETE", "/v1/webhooks/whk_missing", get(
        "/v1/webhooks/whk_missing", ("Content-Length", str(6 * 1024 * 1024)), method="DELETE"), NOT_FOUND),
    "a preflight for a method nobody allows": preflight(method="FOO"),
}


@pytest.mark.parametrize("name", list(COSTLY) + list(STRICT))
def test_hostile_input_gets_its_declared_status_as_json(name: str, target: Target, contract: ContractJudge) -> None:  # noqa: F811
    case = COSTLY.get(name) or STRICT[name]
    answer = exchange(target.mock.base_url, case.build(target), timeout=30)
    judge(case, answer, target, contract)
    assert "location" not in answer.headers
    assert_healthy(target)
