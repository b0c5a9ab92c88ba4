"""Per-key rate limits by plan: the `limits` library's moving window, and the headers that describe it."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import limits

from mockserver.data.fixture import check_limit
from mockserver.pipeline.authenticate import Identity
from mockserver.ratelimit_storage import WindowStorage, open_storage
from mockserver.settings import SettingsError

NAMESPACE = "hissuno-mock"
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
    """Counts each key's requests in its plan's moving window (one storage call per request)."""

    def __init__(self, policies: Mapping[str, RateLimitPolicy], storage: str | WindowStorage = "memory://") -> None:
        """``storage`` is a `limits` storage URI (``memory://``, ``redis://...``) or an opened window storage."""
        self.policies = dict(policies)
        if isinstance(storage, str):
            try:
                storage = open_storage(storage)
            except Exception as error:  # limits raises ConfigurationError/ValueError/ImportError by backend
                raise SettingsError(f"rate limit storage {storage!r}: {error}") from None
        self.storage = storage
        self._window_keys: dict[tuple[str, str], str] = {}

    def policy_for(self, identity: Identity) -> RateLimitPolicy:
        return self.policies[identity.plan]

    def _window_key(self, policy: RateLimitPolicy, identity: Identity) -> str:
        window_key = self._window_keys.get((policy.plan, identity.key))
        if window_key is None:
            window_key = self._window_keys[(policy.plan, identity.key)] = policy.item.key_for(NAMESPACE, identity.key)
        return window_key

    async def hit(self, identity: Identity) -> RateLimitDecision:
        """Count this request if the window has room; rejected requests are not counted."""
        policy = self.policy_for(identity)
        allowed, oldest, count = await self.storage.acquire_with_window(
            self._window_key(policy, identity), policy.amount, policy.window)
        return self._from_window(policy, allowed, oldest, count)

    async def peek(self, identity: Identity) -> RateLimitDecision:
        """The window's state without counting (for answers that come before the limit check, like 403)."""
        policy = self.policy_for(identity)
        oldest, count = await self.storage.get_moving_window(
            self._window_key(policy, identity), policy.amount, policy.window)
        return self._from_window(policy, True, oldest, count)

    @staticmethod
    def _from_window(policy: RateLimitPolicy, allowed: bool, oldest: float, count: int) -> RateLimitDecision:
        """The decision and headers from the window: it frees a slot when its oldest entry leaves it."""
        reset = max(0, math.ceil(oldest + policy.window - time.time()))
        return RateLimitDecision(policy, allowed, max(0, min(policy.amount, policy.amount - count)), reset)

    async def reset(self) -> None:
        """Forget every count (``POST /__mock/reset``)."""
        await self.storage.reset()
