"""A Python client's view of the contract: the same steps as ``client.ts``, with plain httpx.

list, create, get the created session back, a 401 for an unknown key, and a 429 once a limited key has used
its window. Each step raises :class:`SmokeFailure` with what it expected and what came back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx

from tests.support.judging import error_envelope_problems

SESSION_ID = re.compile(r"^sess_[a-z0-9]+$")


class SmokeFailure(AssertionError):
    """One smoke step got something the contract does not allow."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def client_for(base_url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=10.0)


def list_sessions(client: httpx.Client) -> None:
    response = client.get("/v1/sessions", params={"limit": 5})
    check(response.status_code == 200, f"list: expected 200, got {response.status_code} {response.text[:200]}")
    page = response.json()
    check(len(page["data"]) <= 5 and page["limit"] == 5 and page["total"] >= len(page["data"]), "list: bad envelope")
    check("X-RateLimit-Limit" in response.headers, "list: no X-RateLimit-Limit header")


def create_and_get_session(client: httpx.Client) -> None:
    message = f"Python client smoke {time.time()}"
    created = client.post("/v1/sessions", json={"customer_email": "smoke@example.com", "message": message})
    check(created.status_code == 201, f"create: expected 201, got {created.status_code} {created.text[:200]}")
    session = created.json()
    check(SESSION_ID.match(session["id"]), f"create: bad id {session['id']!r}")
    check(created.headers.get("Location", "").endswith(session["id"]), "create: Location does not point at it")
    fetched = client.get(f"/v1/sessions/{session['id']}")
    check(fetched.status_code == 200, f"get: expected 200, got {fetched.status_code} {fetched.text[:200]}")
    check(fetched.json()["id"] == session["id"], "get: another session came back")
    check(fetched.json()["messages"][0]["content"] == message, "get: the first message is not the one sent")


def unknown_key_gets_401(base_url: str) -> None:
    with client_for(base_url, "hss_notakey000000000000000000000") as client:
        response = client.get("/v1/sessions")
    check(response.status_code == 401, f"401: expected 401, got {response.status_code}")
    problems = error_envelope_problems(response)
    check(not problems, f"401: not the error envelope: {problems}")


def limited_key_gets_429(base_url: str, limited_key: str, limit: int) -> None:
    with client_for(base_url, limited_key) as client:
        for attempt in range(1, limit + 2):
            response = client.get("/v1/sessions", params={"limit": 1})
            if response.status_code == 429:
                check(attempt == limit + 1, f"429: came after {attempt - 1} requests, the limit is {limit}")
                check(response.headers.get("Retry-After", "").isdigit(), "429: Retry-After is not an integer")
                problems = error_envelope_problems(response)
                check(not problems, f"429: not the error envelope: {problems}")
                return
            check(response.status_code == 200, f"429: expected 200 before the limit, got {response.status_code}")
    raise SmokeFailure(f"429: still no 429 after {limit + 1} requests")


def run(base_url: str, key: str, limited_key: str, limit: int, report: Callable[[str], None] = print) -> None:
    """Run every step in order; the first failure raises."""
    with client_for(base_url, key) as client:
        list_sessions(client)
        report("python ok: list")
        create_and_get_session(client)
        report("python ok: create + get")
    unknown_key_gets_401(base_url)
    report("python ok: 401")
    limited_key_gets_429(base_url, limited_key, limit)
    report("python ok: 429")
