"""Rate limits in a real Redis (``--rate-limit-storage redis://``): the same answers as in memory, exact
under concurrency, emptied by a reset; and a deliberately racy variant that the concurrency test catches.
"""

from __future__ import annotations

import asyncio

import redis.asyncio as aredis

from mockserver.auth import Identity
from mockserver.ratelimit import REDIS_KEY_PREFIX, RateLimiter, WindowRedisStorage, build_policies

PLANS = {"pro": "300/minute"}
KEY = Identity("hss_redistest", "proj_northwind", "pro", "standard", "standard")


def limiter(storage: str, limit: str) -> RateLimiter:
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
        await client.lpush(name, 0)
        return True, 0.0, count + 1


def test_the_redis_concurrency_test_catches_a_racy_limiter(redis_url: str) -> None:
    counter = limiter(redis_url, "50/minute")
    counter.storage = RacyRedisStorage(f"async+{redis_url}")
    answers = hammer(counter)
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
