"""Fixtures shared by every test package. Keep this small: package-specific fixtures live next to their tests."""

from __future__ import annotations

import socket

import pytest

# pytester drives the conformance pytest plugin in a child session (tests/conformance); pytest only accepts
# pytest_plugins in the top-level conftest.
pytest_plugins = ["pytester"]


def pick_free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (tests run in parallel with others: never hard-code one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    return pick_free_port()
