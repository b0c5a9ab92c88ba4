"""The hostile corpus, continued: connections (issue 13, item 2), webhooks aimed at the mock or its host (item 3)
and web pages reaching for the ``/__mock/`` controls (item 4), judged as :mod:`tests.hardening.test_hostile_corpus`
judges its own: a 4xx ``{"error"}`` (conforming to the operation when there is one), then a healthy server whose
created data survived every case.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.hardening.rawhttp import exchange, request_bytes
from tests.hardening.test_hostile_corpus import (
    INVALID,
    JSON,
    TEN_MB,
    TOO_LARGE,
    Hostile,
    Target,
    assert_healthy,
    chunked,
    contract,  # noqa: F401 - a fixture
    judge,
    target,  # noqa: F401 - a fixture
)
from tests.support.judging import ContractJudge

pytestmark = pytest.mark.slow

FORBIDDEN = frozenset({403})
UNSUPPORTED = frozenset({415})
UNAUTHORIZED = frozenset({401})
EVIL = "https://evil.example"


def webhook_to(url: str) -> Hostile:
    """Register a webhook for ``url`` (``{port}``: the mock's own port)."""
    def build(t: Target) -> bytes:
        body = json.dumps({"url": url.replace("{port}", str(t.mock.port)), "events": ["session.created"]}).encode()
        return request_bytes("POST", "/v1/webhooks", [t.auth, JSON], body)
    return Hostile("POST", "/v1/webhooks", build, INVALID)


def control(method: str, path: str, allowed: frozenset[int], *headers: tuple[str, str], body: bytes = b"",
            host: str = "127.0.0.1") -> Hostile:
    """A request for a ``/__mock/`` control, with the ``Host`` given (outside the contract: envelope only)."""
    def build(t: Target) -> bytes:
        raw = request_bytes(method, path, list(headers), body)
        return raw.replace(b"Host: 127.0.0.1\r\n", b"Host: " + host.encode() + b"\r\n", 1)
    return Hostile(method, path, build, allowed, by_http_layer=True)


def closing_upload(body: Callable[[Target], bytes], *, chunks: bool = False, authorised: bool = True) -> Hostile:
    """A 10 MB body from a client that asked to close the connection (``urllib``'s way): the answer must arrive."""
    def build(t: Target) -> bytes:
        headers = [*([t.auth] if authorised else []), JSON, ("Connection", "close")]
        if chunks:
            return request_bytes("POST", "/v1/sessions", [*headers, ("Transfer-Encoding", "chunked")],
                                 content_length=False) + chunked(body(t))
        return request_bytes("POST", "/v1/sessions", headers, body(t))
    return Hostile("POST", "/v1/sessions", build, TOO_LARGE if authorised else UNAUTHORIZED)


OWNER = b'{"email": "owner@northwind.io"}'


def cookie_write(*headers: tuple[str, str]) -> Hostile:
    """Another site's page posting to the internal API as the signed-in owner (the browser adds the cookie)."""
    path = "/api/projects/proj_northwind/sessions"

    def build(t: Target) -> bytes:
        signed_in = exchange(t.mock.base_url, request_bytes("POST", "/__mock/session", [JSON], OWNER))
        cookie = signed_in.headers["set-cookie"].split(";", 1)[0]
        body = json.dumps({"customer_email": "victim@example.com", "message": "Forged."}).encode()
        return request_bytes("POST", path, [("Cookie", cookie), *headers], body)
    return Hostile("POST", path, build, FORBIDDEN)


def plain_reset(*headers: tuple[str, str], allowed: frozenset[int] = FORBIDDEN, **options: str) -> Hostile:
    return control("POST", "/__mock/reset", allowed, ("Content-Type", "text/plain"), *headers, body=b"{}", **options)


REACH: dict[str, Hostile] = {
    # item 2: an oversized body whose client closes after sending it whole
    "10 MB body, Connection: close": closing_upload(lambda t: b" " * TEN_MB),
    "10 MB chunked body, Connection: close": closing_upload(lambda t: b" " * TEN_MB, chunks=True),
    "10 MB body without a key, Connection: close": closing_upload(lambda t: b" " * TEN_MB, authorised=False),
    "10 MB body behind Expect: 100-continue": Hostile("POST", "/v1/sessions", lambda t: request_bytes(
        "POST", "/v1/sessions", [t.auth, JSON, ("Expect", "100-continue")], b" " * TEN_MB), TOO_LARGE),
    # item 3: the example, then the same target in other spellings
    "webhook to the mock's own /__mock/reset": webhook_to("http://127.0.0.1:{port}/__mock/reset"),
    "webhook to localhost on the mock's port": webhook_to("http://localhost:{port}/__mock/reset"),
    "webhook to the mock's port with a leading zero": webhook_to("http://127.0.0.1:0{port}/__mock/reset"),
    "webhook to an IPv4-mapped loopback": webhook_to("https://[::ffff:127.0.0.1]:{port}/__mock/reset"),
    "webhook to 0.0.0.0 on the mock's port": webhook_to("https://0.0.0.0:{port}/__mock/reset"),
    "webhook to LOCALHOST. on the mock's port": webhook_to("https://LOCALHOST.:{port}/__mock/reset"),
    "webhook to a *.localhost name on the mock's port": webhook_to("https://a.localhost:{port}/__mock/reset"),
    "webhook with userinfo hiding the host": webhook_to("http://127.0.0.1:{port}@evil.example/__mock/reset"),
    "webhook to [::1] over plain http": webhook_to("http://[::1]:{port}/__mock/reset"),
    # item 4: the example (a form's text/plain POST from any page), then its relatives
    "text/plain reset from a web page": plain_reset(("Origin", EVIL)),
    "form reset from a sandboxed frame": control("POST", "/__mock/reset", FORBIDDEN, ("Origin", "null"),
                                                 ("Content-Type", "application/x-www-form-urlencoded"), body=b"a=1"),
    "JSON reset from a web page": control("POST", "/__mock/reset", FORBIDDEN, ("Origin", EVIL), JSON, body=b"{}"),
    "reset marked cross-site without an Origin": plain_reset(("Sec-Fetch-Site", "cross-site")),
    "text/plain reset without an Origin": plain_reset(allowed=UNSUPPORTED),
    "multipart reset without an Origin": control("POST", "/__mock/reset", UNSUPPORTED, (
        "Content-Type", "multipart/form-data; boundary=b"), body=b"--b--\r\n"),
    "reset through an encoded path from a web page": Hostile("POST", "/%5F%5Fmock/reset", lambda t: request_bytes(
        "POST", "/%5F%5Fmock/reset", [("Origin", EVIL), ("Content-Type", "text/plain")], b"{}"), FORBIDDEN,
        by_http_layer=True),
    "reset from a look-alike local origin": plain_reset(("Origin", "http://localhost.evil.example:5173")),
    "reset from an origin with a local prefix": plain_reset(("Origin", "http://127.0.0.1:5173.evil.example")),
    "preflight from a web page": control("OPTIONS", "/__mock/reset", FORBIDDEN, ("Origin", EVIL),
                                         ("Access-Control-Request-Method", "POST")),
    "preflight for PUT from a local page": control("OPTIONS", "/__mock/reset", FORBIDDEN,
                                                   ("Origin", "http://localhost:5173"),
                                                   ("Access-Control-Request-Method", "PUT")),
    "keys read from a web page": control("GET", "/__mock/keys", FORBIDDEN, ("Origin", EVIL)),
    "deliveries read from a web page": control("GET", "/__mock/deliveries", FORBIDDEN, ("Origin", EVIL)),
    "keys through a rebound name": control("GET", "/__mock/keys", FORBIDDEN, host="evil.example:4010"),
    "keys through a name ending in a local one": control("GET", "/__mock/keys", FORBIDDEN,
                                                         host="localhost.evil.example"),
    "keys through a wildcard-DNS name": control("GET", "/__mock/keys", FORBIDDEN, host="127.0.0.1.nip.io"),
    "reset through a rebound name": control("POST", "/__mock/reset", FORBIDDEN, JSON, body=b"{}",
                                            host="evil.example"),
    "keys with a second, rebound Host": control("GET", "/__mock/keys", FORBIDDEN, ("Host", "evil.example")),
    # issue 16: signing in and out, and the session cookie itself
    "sign-in from a web page": control("POST", "/__mock/session", FORBIDDEN, ("Origin", EVIL), JSON, body=OWNER),
    "text/plain sign-in without an Origin": control("POST", "/__mock/session", UNSUPPORTED,
                                                    ("Content-Type", "text/plain"), body=OWNER),
    "sign-out from a web page": control("DELETE", "/__mock/session", FORBIDDEN, ("Origin", EVIL)),
    "sign-in with a 10 MB body": control("POST", "/__mock/session", frozenset({413}), JSON,
                                         body=b'{"email": "' + b"x" * TEN_MB + b'"}'),
    "members read through a rebound name": control("GET", "/__mock/members", FORBIDDEN, host="evil.example"),
    "a form's POST with the session cookie": cookie_write(("Origin", EVIL),
                                                          ("Content-Type", "application/x-www-form-urlencoded")),
    "a fetch with the session cookie from a web page": cookie_write(("Origin", EVIL), JSON),
    "a write with the session cookie marked cross-site": cookie_write(("Sec-Fetch-Site", "cross-site"), JSON),
}


@pytest.mark.parametrize("name", list(REACH))
def test_reaching_for_the_mock_gets_a_4xx_json_error(name: str, target: Target, contract: ContractJudge) -> None:  # noqa: F811
    case = REACH[name]
    assert all(400 <= status < 500 for status in case.allowed)
    session = exchange(target.mock.base_url, request_bytes("POST", "/v1/sessions", [target.auth, JSON], json.dumps(
        {"customer_email": "kept@example.com", "message": name}).encode())).json()
    answer = exchange(target.mock.base_url, case.build(target))
    judge(case, answer, target, contract)
    assert_healthy(target)
    kept = exchange(target.mock.base_url, request_bytes("GET", f"/v1/sessions/{session['id']}", [target.auth]))
    assert kept.status == 200, "a case reset the mock"
