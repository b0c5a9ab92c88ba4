"""The httpx transports every call goes through: each retries as the :class:`RetryPolicy` says, and a lost
connection or a timeout surfaces as :class:`APIConnectionError` or :class:`APITimeoutError`.

The sync and the async transport make the same decisions (the policy's); only how they wait differs.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable

import httpx

from hissuno.errors import APIConnectionError, APITimeoutError
from hissuno.retry import RetryPolicy

Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]


class RetryingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport | None = None, policy: RetryPolicy | None = None,
                 sleep: Sleep = time.sleep) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body is sent again on a retry
        waited = 0.0
        for retry in itertools.count(1):
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as error:
                wait = self.policy.delay(request.method, None, {}, retry, waited)
                if wait is None:
                    raise connection_error(error, request) from error
            else:
                if response.status_code < 400:
                    return response
                wait = self.policy.delay(request.method, response.status_code, response.headers, retry, waited)
                if wait is None:
                    return response
                response.close()
            self.sleep(wait)
            waited += wait
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport | None = None, policy: RetryPolicy | None = None,
                 sleep: AsyncSleep = asyncio.sleep) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        waited = 0.0
        for retry in itertools.count(1):
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as error:
                wait = self.policy.delay(request.method, None, {}, retry, waited)
                if wait is None:
                    raise connection_error(error, request) from error
            else:
                if response.status_code < 400:
                    return response
                wait = self.policy.delay(request.method, response.status_code, response.headers, retry, waited)
                if wait is None:
                    return response
                await response.aclose()
            await self.sleep(wait)
            waited += wait
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        await self.inner.aclose()


def connection_error(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"No answer within the timeout ({type(error).__name__}).", request=request)
    return APIConnectionError(f"The request failed: {error or type(error).__name__}.", request=request)
