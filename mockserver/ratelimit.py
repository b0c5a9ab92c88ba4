"""Per-key rate limits by plan: the `limits` library's moving window, in memory or in Redis, and its headers."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import limits
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from mockserver.data.fixture import check_limit
from mockserver.pipeline.authenticate import Identity
from mockserver.settings import SettingsError

NAMESPACE = "hissuno-mock"
REDIS_KEY_PREFIX = "hissuno-mock:limits"
Header = tuple[bytes, bytes]


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """One plan's limit: ``amount`` requests per ``window`` seconds."""

    plan: str
    item: limits.RateLimitItem
    # header values, encoded once (``policy_bytes`` is ``"pro";q=300;w=60``, the IETF RateLimit-Policy draft)
    plan_bytes: bytes = field(init=False, repr=False, compare=False)
    amount_bytes: bytes = field(init=False, repr=False, compare=False)
    policy_bytes: bytes = field(init=False, repr=False, compare=False)

    @property
    def amount(self) -> int:
        return self.item.amount

    @property
    def window(self) -> int:
        return self.item.get_expiry()

    def __post_init__(self) -> None:
        plan = self.plan.encode("latin-1")
        object.__setattr__(self, "plan_bytes", plan)
        object.__setattr__(self, "amount_bytes", str(self.amount).encode())
        object.__setattr__(self, "policy_bytes", b'"%s";q=%d;w=%d' % (plan, self.amount, self.window))


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    """The outcome of one request against its key's window, and the headers that describe it."""

    policy: RateLimitPolicy
    allowed: bool
    remaining: int
    reset_seconds: int

    @property
    def retry_after(self) -> int:
        """Whole seconds after which a retry fits in the window (at least 1)."""
        return max(1, self.reset_seconds)

    def exhausted(self) -> RateLimitDecision:
        """This window as a rejection would show it (``Prefer: code=429``): nothing left, a retry time."""
        return RateLimitDecision(self.policy, False, 0, max(1, self.reset_seconds))

    def raw_headers(self) -> list[Header]:
        """The window as response headers (built for every answer, so from the policy's ready bytes)."""
        policy = self.policy
        remaining, reset = str(self.remaining).encode(), str(self.reset_seconds).encode()
        headers = [
            (b"x-ratelimit-limit", policy.amount_bytes),
            (b"x-ratelimit-remaining", remaining),
            (b"x-ratelimit-reset", reset),
            (b"ratelimit-policy", policy.policy_bytes),
            (b"ratelimit", b'"%s";r=%s;t=%s' % (policy.plan_bytes, remaining, reset)),
        ]
        if not self.allowed:
            headers.append((b"retry-after", str(self.retry_after).encode()))
        return headers

    def headers(self) -> dict[str, str]:
        return {name.decode("latin-1"): value.decode("latin-1") for name, value in self.raw_headers()}


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
        """One hit and the window it leaves (oldest entry, count), in one step like the Redis script."""
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
# step is O(1): `limits`' scripts keep up to ``limit`` entries and binary-search them with LINDEX, which under a
# raised benchmark limit (a million a second) walks a list of tens of thousands on every request.
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


class WindowRedisStorage(RedisStorage):
    """`limits`' async Redis storage that counts a hit and reads its window in one pipelined script call.

    Everything else (keys, ``reset``, ``peek``) is the stock storage's, on redis-py.
    """

    def __init__(self, uri: str, **options: Any) -> None:
        super().__init__(uri, implementation="redispy", key_prefix=REDIS_KEY_PREFIX, **options)
        if self.bridge.uri.startswith("rediss"):  # TLS and its options: left to redis-py
            self._acquire_with_window = self.bridge.get_connection().register_script(ACQUIRE_WITH_WINDOW_LUA)
        else:
            from mockserver.pipelined_redis import PipelinedRedis  # redis-py: imported only when used

            self.pipe = PipelinedRedis(self.bridge.uri)
            self._acquire_with_window = self.pipe.script(ACQUIRE_WITH_WINDOW_LUA)
        self._keys: dict[str, str] = {}

    async def acquire_with_window(self, key: str, limit: int, expiry: int) -> tuple[bool, float, int]:
        """Count one hit if the window has room; return (counted, oldest entry in the window, entries)."""
        name = self._keys.get(key)
        if name is None:
            name = self._keys[key] = self.bridge.prefixed_key(key)
        allowed, oldest, count = await self._acquire_with_window((name,), (repr(time.time()), limit, expiry))
        return bool(allowed), float(oldest), int(count)


def storage_uri(uri: str) -> str:
    """``memory://`` and ``redis://...`` name `limits`' async storages as ``async+memory://`` etc."""
    return uri if uri.startswith("async+") else f"async+{uri}"


