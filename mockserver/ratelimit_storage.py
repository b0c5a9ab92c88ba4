"""Where the rate-limit windows live: `limits` async storages that count a hit and read its window in one step.

A request's decision, its ``X-RateLimit-Remaining`` and its ``Retry-After`` must describe the same moment, or
concurrent requests would report the same count; so the limiter asks a storage one question per request:
count this hit if the window has room, and say what the window then holds (its oldest entry, how many).
A shared storage that does not answer in time raises :class:`~mockserver.outage.Unavailable` (a 503).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Literal, Protocol

from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.storage.base import MovingWindowSupport, Storage
from limits.errors import StorageError
from limits.storage import storage_from_string

from mockserver.outage import REDIS_TIMEOUT_S, Breaker

REDIS_KEY_PREFIX = "hissuno-mock:limits"


class WindowStorage(Protocol):
    """What the limiter needs of a storage: one counted hit with its window, a look at a window, a reset."""

    async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
        """Count one hit if fewer than ``limit`` are younger than ``expiry`` s; (counted, oldest entry, entries)."""
        ...

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(oldest entry in the window, entries), without counting."""
        ...

    async def reset(self) -> int | None: ...


class WindowMemoryStorage(MemoryStorage):
    """`limits`' async memory storage with an O(1) moving window: a deque of hit times per key, pruned on use.

    A hit is accepted while fewer than ``limit`` hits are younger than ``expiry`` seconds, as in `limits`.
    Nothing awaits between the check and the append, so a key's hits are serialised by the event loop.
    """

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.windows: dict[str, deque[float]] = {}

    def _window(self, key: str, expiry: float, now: float) -> deque[float]:
        window = self.windows.get(key)
        if window is None:
            window = self.windows[key] = deque()
        cutoff = now - expiry
        while window and window[0] < cutoff:
            window.popleft()
        return window

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        now = time.time()
        window = self._window(key, expiry, now)
        if amount > limit or len(window) + amount > limit:
            return False
        window.extend([now] * amount)
        return True

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        window = self._window(key, expiry, now)
        return (window[0], len(window)) if window else (now, 0)

    async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
        now = time.time()
        window = self._window(key, expiry, now)
        allowed = len(window) < limit
        if allowed:
            window.append(now)
        return allowed, (window[0] if window else now), len(window)

    async def clear(self, key: str) -> None:
        self.windows.pop(key, None)
        await super().clear(key)

    async def reset(self) -> int | None:
        self.windows.clear()
        return await super().reset()


# One moving-window hit and the window it leaves, atomically. The list is `limits`' (timestamps, newest first)
# and a hit is accepted on the same rule (fewer than ``limit`` entries younger than ``expiry``), but entries
# that have left the window are dropped from the tail here, each once, so the list holds one window and every
# step is O(1): `limits`' scripts keep up to ``limit`` entries and binary-search them with LINDEX.
ACQUIRE_WITH_WINDOW_LUA = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local expiry = tonumber(ARGV[3])
local target = now - expiry
local oldest = redis.call('lindex', KEYS[1], -1)
while oldest and tonumber(oldest) < target do
    redis.call('rpop', KEYS[1])
    oldest = redis.call('lindex', KEYS[1], -1)
end
local count = redis.call('llen', KEYS[1])
local allowed = 0
if count < limit then
    redis.call('lpush', KEYS[1], ARGV[1])
    redis.call('expire', KEYS[1], expiry)
    count = count + 1
    allowed = 1
