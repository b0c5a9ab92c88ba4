"""Hostile input over a real socket: every case gets a 4xx ``{"error"}`` (never a 5xx, HTML or a traceback),
and the server answers a normal request right after it.

The requests are written byte by byte (:mod:`rawhttp`), so the server's HTTP layer (uvicorn, httptools, the
mock's protocol limits) is exercised as much as the app. An answer from an operation of the contract must
also conform to it (status declared, headers, body). A few inputs look hostile but are valid by the
contract (a 10**400 ``employee_count``, five thousand unknown query parameters); they are listed apart
and must be answered like any valid request, and the data they leave behind must not break later reads.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from mockserver.host.protocol import HEAD_TIMEOUT_S
from tests.hardening.rawhttp import RawResponse, address, exchange, read_response, request_bytes
from tests.support.judging import ContractJudge, error_envelope_problems
from tests.support.servers import LiveMock, live_mock

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
TEN_MB = 10_000_000
SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}


@dataclass(frozen=True)
class Target:
    """The mock under attack and whom the requests claim to be."""

    mock: LiveMock
    key: str
    project_id: str
    other_project_id: str

    @property
    def auth(self) -> tuple[str, str]:
        return ("Authorization", f"Bearer {self.key}")


@dataclass(frozen=True)
class Hostile:
    """One request: how to write it, and the answers allowed (always a subset of 4xx, or 2xx when valid)."""

    method: str
    target: str
    build: Callable[[Target], bytes]
    allowed: frozenset[int]
    by_http_layer: bool = False  # answered before the app (malformed HTTP): outside every operation


JSON = ("Content-Type", "application/json")


def post(path: str, body: bytes, *extra: tuple[str, str], content_type: tuple[str, str] | None = JSON,
         authorised: bool = True) -> Callable[[Target], bytes]:
    def build(t: Target) -> bytes:
        headers = [h for h in (t.auth if authorised else None, content_type) if h] + list(extra)
        return request_bytes("POST", path, headers, body)
    return build


def get(target: str | bytes, *extra: tuple[str | bytes, str | bytes], method: str | bytes = "GET",
        authorised: bool = True) -> Callable[[Target], bytes]:
    def build(t: Target) -> bytes:
        resolved = target.replace("{project}", t.project_id).replace("{other}", t.other_project_id) \
            if isinstance(target, str) else target
        return request_bytes(method, resolved, [*([t.auth] if authorised else []), *extra])
    return build


def with_key(value: bytes | str) -> Callable[[Target], bytes]:
    """``GET /v1/sessions`` with an ``Authorization`` header written exactly as given (``{key}`` filled in)."""
    def build(t: Target) -> bytes:
        raw = value if isinstance(value, bytes) else value.encode("latin-1")
        return request_bytes("GET", "/v1/sessions", [("Authorization", raw.replace(b"{key}", t.key.encode()))])
    return build


def chunked(body: bytes, size: int = 64 * 1024) -> bytes:
    parts = [f"{len(body[i:i + size]):x}".encode() + b"\r\n" + body[i:i + size] + b"\r\n"
             for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def chunked_post(path: str, body: bytes) -> Callable[[Target], bytes]:
    def build(t: Target) -> bytes:
        headers = [t.auth, JSON, ("Transfer-Encoding", "chunked")]
        return request_bytes("POST", path, headers, content_length=False) + chunked(body)
    return build


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def import_body(customer: dict) -> bytes:
    return json.dumps({"customers": [customer]}).encode()


def deep_custom_fields(depth: int) -> bytes:
    inner = "[" * depth + "]" * depth
    return ('{"customers": [{"email": "deep@nest.io", "custom_fields": {"x": ' + inner + "}}]}").encode()


BAD = frozenset({400})
INVALID = frozenset({422})
TOO_LARGE = frozenset({413})
NOT_FOUND = frozenset({404})

HOSTILE: dict[str, Hostile] = {
    # --- bodies ---
    "malformed json": Hostile("POST", "/v1/sessions",
                              post("/v1/sessions", b'{"customer_email": "a@b.co", "message": }'), BAD),
    "truncated json": Hostile("POST", "/v1/sessions", post("/v1/sessions", json.dumps(SESSION).encode()[:-9]), BAD),
    "empty body": Hostile("POST", "/v1/sessions", post("/v1/sessions", b""), BAD),
    "10 MB body": Hostile("POST", "/v1/sessions", post("/v1/sessions", b"x" * TEN_MB), TOO_LARGE),
    "10 MB body, chunked": Hostile("POST", "/v1/sessions", chunked_post("/v1/sessions", b" " * TEN_MB), TOO_LARGE),
    "10 MB body without a key": Hostile("POST", "/v1/sessions",  # the key comes first; the body is never read
                                        post("/v1/sessions", b"x" * TEN_MB, authorised=False), frozenset({401})),
    "10 MB JSON import": Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", b'{"customers": [' + b'{"email": "a@b.co"},' * (TEN_MB // 20) + b'{}]}'),
        TOO_LARGE),
    "100k nested arrays": Hostile("POST", "/v1/sessions", post("/v1/sessions", nested(100_000)), BAD),
    "100k nested objects": Hostile("POST", "/v1/sessions",
                                   post("/v1/sessions", b'{"a":' * 100_000 + b"1" + b"}" * 100_000), BAD),
    "300 levels in custom fields": Hostile("POST", "/v1/customers/import",
                                           post("/v1/customers/import", deep_custom_fields(300)), BAD),
    "wrong types": Hostile("POST", "/v1/sessions", post("/v1/sessions", json.dumps(
        {"customer_email": 5, "message": ["x"], "tags": "bug", "user_metadata": [1]}).encode()), INVALID),
    "array instead of object": Hostile("POST", "/v1/sessions", post("/v1/sessions", b"[]"), INVALID),
    "null body": Hostile("POST", "/v1/sessions", post("/v1/sessions", b"null"), frozenset({400, 422})),
    "huge integer as message": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b'{"customer_email": "a@b.co", "message": 1' + b"0" * 400 + b"}"), INVALID),
    "huge integer as limit": Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=1" + "0" * 400), BAD),
    "float beyond double range": Hostile("POST", "/v1/customers/import", post("/v1/customers/import", import_body(
        {"email": "inf@float.io", "company": {"name": "Inf", "domain": "inf.io"}}).replace(
        b'"domain": "inf.io"', b'"domain": "inf.io", "arr": 1e400')), BAD),
    "NaN literal": Hostile("POST", "/v1/customers/import", post("/v1/customers/import", import_body(
        {"email": "nan@float.io", "company": {"name": "N", "domain": "nan.io"}}).replace(
        b'"domain": "nan.io"', b'"domain": "nan.io", "arr": NaN')), BAD),
    "raw control character in a string": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b'{"customer_email": "a@b.co", "message": "a\x01b"}'), BAD),
    "raw NUL in a string": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b'{"customer_email": "a@b.co", "message": "a\x00b"}'), BAD),
    "unpaired surrogate escape": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b'{"customer_email": "a@b.co", "message": "x\\ud800y"}'), BAD),
    "unpaired surrogate in a key": Hostile("POST", "/v1/customers/import", post(
        "/v1/customers/import", b'{"customers": [{"email": "s@u.io", "custom_fields": {"\\udc00": 1}}]}'), BAD),
    "non-UTF-8 body": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b'{"customer_email": "a@b.co", "message": "\xff\xfe"}'), BAD),
    "UTF-16 body": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", json.dumps(SESSION).encode("utf-16"), content_type=("Content-Type",
                                                                            "application/json; charset=utf-16")), BAD),
    "Latin-1 body declared as such": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", '{"customer_email": "a@b.co", "message": "café"}'.encode("latin-1"),
        content_type=("Content-Type", "application/json; charset=iso-8859-1")), BAD),
    "text/plain": Hostile("POST", "/v1/sessions", post("/v1/sessions", json.dumps(SESSION).encode(),
                                                        content_type=("Content-Type", "text/plain")), BAD),
    "form encoded": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b"customer_email=a%40b.co&message=hi",
        content_type=("Content-Type", "application/x-www-form-urlencoded")), BAD),
    "XML": Hostile("POST", "/v1/sessions", post("/v1/sessions", b"<session/>",
                                                 content_type=("Content-Type", "application/xml")), BAD),
    "multipart": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b"--b\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhi\r\n--b--\r\n",
        content_type=("Content-Type", "multipart/form-data; boundary=b")), BAD),
    # --- query strings ---
    "NUL in an integer": Hostile("GET", "/v1/sessions", get("/v1/sessions?limit=1%00"), BAD),
    "newline after an enum value": Hostile("GET", "/v1/sessions", get("/v1/sessions?status=active%0A"), BAD),
    "percent-encoded non-UTF-8": Hostile("GET", "/v1/sessions", get("/v1/sessions?search=%FF%FE"), BAD),
    "raw non-UTF-8 byte in the query": Hostile("GET", "/v1/sessions", get(b"/v1/sessions?search=\xff"), BAD,
                                               by_http_layer=True),
    "raw control byte in the query": Hostile("GET", "/v1/sessions", get(b"/v1/sessions?search=\x01"), BAD,
                                             by_http_layer=True),
    "5000 parameters, one bad": Hostile("GET", "/v1/sessions", get(
        "/v1/sessions?" + "&".join(f"p{i}=1" for i in range(5000)) + "&limit=0"), BAD),
    "5000 repeated limits": Hostile("GET", "/v1/sessions", get("/v1/sessions?" + "&".join(["limit=0"] * 5000)),
                                    BAD),
    # --- headers ---
    "CRLF injection in the key": Hostile("GET", "/v1/sessions", with_key("Bearer hss_x\r\nX-Evil: 1"),
                                         frozenset({401})),
    "bare LF injection in the key": Hostile("GET", "/v1/sessions", with_key("Bearer hss_x\nX-Evil: 1"), BAD,
                                            by_http_layer=True),
    "bare CR in the key": Hostile("GET", "/v1/sessions", with_key("Bearer hss_x\rX-Evil: 1"), BAD,
                                  by_http_layer=True),
    "control byte in the key": Hostile("GET", "/v1/sessions", with_key(b"Bearer hss_\x01\x02"), BAD,
                                       by_http_layer=True),
    "NUL in the key": Hostile("GET", "/v1/sessions", with_key(b"Bearer {key}\x00"), BAD, by_http_layer=True),
    "non-UTF-8 key": Hostile("GET", "/v1/sessions", with_key(b"Bearer hss_\xff\xfe"), frozenset({401})),
    "valid key then junk": Hostile("GET", "/v1/sessions", with_key("Bearer {key} junk"), frozenset({401})),
    "key without the scheme": Hostile("GET", "/v1/sessions", with_key("{key}"), frozenset({401})),
    "8 KiB key": Hostile("GET", "/v1/sessions", with_key("Bearer hss_" + "a" * 8192), frozenset({401})),
    "1 MiB Authorization header": Hostile("GET", "/v1/sessions", with_key("Bearer hss_" + "a" * MIB),
                                          frozenset({431}), by_http_layer=True),
    "10000 headers": Hostile("GET", "/v1/sessions", get("/v1/sessions", *[(f"X-H{i}", "v") for i in range(10_000)]),
                             frozenset({431}), by_http_layer=True),
    # --- paths ---
    "encoded slash in an id": Hostile("GET", "/v1/sessions/a%2Fb", get("/v1/sessions/a%2Fb"), NOT_FOUND),
    "encoded ../ in an id": Hostile("GET", "/v1/sessions/..%2F..%2F__mock%2Fkeys",
                                    get("/v1/sessions/..%2F..%2F__mock%2Fkeys"), NOT_FOUND),
    "raw ../ in the path": Hostile("GET", "/v1/sessions/../../__mock/keys", get("/v1/sessions/../../__mock/keys"),
                                   NOT_FOUND),
    "encoded NUL as an id": Hostile("GET", "/v1/sessions/%00", get("/v1/sessions/%00"), NOT_FOUND),
    "NUL inside an id": Hostile("GET", "/v1/issues/iss_a%00b", get("/v1/issues/iss_a%00b"), NOT_FOUND),
    "encoded non-UTF-8 id": Hostile("GET", "/v1/sessions/%FF%FE", get("/v1/sessions/%FF%FE"), NOT_FOUND),
    "trailing encoded newline": Hostile("GET", "/v1/sessions%0A", get("/v1/sessions%0A"), NOT_FOUND),
    "trailing encoded NUL": Hostile("GET", "/v1/sessions%00", get("/v1/sessions%00"), NOT_FOUND),
    "project escape with encoded slashes": Hostile(
        "GET", "/api/projects/{project}%2F..%2F{other}/sessions",
        get("/api/projects/{project}%2F..%2F{other}/sessions"), frozenset({403})),
    "other project with a NUL": Hostile("GET", "/api/projects/{other}%00/sessions",
                                        get("/api/projects/{other}%00/sessions"), frozenset({403})),
    "8 KiB id": Hostile("GET", "/v1/sessions/" + "a" * 8192, get("/v1/sessions/" + "a" * 8192), BAD),
    "100 KiB URL": Hostile("GET", "/v1/sessions/" + "a" * 100_000, get("/v1/sessions/" + "a" * 100_000),
                           frozenset({414}), by_http_layer=True),
    # --- methods and framing ---
    "WebSocket upgrade to an unknown path": Hostile("GET", "/v1/stream", get(
        "/v1/stream", ("Upgrade", "websocket"), ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13")), NOT_FOUND),
    "PATCH is not in the spec": Hostile("PATCH", "/v1/sessions", get("/v1/sessions", method="PATCH"),
                                        frozenset({405})),
    "PUT on an item": Hostile("PUT", "/v1/sessions/sess_x", get("/v1/sessions/sess_x", method="PUT"),
                              frozenset({405})),
    "TRACE": Hostile("TRACE", "/v1/sessions", get("/v1/sessions", method="TRACE"), frozenset({405})),
    "OPTIONS without CORS": Hostile("OPTIONS", "/v1/sessions", get("/v1/sessions", method="OPTIONS"),
                                    frozenset({405})),
    "unknown method": Hostile("FOO", "/v1/sessions", get("/v1/sessions", method="FOO"), BAD, by_http_layer=True),
    "lowercase method": Hostile("get", "/v1/sessions", get("/v1/sessions", method="get"), BAD, by_http_layer=True),
    "TLS handshake on the plain port": Hostile("GET", "/", lambda t: b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                                               BAD, by_http_layer=True),
    "HTTP/2 preface": Hostile("PRI", "*", lambda t: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", BAD, by_http_layer=True),
    "Content-Length not a number": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b"", ("Content-Length", "abc")), BAD, by_http_layer=True),
    "two Content-Lengths": Hostile("POST", "/v1/sessions", lambda t: request_bytes(
        "POST", "/v1/sessions", [t.auth, JSON, ("Content-Length", "2"), ("Content-Length", "3")], b"{}",
        content_length=False), BAD, by_http_layer=True),
    "Content-Length with chunked": Hostile("POST", "/v1/sessions", lambda t: request_bytes(
        "POST", "/v1/sessions", [t.auth, JSON, ("Content-Length", "5"), ("Transfer-Encoding", "chunked")],
        b"2\r\n{}\r\n0\r\n\r\n", content_length=False), BAD, by_http_layer=True),
    "bad chunk size": Hostile("POST", "/v1/sessions", lambda t: request_bytes(
        "POST", "/v1/sessions", [t.auth, JSON, ("Transfer-Encoding", "chunked")], b"zz\r\n{}\r\n0\r\n\r\n",
        content_length=False), BAD, by_http_layer=True),
}

VALID_BUT_EXTREME: dict[str, Hostile] = {
    "10**400 employees": Hostile("POST", "/v1/customers/import", post("/v1/customers/import", import_body(
        {"email": "big@int.io", "company": {"name": "Big", "domain": "bigint.io"}}).replace(
        b'"domain": "bigint.io"', b'"domain": "bigint.io", "employee_count": 1' + b"0" * 400)), frozenset({200})),
    "10**400 in custom fields": Hostile("POST", "/v1/customers/import", post("/v1/customers/import", import_body(
        {"email": "big2@int.io", "custom_fields": {"n": 0}}).replace(b'"n": 0', b'"n": -1' + b"0" * 400)),
        frozenset({200})),
    "escaped control characters": Hostile("POST", "/v1/sessions", post("/v1/sessions", json.dumps(
        {**SESSION, "message": "a\x00\x01\x1f\x7fb", "name": "\u202e\ufeff"}).encode()), frozenset({201})),
    "no content type (read as JSON)": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", json.dumps(SESSION).encode(), content_type=None), frozenset({201})),
    "escaped surrogate pair": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", b'{"customer_email": "a@b.co", "message": "\\ud83d\\ude00"}'), frozenset({201})),
    "charset=utf-8 parameter": Hostile("POST", "/v1/sessions", post(
        "/v1/sessions", json.dumps(SESSION).encode(), content_type=("Content-Type", "application/json; charset=utf-8")),
        frozenset({201})),
    "WebSocket upgrade (no WebSockets here: plain HTTP)": Hostile("GET", "/v1/sessions", get(
        "/v1/sessions", ("Upgrade", "websocket"), ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13")), frozenset({200})),
    "5000 unknown parameters": Hostile("GET", "/v1/sessions", get(
        "/v1/sessions?" + "&".join(f"p{i}=1" for i in range(5000))), frozenset({200})),
    "control characters in a search": Hostile("GET", "/v1/sessions", get("/v1/sessions?search=%00%01%7F"),
                                              frozenset({200})),
}


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with live_mock() as mock:
        project_id, key = mock.keys.of_plan("enterprise", "full")
        listing = mock.keys.listing
        other = next(item["project_id"] for item in listing if item["project_id"] != project_id)
        yield Target(mock, key, project_id, other)


@pytest.fixture(scope="module")
def contract() -> ContractJudge:
    return ContractJudge()


def assert_healthy(t: Target) -> None:
    """A normal request succeeds, and so does every read of the data a case may have left behind."""
    for path in ("/v1/sessions?limit=5", "/v1/customers?limit=100", "/v1/knowledge-sources"):
        answer = exchange(t.mock.base_url, request_bytes("GET", path, [t.auth]))
        assert answer.status == 200, (path, answer.status, answer.body[:300])
    assert t.mock.alive()


def judge(case: Hostile, answer: RawResponse, t: Target, contract: ContractJudge) -> None:
    assert answer.status in case.allowed, (answer.status, answer.body[:300])
    if answer.status >= 400:
        assert error_envelope_problems(answer.as_httpx()) == [], answer.body[:300]
    else:
        assert answer.content_type == "application/json"
    if not case.by_http_layer:
        target = case.target.replace("{project}", t.project_id).replace("{other}", t.other_project_id)
        assert contract.violations(answer.as_httpx(case.method, target)) == []


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_gets_a_4xx_json_error(name: str, target: Target, contract: ContractJudge) -> None:
    case = HOSTILE[name]
    assert all(400 <= status < 500 for status in case.allowed)
    answer = exchange(target.mock.base_url, case.build(target))
    judge(case, answer, target, contract)
    assert_healthy(target)


@pytest.mark.parametrize("name", list(VALID_BUT_EXTREME))
def test_valid_extreme_input_is_served(name: str, target: Target, contract: ContractJudge) -> None:
    case = VALID_BUT_EXTREME[name]
    answer = exchange(target.mock.base_url, case.build(target))
    judge(case, answer, target, contract)
    assert_healthy(target)


def test_huge_integer_comes_back_exactly(target: Target) -> None:
    """A 10**400 ``employee_count`` is a valid integer: stored and shown digit for digit, not as a float."""
    digits = "1" + "0" * 400
    body = import_body({"email": "exact@int.io", "company": {"name": "Exact", "domain": "exact-int.io"}}).replace(
        b'"domain": "exact-int.io"', b'"domain": "exact-int.io", "employee_count": ' + digits.encode())
    assert exchange(target.mock.base_url, post("/v1/customers/import", body)(target)).status == 200
    found = exchange(target.mock.base_url, request_bytes("GET", "/v1/customers?search=exact@int.io", [target.auth]))
    assert found.status == 200
    assert b'"employee_count":' + digits.encode() in found.body.replace(b" ", b"")


def test_hostile_answers_on_contract_paths_carry_rate_limit_headers(target: Target) -> None:
    """An encoded slash in an id reaches the operation: authenticated, counted, with the key's headers."""
    answer = exchange(target.mock.base_url, get("/v1/sessions/a%2Fb")(target))
    assert answer.status == 404
    assert {"x-ratelimit-limit", "x-ratelimit-remaining", "ratelimit"} <= set(answer.headers)
    unauthenticated = exchange(target.mock.base_url, get("/v1/sessions/a%2Fb", authorised=False)(target))
    assert unauthenticated.status == 401


