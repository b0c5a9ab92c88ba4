"""Fixtures for running the suite against the mock: in-process, or served on a real port."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

with warnings.catch_warnings():
    # Connexion imports Starlette's TestClient, which warns about httpx on import.
    warnings.simplefilter("ignore")
    from tests.support.apps import hermetic_app
from tests.support.servers import served


@pytest.fixture
def mock_app() -> Callable[..., Any]:
    """A fresh mock (its own store and rate-limit windows); keyword arguments override settings."""
    return hermetic_app


@pytest.fixture
def serve() -> Callable[[Any], Any]:
    return served
