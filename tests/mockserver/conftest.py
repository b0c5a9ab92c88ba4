"""Fixtures for the mock's tests: one app per session (reset before each test) and a judging client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.support.client import MockClient
from tests.support.judging import ContractJudge
from tests.support.keys import Keys


def pytest_configure(config: pytest.Config) -> None:
    # Connexion imports Starlette's TestClient, which warns about httpx on import.
    config.addinivalue_line("filterwarnings", "ignore:.*starlette.testclient.*")


@pytest.fixture(scope="session")
def judge() -> ContractJudge:
    return ContractJudge()


@pytest.fixture(scope="session")
def shared_app():
    return create_app(Settings())


@pytest.fixture
def client(shared_app, judge: ContractJudge) -> Iterator[MockClient]:
    """A client of the shared app, put back to its seeded state (data and rate limits) first."""
    mock = MockClient(shared_app, judge)
    assert mock.post("/__mock/reset", json={}).status_code == 200
    yield mock
    mock.close()


@pytest.fixture
def make_client(judge: ContractJudge) -> Iterator:
    """Build a client of a fresh app with specific settings: ``make_client(seed=7, rate_limits={...})``."""
    made: list[MockClient] = []

    def make(check: bool = True, app: Any = None, **settings: object) -> MockClient:
        """A client of ``app``, or of a fresh mock built with ``settings``."""
        mock = MockClient(app if app is not None else create_app(Settings(**settings)), judge if check else None)
        made.append(mock)
        return mock

    yield make
    for mock in made:
        mock.close()


@pytest.fixture(scope="session")
def keys(shared_app) -> Keys:
    return Keys(shared_app.mock.registry.listing())
