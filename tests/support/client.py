"""An in-process client of the mock: httpx over the ASGI transport, on one event loop, judging every response
by the contract (:class:`tests.support.judging.ContractJudge`)."""

from __future__ import annotations

import asyncio
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx

from tests.support.judging import ContractJudge

RATE_LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-policy",
                      "ratelimit")


def no_cookies() -> CookieJar:
    """A cookie jar that keeps nothing: a test sends the session cookie it means to, never one left over."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class MockClient:
    """Drives an app in-process; ``judge=None`` checks nothing."""

    def __init__(self, app: Any, judge: ContractJudge | None, base_url: str = "http://localhost") -> None:
        self.app = app
        self.judge = judge
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, cookies=no_cookies())
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
        if self.judge is not None:
            self.judge.check(response)

    def sign_in(self, email: str, **options: Any) -> dict[str, str]:
        """Sign a fixture member in (``POST /__mock/session``): the ``Cookie`` header that carries the session."""
        response = self.run(self.http.post("/__mock/session", json={"email": email, **options}))
        assert response.status_code == 200, response.text
        name, _, rest = response.headers["set-cookie"].partition("=")
        return {"Cookie": f"{name}={rest.split(';', 1)[0]}"}

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
