"""Rate-limit window storages: the mock's two against `limits`' own, at the plans' real limits.

The mock's storages answer one question per request, a counted hit with the window it leaves
(``mockserver/ratelimit_storage.py``): ``WindowMemoryStorage`` (a deque per key) and ``WindowRedisStorage``
(one Lua script). `limits` answers the same with two calls, as its ``MovingWindowRateLimiter.hit`` and
``get_window_stats`` make them (``TwoStepWindow`` over its ``MemoryStorage`` or ``RedisStorage``). Both Redis
options use redis-py's client here, so the difference is the storage's (the client is
``compare_redis_client.py``'s question). Every plan keeps its fixture limit (enterprise: 1000 a minute)
and the requests go round many keys, so no key passes its limit and each window holds what a busy key's
holds; 32 concurrent clients, as in the exactness tests.

Measured, each in the same run as its baseline (the mock's storage):

* in-process: CPU per request (the hit and its window, on uvloop, each client yielding to the event loop
  between hits as a server does), and how many accepted hits reported a count another hit also reported
  (``X-RateLimit-Remaining`` repeated: the headers would not be exact under concurrency);
* over HTTP: the one-process mock (``benchmarks/limiter_server.py``) with each storage, req/s and server CPU
  per request on ``GET /v1/sessions?limit=1``; for the memory storages also at `make bench`'s raised limit
  (every plan 1000000/second, one key), where a window holds a second of benchmark traffic, to show what a
  replacement would do to `make bench`'s one-process numbers.

    .venv/bin/python -m benchmarks.compare_window_storage [--rounds 5] [--keys 600] [--duration 4]
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import typer
import uvloop

from benchmarks.compare import (
    Connections,
    Duration,
    Keys,
    Rounds,
    describe_run,
    http_comparison,
    http_table,
    interleaved,
    keyed_load,
    ratio,
    redis_server,
    table,
)
from benchmarks.limiter_server import STORAGES, limiter_server_command
from benchmarks.loadgen import Request
from benchmarks.run import WORK_DIR, cpu_layout
from benchmarks.targets import RAISED_LIMIT
from mockserver.data.fixture import load_fixture
from mockserver.ratelimit_storage import WindowStorage

LIMIT, WINDOW = 1000, 60  # the enterprise plan: the largest real limit, so the largest window
CLIENTS = 32
IN_PROCESS = {"memory": ("mock-memory", "limits-memory"), "redis": ("mock-redis-redis-py", "limits-redis")}
LABELS = {
    "mock-memory": "the mock's WindowMemoryStorage (one step)",
    "limits-memory": "limits' MemoryStorage (acquire_entry, then get_moving_window)",
    "mock-redis-redis-py": "the mock's WindowRedisStorage (one script)",
    "limits-redis": "limits' RedisStorage (two scripts)",
    "mock-redis-pipelined": "the mock's WindowRedisStorage, pipelined connection",
}


async def hits(storage: WindowStorage, keys: list[str], per_key: int) -> tuple[float, int]:
    """CPU µs per hit for ``CLIENTS`` concurrent clients taking the keys in turn; repeated counts."""
    seen: set[tuple[str, int]] = set()
    repeated = 0
    each = len(keys) * per_key // CLIENTS

    async def client(offset: int) -> None:
        nonlocal repeated
        for turn in range(each):
            key = keys[(offset + turn) % len(keys)]
            allowed, _, count = await storage.acquire_with_window(key, LIMIT, WINDOW)
            if allowed:
                repeated += (key, count) in seen
                seen.add((key, count))
            await asyncio.sleep(0)  # a server answers other requests between two hits

    started = time.process_time()
    await asyncio.gather(*(client(offset) for offset in range(CLIENTS)))
    return (time.process_time() - started) / (each * CLIENTS) * 1e6, repeated


async def measure(name: str, redis_url: str, keys: list[str], per_key: int) -> tuple[float, int]:
    """A fresh storage on this event loop, its connections opened by a first untimed hit per client."""
    storage = STORAGES[name](redis_url)
    await asyncio.gather(*(storage.acquire_with_window(f"warm-{keys[0]}", LIMIT, WINDOW) for _ in range(CLIENTS)))
    try:
        return await hits(storage, keys, per_key)
    finally:
        await close(storage)


async def close(storage: object) -> None:
    """Close what a storage opened (redis-py's pool, the pipelined connection), so no round leaks into the next."""
    inner = getattr(storage, "storage", storage)  # TwoStepWindow wraps the `limits` storage
    if hasattr(inner, "pipe"):
        inner.pipe.close()
    if hasattr(inner, "bridge"):
        await inner.bridge.get_connection().aclose()


def in_process(names: tuple[str, ...], redis_url: str, keys: int, per_key: int, rounds: int) -> list[list[str]]:
    repeated: dict[str, int] = dict.fromkeys(names, 0)
    generation = iter(range(1_000_000))

    def measurement(name: str) -> Callable[[], float]:
        def once() -> float:
            prefix = f"round{next(generation)}"  # fresh windows every round
            cpu_us, repeats = uvloop.run(measure(name, redis_url, [f"{prefix}-key{i}" for i in range(keys)], per_key))
            repeated[name] += repeats
            return cpu_us

        return once

    medians = interleaved({name: measurement(name) for name in names}, rounds)
    baseline = medians[names[0]]
    return [[LABELS[name], f"{medians[name]:,.1f}", ratio(medians[name], baseline), str(repeated[name])]
            for name in names]


def main(
    rounds: Rounds = 5, keys: Keys = 600, duration: Duration = 4.0, connections: Connections = 16,
) -> None:
    """Print CPU per request of each storage in-process and over HTTP, with ratios to the mock's own."""
    server_cpus, load_cpus = cpu_layout()
    work = WORK_DIR / "compare"
    fixture, bench_keys, request = keyed_load(work, keys)
    with redis_server(load_cpus) as (redis_url, redis_pid):
        memory_rows = in_process(IN_PROCESS["memory"], redis_url, keys=50, per_key=900, rounds=rounds)
        redis_rows = in_process(IN_PROCESS["redis"], redis_url, keys=20, per_key=400, rounds=rounds)
        memory_http = http_comparison(
            {LABELS[n]: limiter_server_command(n, fixture, "", server_cpus) for n in IN_PROCESS["memory"]}, request,
            connections=connections, duration_s=duration, rounds=rounds, wrk_cpus=load_cpus, log_dir=work / "logs")
        raised = [f"{plan}={RAISED_LIMIT}" for plan in load_fixture(fixture).plans]
        one_key = Request("GET", "/v1/sessions?limit=1", f"Bearer {bench_keys[0]}")
        raised_http = http_comparison(
            {LABELS[n]: limiter_server_command(n, fixture, "", server_cpus, raised) for n in IN_PROCESS["memory"]},
            one_key, connections=connections, duration_s=duration, rounds=rounds, wrk_cpus=load_cpus,
            log_dir=work / "logs")
        redis_http = http_comparison(
            {LABELS[n]: limiter_server_command(n, fixture, f"{redis_url}/{db}", server_cpus)
             for db, n in enumerate(IN_PROCESS["redis"], start=1)}, request,
            connections=connections, duration_s=duration, rounds=rounds, wrk_cpus=load_cpus, log_dir=work / "logs",
            helper_pid=redis_pid)
    print(describe_run("benchmarks.compare_window_storage"))
    most = max(p.served_total for p in [*memory_http.values(), *redis_http.values()])
    print(f"- plans as in the fixture (enterprise 1000/minute); HTTP load over {keys} keys at {connections} "
          f"connections, {duration:g} s x {rounds} rounds per option: at most {most // keys} requests per key "
          f"in a run (below the limit: no 429)\n")
    print("In-process, per request (32 concurrent clients; memory: 50 keys filled to 900 entries, Redis: 20 keys "
          "to 400):\n")
    print(table(["storage", "CPU µs / request", "CPU vs baseline", "accepted hits reporting a repeated count"],
                [*memory_rows, *redis_rows]))
    print("\nOver HTTP, one-process mock, memory:\n")
    print(http_table(memory_http))
    print(f"\nOver HTTP, one-process mock, memory, at `make bench`'s raised limit ({RAISED_LIMIT}, one key):\n")
    print(http_table(raised_http))
    print("\nOver HTTP, one-process mock, Redis (redis-py client for both):\n")
    print(http_table(redis_http, helper="redis-server"))


if __name__ == "__main__":
    typer.run(main)
