"""Rate limits in a real Redis (``--rate-limit-storage redis://``): the same answers as in memory, exact
under concurrency, emptied by a reset; and a deliberately racy variant that the concurrency test catches.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import pytest
import redis.asyncio as aredis
from redis.exceptions import NoScriptError

from mockserver.outage import Unavailable
from mockserver.pipeline.authenticate import Identity
from mockserver.ratelimit import RateLimiter, build_policies
from mockserver.ratelimit_storage import REDIS_KEY_PREFIX, WindowRedisStorage, WindowStorage

PLANS = {"pro": "300/minute"}
KEY = Identity("hss_redistest", "proj_northwind", "pro", "standard", "standard")


def limiter(storage: str | WindowStorage, limit: str) -> RateLimiter:
    return RateLimiter(build_policies(PLANS, {"pro": limit}), storage)


def test_redis_answers_like_memory(redis_url: str) -> None:
    async def run(storage: str) -> list[tuple[bool, int, int]]:
        counter = limiter(storage, "5/minute")
        answers = [await counter.hit(KEY) for _ in range(7)]
        peeked = await counter.peek(KEY)
        await counter.reset()
        after = await counter.hit(KEY)
        return [(a.allowed, a.remaining, a.reset_seconds) for a in [*answers, peeked, after]]

    in_redis, in_memory = asyncio.run(run(redis_url)), asyncio.run(run("memory://"))
    assert in_redis == in_memory
    assert [allowed for allowed, _, _ in in_redis] == [True] * 5 + [False, False, True, True]
    assert [remaining for _, remaining, _ in in_redis] == [4, 3, 2, 1, 0, 0, 0, 0, 4]


def hammer(counter: RateLimiter, clients: int = 32, each: int = 3) -> list[tuple[bool, int]]:
    async def client() -> list[tuple[bool, int]]:
        answers = []
        for _ in range(each):
            decision = await counter.hit(KEY)
            answers.append((decision.allowed, decision.remaining))
        return answers

    async def run() -> list[tuple[bool, int]]:
        await counter.reset()
        return [answer for answers in await asyncio.gather(*(client() for _ in range(clients))) for answer in answers]

    return asyncio.run(run())


def test_limit_exact_under_32_concurrent_clients_in_redis(redis_url: str) -> None:
    answers = hammer(limiter(redis_url, "50/minute"))
    assert sum(allowed for allowed, _ in answers) == 50
    assert sorted(remaining for allowed, remaining in answers if allowed) == list(range(50))


class RacyRedisStorage(WindowRedisStorage):
    """A deliberately broken storage: checks the window, then counts, in two separate commands."""

    async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
        client = self.bridge.get_connection()
        name = self.bridge.prefixed_key(key)
        count = await client.llen(name)
        if count >= limit:
            return False, 0.0, count
        await asyncio.sleep(0.01)  # other clients check in the meantime (on a busy machine they may not, unasked)
        await client.lpush(name, 0)
        return True, 0.0, count + 1


def test_the_redis_concurrency_test_catches_a_racy_limiter(redis_url: str) -> None:
    answers = hammer(limiter(RacyRedisStorage(f"async+{redis_url}"), "50/minute"))
    assert sum(allowed for allowed, _ in answers) > 50


def test_reset_clears_only_the_mocks_keys(redis_url: str) -> None:
    async def run() -> list[bytes]:
        other = aredis.Redis.from_url(redis_url)
        await other.set("someone-else:key", "kept")
        counter = limiter(redis_url, "5/minute")
        await counter.hit(KEY)
        assert [k async for k in other.scan_iter(f"{REDIS_KEY_PREFIX}*")]
        await counter.reset()
        keys = [k async for k in other.scan_iter("*")]
        await other.aclose()
        return keys

    assert asyncio.run(run()) == [b"someone-else:key"]


def test_a_hit_is_one_script_call_on_one_connection(redis_url: str) -> None:
    """The limiter's cost with several workers is its round trips: one EVALSHA per request, nothing else."""
    import redis as sync_redis

    watcher = sync_redis.Redis.from_url(redis_url)
    earlier = {client["id"] for client in watcher.client_list()}  # other tests' connections may linger
    counter = limiter(redis_url, "1000/minute")

    async def run() -> None:
        await asyncio.gather(*(counter.hit(KEY) for _ in range(40)))  # connects (and loads the script) once
        watcher.config_resetstat()
        await asyncio.gather(*(counter.hit(KEY) for _ in range(50)))

    asyncio.run(run())
    calls = {name: stats["calls"] for name, stats in watcher.info("commandstats").items()}
    clients = [c for c in watcher.client_list() if c["id"] not in earlier and c["cmd"] in ("evalsha", "eval")]
    watcher.close()
    assert calls.get("cmdstat_evalsha") == 50 and "cmdstat_eval" not in calls
    assert calls["cmdstat_lindex"] == 50  # inside the script: one look at the oldest entry, no binary search
    assert len(clients) == 1  # every concurrent hit shared the one pipelined connection