end
return {allowed, oldest or ARGV[1], count}
"""

RedisClient = Literal["pipelined", "redis-py"]


class WindowRedisStorage(RedisStorage):
    """`limits`' async Redis storage (on redis-py) that counts a hit and reads its window in one script call.

    The script is sent on one pipelined connection of the worker (:mod:`mockserver.pipelined_redis`), or
    through redis-py's client with ``client="redis-py"`` (the default for ``rediss://``, whose TLS options
    are redis-py's). Everything else (keys, ``reset``, windows read without counting) is the stock storage's.
    Every call has the mock's Redis deadline, and a Redis that misses it trips :attr:`breaker`.
    """

    def __init__(self, uri: str, client: RedisClient | None = None, **options: Any) -> None:
        from mockserver.pipelined_redis import OUTAGE_ERRORS, STALL_ERRORS, redis_py_timeouts

        options = {**redis_py_timeouts(asynchronous=True), **options}
        super().__init__(uri, implementation="redispy", key_prefix=REDIS_KEY_PREFIX, **options)
        self.breaker = Breaker("rate-limit storage (Redis)", OUTAGE_ERRORS, STALL_ERRORS)
        if client is None:
            client = "redis-py" if self.bridge.uri.startswith("rediss") else "pipelined"
        if client == "redis-py":
            self._acquire_with_window = self.bridge.get_connection().register_script(ACQUIRE_WITH_WINDOW_LUA)
        else:
            from mockserver.pipelined_redis import PipelinedRedis

            self.pipe = PipelinedRedis(self.bridge.uri)
            self._acquire_with_window = self.pipe.script(ACQUIRE_WITH_WINDOW_LUA)
        self._keys: dict[str, str] = {}

    async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
        name = self._keys.get(key)
        if name is None:
            name = self._keys[key] = self.bridge.prefixed_key(key)
        with self.breaker.call():
            allowed, oldest, count = await self._acquire_with_window((name,), (repr(time.time()), limit, expiry))
        return bool(allowed), float(oldest), int(count)

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        with self.breaker.call():
            return await super().get_moving_window(key, limit, expiry)

    async def reset(self) -> int | None:
        with self.breaker.call():
            return await super().reset()


class TwoStepWindow:
    """Any `limits` moving-window storage as a :class:`WindowStorage`: `limits`' own hit, then its window.

    Two calls, as `limits`' ``MovingWindowRateLimiter.hit`` and ``get_window_stats`` make them: a concurrent
    hit between the two can show in this request's count (a shared storage), so the mock's own storages
    answer both in one step.
    """

    def __init__(self, storage: Storage) -> None:
        if not isinstance(storage, MovingWindowSupport):
            raise ValueError(f"{type(storage).__name__} has no moving window")
        self.storage = storage
        self.breaker = Breaker(f"rate-limit storage ({type(storage).__name__})", (StorageError,))

    async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
        with self.breaker.call():
            allowed = await self.storage.acquire_entry(key, limit, expiry)
            oldest, count = await self.storage.get_moving_window(key, limit, expiry)
        return allowed, oldest, count

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        with self.breaker.call():
            return await self.storage.get_moving_window(key, limit, expiry)

    async def reset(self) -> int | None:
        with self.breaker.call():
            return await self.storage.reset()


def storage_uri(uri: str) -> str:
    """``memory://`` and ``redis://...`` name `limits`' async storages as ``async+memory://`` etc."""
    return uri if uri.startswith("async+") else f"async+{uri}"


def open_storage(uri: str) -> WindowStorage:
    """The window storage named by ``uri``: this process's memory, or a server the workers share.

    Redis storages use redis-py (installed with the mock; `limits` would pick coredis) and keep their keys
    under the mock's own prefix, so ``/__mock/reset`` clears only the mock's windows. The server is pinged
    here, so an unreachable one stops the mock at start with one line instead of 500s later. Any other
    `limits` storage with a moving window (sentinel, cluster, MongoDB) is used through :class:`TwoStepWindow`,
    its failures wrapped by `limits` (``wrap_exceptions``) so that they answer 503; Redis ones get the mock's
    Redis deadlines.
    """
    scheme = storage_uri(uri).split("://", 1)[0]
    if scheme == "async+memory":
        return WindowMemoryStorage()
    options: dict[str, Any] = {"wrap_exceptions": True}
    if "redis" in scheme:
        ping_redis(uri)
        if scheme in ("async+redis", "async+rediss", "async+redis+unix"):
            return WindowRedisStorage(storage_uri(uri))
        options.update(implementation="redispy", key_prefix=REDIS_KEY_PREFIX, socket_timeout=REDIS_TIMEOUT_S,
                       socket_connect_timeout=REDIS_TIMEOUT_S)
    return TwoStepWindow(storage_from_string(storage_uri(uri), **options))


def ping_redis(uri: str) -> None:
    import redis

    from mockserver.pipelined_redis import redis_py_timeouts

    plain = uri.removeprefix("async+").replace("redis+unix://", "unix://", 1)
    if not plain.startswith(("redis://", "rediss://", "unix://")):
        return  # sentinel and cluster URIs: reached on first use
    client = redis.Redis.from_url(plain, **redis_py_timeouts())
    try:
        client.ping()
    finally:
        client.close()
