"""Fixtures for the mock's tests: one app per session (reset before each test) and a checking client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mock_support import ContractChecker, Keys, MockClient
from redis_support import redis_server, redis_url  # noqa: F401  (fixtures for the shared-state tests)

from mockserver.app import create_app
from mockserver.settings import Settings


def pytest_configure(config: pytest.Config) -> None:
    # Connexion imports Starlette's TestClient, which warns about httpx on import.
    config.addinivalue_line("filterwarnings", "ignore:.*starlette.testclient.*")


@pytest.fixture(scope="session")
def checker() -> ContractChecker:
    return ContractChecker()


@pytest.fixture(scope="session")
def shared_app():
    return create_app(Settings())


@pytest.fixture
def client(shared_app, checker: ContractChecker) -> Iterator[MockClient]:
    """A client of the shared app, put back to its seeded state (data and rate limits) first."""
    mock = MockClient(shared_app, checker)
    mock.post("/__mock/reset")
    yield mock
    mock.close()


@pytest.fixture
def make_client(checker: ContractChecker) -> Iterator:
    """Build a client of a fresh app with specific settings: ``make_client(seed=7, rate_limits={...})``."""
    made: list[MockClient] = []

    def make(check: bool = True, **settings: object) -> MockClient:
        mock = MockClient(create_app(Settings(**settings)), checker if check else None)
        made.append(mock)
        return mock

    yield make
    for mock in made:
        mock.close()


@pytest.fixture(scope="session")
def keys(shared_app) -> Keys:
    return Keys(shared_app.mock.registry.listing())