def test_the_window_list_holds_only_the_window(redis_url: str) -> None:
    """Entries that left the window are dropped, so a raised limit does not grow the list (and each hit's cost)."""
    import redis as sync_redis

    counter = limiter(redis_url, "1000/minute")
    direct = sync_redis.Redis.from_url(redis_url)
    asyncio.run(counter.hit(KEY))
    (name,) = direct.keys(f"{REDIS_KEY_PREFIX}*")
    long_ago = time.time() - 3600
    direct.rpush(name, *[repr(long_ago + i) for i in range(500)])  # older than any window, at the tail
    decision = asyncio.run(counter.hit(KEY))
    length = direct.llen(name)
    direct.close()
    assert (decision.allowed, decision.remaining, length) == (True, 998, 2)


def test_hits_survive_a_lost_connection_and_a_flushed_script_cache(redis_url: str) -> None:
    import redis as sync_redis

    counter = limiter(redis_url, "5/minute")
    admin = sync_redis.Redis.from_url(redis_url)

    async def run() -> list[int]:
        remaining = [(await counter.hit(KEY)).remaining]
        admin.client_kill_filter(_type="normal", skipme=True)  # drop every other connection, ours included
        admin.script_flush()
        for _ in range(10):
            try:
                remaining.append((await counter.hit(KEY)).remaining)
                break
            except Unavailable:  # the request in flight when the connection went away (a 503)
                continue
        remaining.append((await counter.hit(KEY)).remaining)
        return remaining

    assert asyncio.run(run()) == [4, 3, 2]
    admin.close()


def test_the_database_in_the_uri_is_used(redis_url: str) -> None:
    import redis as sync_redis

    asyncio.run(limiter(f"{redis_url}/3", "5/minute").hit(KEY))
    database = sync_redis.Redis.from_url(f"{redis_url}/3")
    default = sync_redis.Redis.from_url(redis_url)
    assert database.keys(f"{REDIS_KEY_PREFIX}*") and not default.keys(f"{REDIS_KEY_PREFIX}*")
    database.close()
    default.close()


@pytest.mark.parametrize("chunk", [1, 2, 7, 1000])
def test_replies_split_anywhere_are_read_whole(chunk: int) -> None:
    """Redis may deliver a reply in pieces; the reader waits for the rest instead of answering early."""
    from mockserver.pipelined_redis import _Connection

    stream = (b"*3\r\n:1\r\n$17\r\n1716300000.123456\r\n:42\r\n+OK\r\n$-1\r\n-NOSCRIPT No matching script\r\n"
              b"$12\r\nsplit\r\nvalue\r\n")

    async def run() -> list[object]:
        connection = _Connection(asyncio.get_running_loop())
        futures = [connection.loop.create_future() for _ in range(5)]
        connection.waiting.extend(futures)
        for start in range(0, len(stream), chunk):
            connection.data_received(stream[start:start + chunk])
        return [f.exception() or f.result() for f in futures]

    answers = asyncio.run(run())
    assert answers[:3] == [[1, b"1716300000.123456", 42], "OK", None]
    assert isinstance(answers[3], NoScriptError) and answers[4] == b"split\r\nvalue"


def test_a_unix_socket_uri_reaches_redis_without_tcp(tmp_path: Path) -> None:
    """``redis+unix:///path/redis.sock`` (no TCP stack between a worker and a Redis on the same host)."""
    import redis as sync_redis

    path = tmp_path / "redis.sock"
    server = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", str(path), "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        direct = sync_redis.Redis(unix_socket_path=str(path))
        deadline = time.monotonic() + 20
        while True:
            try:
                if direct.ping():
                    break
            except sync_redis.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None, "redis-server did not start"
                time.sleep(0.02)
        counter = limiter(f"redis+unix://{path}", "5/minute")

        async def run() -> list[int]:
            return [(await counter.hit(KEY)).remaining for _ in range(3)]

        assert asyncio.run(run()) == [4, 3, 2]
        assert direct.keys(f"{REDIS_KEY_PREFIX}*")
        direct.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
