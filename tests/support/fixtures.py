"""Fixtures every test package may ask for, registered once in ``tests/conftest.py`` (``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.redis_server import MISSING, LiveRedis, live_redis, redis_binary
from tests.support.servers import free_port as pick_free_port


@pytest.fixture
def free_port() -> int:
    """A port that was free a moment ago (tests run in parallel with others: never hard-code one)."""
    return pick_free_port()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[LiveRedis]:
    """One ``redis-server`` for the session; a machine without one fails the test, saying so."""
    if redis_binary() is None:
        pytest.fail(MISSING)
    with live_redis() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: LiveRedis) -> str:
    """The URL of an empty Redis (flushed before each test)."""
    redis_server.flush()
    return redis_server.url
