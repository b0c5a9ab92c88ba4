"""The client: the generated ``AuthenticatedClient`` built from a key and a base URL (or ``HISSUNO_API_KEY`` and
``HISSUNO_BASE_URL``), whose httpx clients retry, time out, send the SDK's user agent and raise typed errors.

Pass it as ``client=`` to any generated operation, sync or async: ``get_session.sync("sess_...", client=hissuno)``.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import httpx
from attrs import define, field

from hissuno._contract import DEFAULT_BASE_URL, __version__
from hissuno.errors import ConfigurationError, error_from_response
from hissuno.retry import RetryPolicy
from hissuno.transport import AsyncRetryingTransport, AsyncSleep, RetryingTransport, Sleep
from hissuno.v1.client import AuthenticatedClient

DEFAULT_TIMEOUT_SECONDS = 30.0
USER_AGENT = f"hissuno-python/{__version__} httpx/{httpx.__version__}"


@define(init=False)
class Hissuno(AuthenticatedClient):
    """``Hissuno()`` reads the environment; ``Hissuno("hss_...", base_url=..., timeout=10, retry=RetryPolicy(...))``."""

    retry: RetryPolicy = field(factory=RetryPolicy, kw_only=True)
    transport: httpx.BaseTransport | None = field(default=None, kw_only=True)
    """What sends each attempt (default: httpx's); tests pass an ``httpx.MockTransport``."""
    async_transport: httpx.AsyncBaseTransport | None = field(default=None, kw_only=True)
    sleep: Sleep = field(default=time.sleep, kw_only=True)
    async_sleep: AsyncSleep = field(default=asyncio.sleep, kw_only=True)

    def __init__(self, api_key: str | None = None, *, base_url: str | None = None,
                 timeout: float | httpx.Timeout = DEFAULT_TIMEOUT_SECONDS, **options: Any) -> None:
        token = options.pop("token", None) or api_key or os.environ.get("HISSUNO_API_KEY")
        if not token:
            raise ConfigurationError("No API key: pass api_key= or set HISSUNO_API_KEY.")
        base = base_url or os.environ.get("HISSUNO_BASE_URL") or DEFAULT_BASE_URL
        options["headers"] = {"User-Agent": USER_AGENT, **options.get("headers", {})}
        options.setdefault("raise_on_unexpected_status", True)
        self.__attrs_init__(base_url=base.rstrip("/"), token=token, **options,
                            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout))

    def get_httpx_client(self) -> httpx.Client:
        if self._client is None:
            inner = self.transport or httpx.HTTPTransport(verify=self._verify_ssl)
            self._client = httpx.Client(
                transport=RetryingTransport(inner, self.retry, self.sleep),
                event_hooks={"response": [raise_for_status]},
                **self._client_options(),
            )
        return self._client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        if self._async_client is None:
            inner = self.async_transport or httpx.AsyncHTTPTransport(verify=self._verify_ssl)
            self._async_client = httpx.AsyncClient(
                transport=AsyncRetryingTransport(inner, self.retry, self.async_sleep),
                event_hooks={"response": [async_raise_for_status]},
                **self._client_options(),
            )
        return self._async_client

    def _client_options(self) -> dict[str, Any]:
        authorization = f"{self.prefix} {self.token}" if self.prefix else self.token
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": {**self._headers, self.auth_header_name: authorization},
            "timeout": self._timeout,
            "follow_redirects": self._follow_redirects,
            **self._httpx_args,
        }


def raise_for_status(response: httpx.Response) -> None:
    if response.status_code >= 400:
        response.read()
        raise error_from_response(response)


async def async_raise_for_status(response: httpx.Response) -> None:
    if response.status_code >= 400:
        await response.aread()
        raise error_from_response(response)