# --- slow clients ---------------------------------------------------------------------------------------------


@dataclass
class SlowClient:
    """A connection that never finishes its request head (or sends nothing at all)."""

    kind: str
    sock: socket.socket
    opened: float
    trickles: bool = True
    answer: bytes = b""
    dropped_after: float | None = None


def open_slow_client(t: Target, kind: str) -> SlowClient:
    sock = socket.create_connection(address(t.mock.base_url), timeout=5)
    client = SlowClient(kind, sock, time.monotonic(), trickles=kind != "idle")
    if kind == "after a request":  # a keep-alive connection whose second request never finishes
        sock.sendall(request_bytes("GET", "/v1/sessions?limit=1", [t.auth]))
        assert read_response(sock).status == 200
    if client.trickles:
        sock.sendall(b"GET /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    sock.setblocking(False)
    return client


def receive(client: SlowClient) -> None:
    try:
        chunk = client.sock.recv(65536)
    except OSError:
        chunk = b""
    client.answer += chunk
    if not chunk:
        client.dropped_after = time.monotonic() - client.opened


def trickle(client: SlowClient) -> None:
    """One more byte of the never-ending header; a failed write is left for the read side to report."""
    with contextlib.suppress(OSError):
        client.sock.send(b"a")


def watch(clients: list[SlowClient], t: Target, deadline_s: float) -> list[int]:
    """Trickle a byte every half second to each client the server has not answered, note when each is
    dropped, and meanwhile keep sending normal requests on fresh connections; returns their statuses."""
    statuses: list[int] = []
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline and any(c.dropped_after is None for c in clients):
        alive = [c for c in clients if c.dropped_after is None]
        readable, _, _ = select.select([c.sock for c in alive], [], [], 0.5)
        for client in alive:
            if client.sock in readable:
                receive(client)
            elif client.trickles and not client.answer:
                trickle(client)
        statuses.append(exchange(t.mock.base_url, request_bytes("GET", "/v1/sessions?limit=1", [t.auth])).status)
    for client in clients:
        client.sock.close()
    return statuses


def test_slow_loris_is_dropped_while_others_are_served(target: Target) -> None:
    """Clients that trickle their headers (30 of them, one after a completed request on the same
    connection) and one that sends nothing are all dropped after the head timeout, those that sent
    something with a 408 JSON error; meanwhile every normal request is answered."""
    kinds = ["trickle"] * 30 + ["after a request", "idle"]
    clients = [open_slow_client(target, kind) for kind in kinds]
    statuses = watch(clients, target, deadline_s=3 * HEAD_TIMEOUT_S)
    dropped = sorted(c.dropped_after for c in clients if c.dropped_after is not None)
    print(f"slow clients: {len(dropped)}/{len(clients)} dropped after {dropped[0]:.1f}-{dropped[-1]:.1f} s "
          f"(head timeout {HEAD_TIMEOUT_S:.0f} s); {len(statuses)} normal requests meanwhile")
    assert all(c.dropped_after is not None for c in clients), [(c.kind, c.answer[:80]) for c in clients]
    assert statuses and set(statuses) == {200}
    for client in clients:
        if client.trickles:
            head, _, body = client.answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408 "), (client.kind, client.dropped_after, client.answer[:200])
            assert json.loads(body) == {"error": "Request headers were not received in time."}
        else:
            assert client.answer == b""
    assert_healthy(target)
