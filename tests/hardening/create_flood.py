"""Create N sessions through the app as ``hissuno-mock serve`` runs it (in-process, no socket), then stay idle
a moment; print the garbage collector's pauses as JSON. Run in a process of its own:

    python -m tests.hardening.create_flood 100000
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from typing import Any

from mockserver.app import create_app
from mockserver.cli import ready_to_serve
from mockserver.host.heap import IDLE_SECONDS
from mockserver.settings import Settings
from tests.support.servers import PLANS, RAISED_LIMIT

BODY = json.dumps({"customer_email": "jane@example.com", "message": "How do I export data?",
                   "tags": ["billing", "export"]}).encode()
KEY = b"Bearer hss_ykjos6srspj3s3qsox5m7lutc3c2"  # proj_northwind, full
SCOPE = {"type": "http", "http_version": "1.1", "method": "POST", "scheme": "http", "path": "/v1/sessions",
         "raw_path": b"/v1/sessions", "query_string": b"", "root_path": "", "server": ("mock", 80),
         "client": ("flood", 1), "headers": [(b"authorization", KEY), (b"content-type", b"application/json"),
                                             (b"content-length", str(len(BODY)).encode())]}


class Pauses:
    """Every collection's duration, by generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.by_generation: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.by_generation[info["generation"]].append(time.perf_counter() - self._started)


async def create(app: Any) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(dict(SCOPE), receive, send)
    if sent[0]["status"] != 201:
        raise SystemExit(f"create answered {sent[0]['status']}: {sent[-1].get('body', b'')[:200]!r}")


async def flood(app: Any, count: int, pauses: Pauses) -> dict[str, Any]:
    started = time.perf_counter()
    for _ in range(count):
        await create(app)
    during = {generation: list(times) for generation, times in pauses.by_generation.items()}
    await asyncio.sleep(3 * IDLE_SECONDS)  # idle: the full pass runs now
    return {
        "creates": count,
        "seconds": time.perf_counter() - started,
        "full_passes_during": len(during[2]),
        "longest_pause_ms": 1000 * max((t for times in during.values() for t in times), default=0.0),
        "full_passes_when_idle": len(pauses.by_generation[2]) - len(during[2]),
        "idle_pass_ms": 1000 * max(pauses.by_generation[2][len(during[2]):], default=0.0),
    }


def main(count: int) -> None:
    limits = {plan: RAISED_LIMIT for plan in PLANS}
    app = ready_to_serve(create_app(Settings.from_env({}, rate_limits=limits, max_created=count)))
    pauses = Pauses()
    gc.callbacks.append(pauses)
    print(json.dumps(asyncio.run(flood(app, count, pauses))))


if __name__ == "__main__":
    main(int(sys.argv[1]))
