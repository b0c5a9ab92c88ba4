"""The ``compare_*`` scripts' harness: the fixture of many keys, keys taken in turn by wrk, the served storages.

No timing is asserted (the numbers belong to benchmarks/README.md); what is asserted is that the load really
goes round the keys within the real limits, and that each served storage is the one asked for.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from benchmarks.compare import fixture_with_keys
from benchmarks.compare_formats import corpus
from benchmarks.limiter_server import STORAGES, limiter_server_command
from benchmarks.loadgen import Request, run_wrk
from benchmarks.request_cpu import ENDPOINTS, measure
from benchmarks.servers import running
from mockserver.data.fixture import load_fixture
from mockserver.ratelimit_storage import TwoStepWindow, WindowMemoryStorage
from mockserver.settings import default_fixtures


def test_fixture_with_keys_adds_keys_and_keeps_the_limits(tmp_path: Path) -> None:
    path, keys = fixture_with_keys(tmp_path, 40)
    fixture, default = load_fixture(path), load_fixture(default_fixtures())
    assert fixture.plans == default.plans
    added = [k for k in fixture.keys if k.key in set(keys)]
    assert len(added) == len(keys) == 40
    assert {(k.plan, k.permission, k.status) for k in added} == {("enterprise", "full", "active")}


def test_keys_in_turn_reach_wrk() -> None:
    request = Request("GET", "/v1/sessions", authorizations=("Bearer hss_a", "Bearer hss_b"))
    assert request.environment()["BENCH_AUTHORIZATIONS"] == "Bearer hss_a,Bearer hss_b"


def test_storages_are_the_ones_named() -> None:
    assert isinstance(STORAGES["mock-memory"](""), WindowMemoryStorage)
    wrapped = STORAGES["limits-memory"]("")
    assert isinstance(wrapped, TwoStepWindow) and not isinstance(wrapped.storage, WindowMemoryStorage)


def test_format_corpus_is_the_same_on_every_run() -> None:
    assert corpus("email", 60) == corpus("email", 60)


def test_request_cpu_measures_every_endpoint() -> None:
    result = measure(requests=40)
    assert set(result) == set(ENDPOINTS) and all(value > 0 for value in result.values())


@pytest.mark.slow
def test_wrk_goes_round_the_keys_and_each_is_counted(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed (apt-get install -y wrk)")
    path, keys = fixture_with_keys(tmp_path, 40)
    command = limiter_server_command("mock-memory", path, "", None)
    with running(command, tmp_path / "logs") as server:
        request = Request("GET", "/v1/sessions?limit=1", authorizations=tuple(f"Bearer {k}" for k in keys))
        result = run_wrk(server.base_url, request, connections=4, duration_s=1)
        used = []
        for key in keys:
            answer = httpx.get(f"{server.base_url}/v1/sessions?limit=1", headers={"Authorization": f"Bearer {key}"})
            used.append(1000 - int(answer.headers["X-RateLimit-Remaining"]) - 1)
    assert result.clean, "a key passed its limit or a request failed"
    assert 0 <= sum(used) - result.requests <= 4  # the server also counted what was in flight when wrk stopped
    assert min(used) > 0 and max(used) - min(used) <= 1 + 4  # in turn: one round apart, give or take those
