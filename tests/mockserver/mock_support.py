"""Test helpers for the mock: an in-process client that checks every response against the contract."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn

from conformance.judge import ResponseContract
from mockserver.app import create_app
from mockserver.settings import Settings

RATE_LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-policy",
                      "ratelimit")


class ContractViolation(AssertionError):
    pass


class ContractChecker:
    """Validates a response against the operation the spec declares for its request (status, headers, body).

    Responses from routes outside the contract (``/__mock/``, docs, unknown paths) must still be JSON
    errors when they are errors.
    """

    def __init__(self) -> None:
        self.contract = ResponseContract()

    def operation_for(self, method: str, path: str) -> Any:
        return self.contract.operation_for(method, path)

    def check(self, response: httpx.Response) -> None:
        if response.status_code != 405:
            violations = self.contract.violations(response)
            if violations:
                raise ContractViolation(violations[0])
        if response.status_code >= 400:
            assert_json_error(response)


def assert_json_error(response: httpx.Response) -> dict[str, Any]:
    """Every error is ``application/json`` ``{"error": "<sentence>."}`` (422 adds details)."""
    assert response.headers.get("content-type", "").split(";")[0] == "application/json", response.headers
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    assert body["error"] and body["error"][0].isupper() and body["error"].endswith("."), body
    assert set(body) <= {"error", "details"}, body
    return body


class MockClient:
    """Drives the app in-process over httpx's ASGI transport, on one event loop, checking every response."""

    def __init__(self, app: Any, checker: ContractChecker | None, base_url: str = "http://mock") -> None:
        self.app = app
        self.checker = checker
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)
        self.responses = 0

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def request(self, method: str, url: str, *, key: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        response = self.run(self.http.request(method, url, headers=headers, **kwargs))
        self.inspect(response)
        return response

    def inspect(self, response: httpx.Response) -> None:
        self.responses += 1
        if self.checker is not None:
            self.checker.check(response)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def gather(self, requests: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
        """Send requests concurrently (one task each) and check every response."""

        async def one(method: str, url: str, kwargs: dict[str, Any]) -> httpx.Response:
            return await self.http.request(method, url, **kwargs)

        async def all_of() -> list[httpx.Response]:
            return await asyncio.gather(*(one(m, u, k) for m, u, k in requests))

        responses = self.run(all_of())
        for response in responses:
            self.inspect(response)
        return responses

    def close(self) -> None:
        self.run(self.http.aclose())
        self.loop.close()


class Keys:
    """The fixture keys of a running app, by project and label."""

    def __init__(self, listing: list[dict[str, str]]) -> None:
        self.listing = listing

    def get(self, project_id: str, label: str) -> str:
        for key in self.listing:
            if key["project_id"] == project_id and key["label"] == label:
                return key["key"]
        raise KeyError((project_id, label))

    def of_plan(self, plan: str, label: str = "standard") -> tuple[str, str]:
        """``(project_id, key)`` of the first project on ``plan``."""
        for key in self.listing:
            if key["plan"] == plan and key["label"] == label:
                return key["project_id"], key["key"]
        raise KeyError((plan, label))


@contextlib.contextmanager
def served(settings: Settings | None = None, port: int = 0, app: Any = None) -> Iterator[str]:
    """The mock (or ``app``) under a real uvicorn server on 127.0.0.1 (a thread of this process); yields its URL."""
    app = app if app is not None else create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False,
                            lifespan="off", loop="asyncio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def paginate(client: MockClient, url: str, key: str) -> list[dict[str, Any]]:
    """Every item of a list endpoint, page by page."""
    items: list[dict[str, Any]] = []
    offset = 0
    separator = "&" if "?" in url else "?"
    while True:
        page = client.get(f"{url}{separator}limit=100&offset={offset}", key=key).json()
        items.extend(page["data"])
        offset += page["limit"]
        if offset >= page["total"]:
            return items


ID_PATTERN = re.compile(r"^[a-z]+_[a-z0-9]+$")
