"""Per-key rate limits by plan, with the `limits` library's moving window.

Why the moving window: it is exact. With N allowed per window, no span of that length ever holds more than
N accepted requests, whatever the concurrency (the memory storage serialises a key's hits with a lock, the
Redis one with a Lua script), and the moment a slot frees up is known, so ``Retry-After`` is accurate: the
oldest request in the window leaves it at ``reset``, and a retry after that succeeds. A fixed window allows
2N across a boundary; the sliding-window counter is an approximation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import limits
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from mockserver.auth import Identity
from mockserver.fixtures import check_limit
from mockserver.settings import SettingsError

NAMESPACE = "hissuno-mock"
Header = tuple[bytes, bytes]


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """One plan's limit: ``amount`` requests per ``window`` seconds."""

    plan: str
    item: limits.RateLimitItem

    @property
    def amount(self) -> int:
        return self.item.amount

    @property
    def window(self) -> int:
        return self.item.get_expiry()


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

    def headers(self) -> dict[str, str]:
        policy = self.policy
        headers = {
            "X-RateLimit-Limit": str(policy.amount),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
            "RateLimit-Policy": f'"{policy.plan}";q={policy.amount};w={policy.window}',
            "RateLimit": f'"{policy.plan}";r={self.remaining};t={self.reset_seconds}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def raw_headers(self) -> list[Header]:
        return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers().items()]


def storage_uri(uri: str) -> str:
    """``memory://`` and ``redis://...`` name `limits`' async storages as ``async+memory://`` etc."""
    return uri if uri.startswith("async+") else f"async+{uri}"


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

    def __init__(self, policies: Mapping[str, RateLimitPolicy], storage: str = "memory://") -> None:
        self.policies = dict(policies)
        try:
            self.storage = storage_from_string(storage_uri(storage))
        except Exception as error:  # limits raises ConfigurationError/ValueError/ImportError by backend
            raise SettingsError(f"rate limit storage {storage!r}: {error}") from None
        self.strategy = MovingWindowRateLimiter(self.storage)

    def policy_for(self, identity: Identity) -> RateLimitPolicy:
        return self.policies[identity.plan]

    async def hit(self, identity: Identity) -> RateLimitDecision:
        """Count this request if the window has room; rejected requests are not counted."""
        policy = self.policy_for(identity)
        allowed = await self.strategy.hit(policy.item, NAMESPACE, identity.key)
        return await self._decision(policy, identity, allowed)

    async def peek(self, identity: Identity) -> RateLimitDecision:
        """The window's state without counting (for answers that come before the limit check, like 403)."""
        return await self._decision(self.policy_for(identity), identity, True)

    async def _decision(self, policy: RateLimitPolicy, identity: Identity, allowed: bool) -> RateLimitDecision:
        stats = await self.strategy.get_window_stats(policy.item, NAMESPACE, identity.key)
        remaining = max(0, min(policy.amount, stats.remaining))
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return RateLimitDecision(policy, allowed, remaining, reset)

    async def reset(self) -> None:
        """Forget every count (``POST /__mock/reset``)."""
        await self.storage.reset()
