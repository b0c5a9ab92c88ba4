"""The limiter's Redis client: the mock's pipelined connection against redis-py's asyncio client.

With several workers every request makes one Redis call, the limiter's script (``ACQUIRE_WITH_WINDOW_LUA``).
The mock sends it on one pipelined connection per worker (``mockserver/pipelined_redis.py``); the library
way is redis-py's ``register_script`` on its asyncio client, which takes a pooled connection per command
(or one shared connection, ``single_connection_client=True``), parsing replies with hiredis when that is
installed and in Python otherwise. Same script, same keys, the plans' real limit (1000 a minute), 32
concurrent clients.

Measured, each in the same run as its baseline (the pipelined connection):

* in-process: client CPU and wall time per call, and redis-server's CPU per call;
* over HTTP: the one-process mock with its limiter on Redis (``benchmarks/limiter_server.py``), req/s and
  server CPU per request on ``GET /v1/sessions?limit=1``, requests going round many keys.

    .venv/bin/python -m benchmarks.compare_redis_client [--rounds 5] [--keys 600] [--duration 4]
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from typing import Any

import redis.asyncio as aredis
import typer
import uvloop
from redis._parsers import _AsyncHiredisParser, _AsyncRESP2Parser

from benchmarks.compare import (
    Connections,
    Duration,
    Keys,
    Rounds,
    cpu_seconds,
    describe_run,
    http_comparison,
    http_table,
    interleaved,
    keyed_load,
    ratio,
    redis_server,
    table,
)
from benchmarks.limiter_server import limiter_server_command
from benchmarks.run import WORK_DIR, cpu_layout
from mockserver.pipelined_redis import PipelinedRedis
from mockserver.ratelimit_storage import ACQUIRE_WITH_WINDOW_LUA

CLIENTS, KEYS, PER_KEY = 32, 20, 300
Call = Callable[[str], Awaitable[Any]]
HIREDIS = importlib.util.find_spec("hiredis") is not None


async def pipelined(url: str) -> tuple[Call, Callable[[], Awaitable[None]]]:
    client = PipelinedRedis(url)
    script = client.script(ACQUIRE_WITH_WINDOW_LUA)

    async def close() -> None:
        client.close()

    return (lambda key: script((key,), (repr(time.time()), 1000, 60))), close


def redis_py(**options: Any) -> Callable[[str], Awaitable[tuple[Call, Callable[[], Awaitable[None]]]]]:
    async def open_client(url: str) -> tuple[Call, Callable[[], Awaitable[None]]]:
        client = aredis.Redis.from_url(url, **options)
        script = client.register_script(ACQUIRE_WITH_WINDOW_LUA)
        return (lambda key: script(keys=[key], args=[repr(time.time()), 1000, 60])), client.aclose

    return open_client


CLIENTS_UNDER_TEST = {
    "the mock's pipelined connection (pipelined_redis.py)": pipelined,
    "redis-py asyncio, connection pool, Python parser": redis_py(parser_class=_AsyncRESP2Parser),
    "redis-py asyncio, single connection, Python parser": redis_py(single_connection_client=True,
                                                                   parser_class=_AsyncRESP2Parser),
}
if HIREDIS:
    CLIENTS_UNDER_TEST["redis-py asyncio, connection pool, hiredis parser"] = redis_py(parser_class=_AsyncHiredisParser)


async def calls(opener: Callable[[str], Awaitable[tuple[Call, Callable[[], Awaitable[None]]]]], url: str,
                prefix: str, redis_pid: int) -> tuple[float, float, float]:
    """(client CPU µs, wall µs, redis-server CPU µs) per call, connections opened before the clock starts."""
    call, close = await opener(url)
    keys = [f"hissuno-mock:bench:{prefix}:{i}" for i in range(KEYS)]
    each = KEYS * PER_KEY // CLIENTS
    await asyncio.gather(*(call(keys[0]) for _ in range(CLIENTS)))

    async def client(offset: int) -> None:
        for turn in range(each):
            await call(keys[(offset + turn) % KEYS])

    cpu, wall, server = time.process_time(), time.perf_counter(), cpu_seconds([redis_pid])
    await asyncio.gather(*(client(offset) for offset in range(CLIENTS)))
    total = each * CLIENTS
    results = ((time.process_time() - cpu) / total * 1e6, (time.perf_counter() - wall) / total * 1e6,
               (cpu_seconds([redis_pid]) - server) / total * 1e6)
    await close()
    return results


def in_process(url: str, redis_pid: int, rounds: int) -> list[list[str]]:
    measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name in CLIENTS_UNDER_TEST}
    generation = iter(range(1_000_000))

    def measurement(name: str) -> Callable[[], float]:
        def once() -> float:
            result = uvloop.run(calls(CLIENTS_UNDER_TEST[name], url, f"r{next(generation)}", redis_pid))
            measured[name].append(result)
            return result[0]

        return once

    medians = interleaved({name: measurement(name) for name in CLIENTS_UNDER_TEST}, rounds)
    baseline = next(iter(medians.values()))
    rows = []
    for name, cpu_us in medians.items():
        wall_us, server_us = next((w, s) for c, w, s in measured[name] if c == cpu_us)
        rows.append([name, f"{cpu_us:,.1f}", ratio(cpu_us, baseline), f"{wall_us:,.1f}", f"{server_us:,.1f}"])
    return rows


def main(
    rounds: Rounds = 5, keys: Keys = 600, duration: Duration = 4.0, connections: Connections = 16,
) -> None:
    """Print CPU per call of each client in-process and the mock's req/s and CPU per request over HTTP."""
    server_cpus, load_cpus = cpu_layout()
    work = WORK_DIR / "compare"
    fixture, _, request = keyed_load(work, keys)
    with redis_server(load_cpus) as (url, redis_pid):
        rows = in_process(url, redis_pid, rounds)
        options = {"the mock's pipelined connection": "mock-redis-pipelined",
                   f"redis-py asyncio, connection pool ({'hiredis' if HIREDIS else 'Python'} parser)":
                       "mock-redis-redis-py"}
        http = http_comparison(
            {label: limiter_server_command(name, fixture, f"{url}/{db}", server_cpus)
             for db, (label, name) in enumerate(options.items(), start=1)}, request,
            connections=connections, duration_s=duration, rounds=rounds, wrk_cpus=load_cpus, log_dir=work / "logs",
            helper_pid=redis_pid)
    print(describe_run("benchmarks.compare_redis_client"))
    print(f"- redis-py {version('redis')}, hiredis "
          f"{version('hiredis') if HIREDIS else 'not installed'}; HTTP load over {keys} keys at {connections} "
          f"connections, {duration:g} s x {rounds} rounds per option (enterprise plan, 1000/minute, no 429)\n")
    print(f"In-process, the limiter's script, {CLIENTS} concurrent clients, {KEYS} keys x {PER_KEY} calls:\n")
    print(table(["client", "client CPU µs / call", "CPU vs baseline", "wall µs / call", "redis-server CPU µs / call"],
                rows))
    print("\nOver HTTP, one-process mock with its limiter on Redis:\n")
    print(http_table(http, helper="redis-server"))


if __name__ == "__main__":
    typer.run(main)