def open_storage(uri: str) -> Storage:
    """The `limits` async storage named by ``uri``: this process's memory, or a server the workers share.

    Redis storages use redis-py (installed with the mock; `limits` would pick coredis) and keep their
    keys under the mock's own prefix, so ``/__mock/reset`` clears only the mock's windows. The server is
    pinged here, so an unreachable one stops the mock at start with one line instead of 500s later.
    """
    scheme = storage_uri(uri).split("://", 1)[0]
    if scheme == "async+memory":
        return WindowMemoryStorage()
    options: dict[str, str] = {}
    if "redis" in scheme:
        ping_redis(uri)
        if scheme in ("async+redis", "async+rediss", "async+redis+unix"):
            return WindowRedisStorage(storage_uri(uri))
        options = {"implementation": "redispy", "key_prefix": REDIS_KEY_PREFIX}
    return storage_from_string(storage_uri(uri), **options)


def ping_redis(uri: str) -> None:
    import redis

    plain = uri.removeprefix("async+").replace("redis+unix://", "unix://", 1)
    if not plain.startswith(("redis://", "rediss://", "unix://")):
        return  # sentinel and cluster URIs: reached on first use
    client = redis.Redis.from_url(plain, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    finally:
        client.close()


def build_policies(plans: Mapping[str, str], overrides: Mapping[str, str]) -> dict[str, RateLimitPolicy]:
    """The fixture's plans with ``--rate-limit PLAN=LIMIT`` overrides applied (unknown plans are an error)."""
    unknown = sorted(set(overrides) - set(plans))
    if unknown:
        raise SettingsError(f"--rate-limit names unknown plan {unknown[0]!r} (plans: {', '.join(plans)})")
    policies: dict[str, RateLimitPolicy] = {}
    for plan, default in plans.items():
        notation = overrides.get(plan, default)

        def fail(message: str, plan: str = plan) -> SettingsError:
            return SettingsError(f"rate limit for plan {plan!r}: {message}")

        check_limit(notation, fail)
        policies[plan] = RateLimitPolicy(plan, limits.parse(notation))
    return policies


class RateLimiter:
    """Counts each key's requests in its plan's moving window."""

    def __init__(self, policies: Mapping[str, RateLimitPolicy], storage: str | Storage = "memory://") -> None:
        """``storage``: a URI (see :func:`open_storage`) or a storage already open."""
        self.policies = dict(policies)
        try:
            self.storage = open_storage(storage) if isinstance(storage, str) else storage
        except Exception as error:  # limits raises ConfigurationError/ValueError/ImportError by backend
            raise SettingsError(f"rate limit storage {storage!r}: {error}") from None
        self.strategy = MovingWindowRateLimiter(self.storage)
        self._window_keys: dict[tuple[str, str], str] = {}

    def policy_for(self, identity: Identity) -> RateLimitPolicy:
        return self.policies[identity.plan]

    async def hit(self, identity: Identity) -> RateLimitDecision:
        """Count this request if the window has room; rejected requests are not counted."""
        policy = self.policy_for(identity)
        combined = getattr(self.storage, "acquire_with_window", None)
        if combined is not None:
            window_key = self._window_keys.get((policy.plan, identity.key))
            if window_key is None:
                window_key = policy.item.key_for(NAMESPACE, identity.key)
                self._window_keys[(policy.plan, identity.key)] = window_key
            allowed, oldest, count = await combined(window_key, policy.amount, policy.window)
            return self._from_window(policy, allowed, oldest + policy.window, policy.amount - count)
        allowed = await self.strategy.hit(policy.item, NAMESPACE, identity.key)
        return await self._decision(policy, identity, allowed)

    async def peek(self, identity: Identity) -> RateLimitDecision:
        """The window's state without counting (for answers that come before the limit check, like 403)."""
        return await self._decision(self.policy_for(identity), identity, True)

    async def _decision(self, policy: RateLimitPolicy, identity: Identity, allowed: bool) -> RateLimitDecision:
        stats = await self.strategy.get_window_stats(policy.item, NAMESPACE, identity.key)
        return self._from_window(policy, allowed, stats.reset_time, stats.remaining)

    @staticmethod
    def _from_window(policy: RateLimitPolicy, allowed: bool, reset_time: float, remaining: int) -> RateLimitDecision:
        reset = max(0, math.ceil(reset_time - time.time()))
        return RateLimitDecision(policy, allowed, max(0, min(policy.amount, remaining)), reset)

    async def reset(self) -> None:
        """Forget every count (``POST /__mock/reset``)."""
        await self.storage.reset()
