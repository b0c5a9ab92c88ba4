"""Deliberately broken mocks, served like the real one, that the hardening tests must catch.

``--fault contract`` (the default): the sessions list (``GET /v1/sessions``) loses its ``total`` (a schema
violation) and the issues list (``GET /v1/issues``) answers 500; the self-fuzz must report both.
``--fault racy-limiter``: the rate limiter reads the window, waits 50 ms (a slow round trip), then counts,
so concurrent requests near the limit all get in; the concurrency test must see more than the limit pass.

Run as a script (``python mutant_mock.py --port N``); it takes the flags of ``hissuno-mock serve`` that the
hardening tests pass and writes the same access log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import warnings
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SCHEMA_FAULT_PATH = "/v1/sessions"
SERVER_ERROR_PATH = "/v1/issues"


class Broken:
    """Wraps the mock and breaks two list operations."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
        elif scope["path"] == SERVER_ERROR_PATH:
            await _send_json(send, 500, {"error": "Internal server error."})
        elif scope["path"] == SCHEMA_FAULT_PATH:
            await self.app(scope, receive, _without_total(send))
        else:
            await self.app(scope, receive, send)


async def _send_json(send: Send, status: int, body: Any, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    raw = json.dumps(body).encode()
    kept = [(k, v) for k, v in headers or [] if k.lower() not in (b"content-length", b"content-type")]
    kept += [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": raw})


def _without_total(send: Send) -> Send:
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = json.loads(b"".join(chunks) or b"null")
        if isinstance(body, dict):
            body.pop("total", None)
        await _send_json(send, start["status"], body, list(start.get("headers", [])))

    return wrapped


def racy_storage() -> Any:
    """A limiter storage that lets concurrent hits past the limit."""
    from mockserver.ratelimit_storage import WindowMemoryStorage

    class RacyStorage(WindowMemoryStorage):
        async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
            _, count = await super().get_moving_window(key, limit, expiry)
            await asyncio.sleep(0.05)  # a slow round trip between reading the count and writing it
            if count >= limit:
                oldest, count = await super().get_moving_window(key, limit, expiry)
                return False, oldest, count
            return await super().acquire_with_window(key, 1 << 62, expiry)  # counts without checking again

    return RacyStorage()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--rate-limit", action="append", default=[])
    parser.add_argument("--fault", choices=("contract", "racy-limiter"), default="contract")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    from mockserver.app import create_app
    from mockserver.settings import Settings

    storage = racy_storage() if args.fault == "racy-limiter" else None
    app = create_app(Settings.from_env(rate_limits=args.rate_limit or None), limiter_storage=storage)
    served = Broken(app) if args.fault == "contract" else app
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s: %(message)s")
    uvicorn.run(served, host=args.host, port=args.port, log_config=None, log_level=args.log_level,
                access_log=True, lifespan="off")


if __name__ == "__main__":
    main()
