"""Per-key rate limits by plan: headers on every authenticated answer, exact 429s, accurate Retry-After."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import httpx
import pytest

from mockserver.app import create_app
from mockserver.ratelimit import RateLimitPolicy, build_policies
from mockserver.ratelimit_storage import WindowMemoryStorage
from mockserver.settings import Settings, SettingsError
from tests.support.client import RATE_LIMIT_HEADERS, MockClient
from tests.support.keys import Keys
from tests.support.mutants import Mutant, RacyWindowStorage
from tests.support.servers import served

NW = "proj_northwind"
SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}


def window(response: httpx.Response) -> tuple[int, int, int]:
    h = response.headers
    return int(h["X-RateLimit-Limit"]), int(h["X-RateLimit-Remaining"]), int(h["X-RateLimit-Reset"])


@pytest.mark.parametrize(("plan", "limit"), [("free", 60), ("pro", 300), ("enterprise", 1000)])
def test_plan_limits_from_the_fixtures(client: MockClient, keys: Keys, plan: str, limit: int) -> None:
    project, key = keys.of_plan(plan)
    response = client.get(f"/api/projects/{project}/issues", key=key)
    assert window(response) == (limit, limit - 1, 60)
    assert response.headers["RateLimit-Policy"] == f'"{plan}";q={limit};w=60'
    assert response.headers["RateLimit"] == f'"{plan}";r={limit - 1};t=60'


def test_headers_on_every_authenticated_status(client: MockClient, keys: Keys) -> None:
    standard, read = keys.get(NW, "standard"), keys.get(NW, "read-only")
    answers = {
        200: client.get("/v1/issues", key=standard),
        201: client.post("/v1/sessions", key=standard, json=SESSION),
        400: client.get("/v1/issues?limit=0", key=standard),
        403: client.post("/v1/sessions", key=read, json=SESSION),
        404: client.get("/v1/issues/iss_nope", key=standard),
        422: client.post("/v1/sessions", key=standard, json={}),
    }
    for status, response in answers.items():
        assert response.status_code == status
        assert all(name in response.headers for name in RATE_LIMIT_HEADERS), status
        assert "Retry-After" not in response.headers
    unauthenticated = client.get("/v1/issues")
    assert not any(name in unauthenticated.headers for name in RATE_LIMIT_HEADERS)


def test_remaining_counts_down_per_key(client: MockClient, keys: Keys) -> None:
    a, b = keys.get(NW, "standard"), keys.get(NW, "full")
    remaining = [window(client.get("/v1/issues", key=a))[1] for _ in range(5)]
    assert remaining == [299, 298, 297, 296, 295]
    assert window(client.get("/v1/issues", key=b))[1] == 299


def test_429_after_the_limit_with_retry_after(make_client, keys: Keys) -> None:
    mock = make_client(rate_limits={"pro": "5/minute"})
    key = keys.get(NW, "rate-limit")
    statuses = [mock.get("/v1/issues", key=key).status_code for _ in range(5)]
    assert statuses == [200] * 5
    rejected = mock.get("/v1/issues", key=key)
    assert rejected.status_code == 429
    assert rejected.json() == {"error": "Rate limit exceeded."}
    limit, remaining, reset = window(rejected)
    assert (limit, remaining) == (5, 0) and 55 <= reset <= 60
    assert 55 <= int(rejected.headers["Retry-After"]) <= 60
    assert rejected.headers["RateLimit"].startswith('"pro";r=0;t=')


def test_rate_limited_before_validation(make_client, keys: Keys) -> None:
    mock = make_client(rate_limits={"pro": "1/minute"})
    key = keys.get(NW, "standard")
    assert mock.get("/v1/issues?limit=0", key=key).status_code == 400
    assert mock.get("/v1/issues?limit=0", key=key).status_code == 429
    assert mock.post("/v1/sessions", key=key, json={}).status_code == 429


def test_rejected_requests_change_nothing(make_client, keys: Keys) -> None:
    mock = make_client(rate_limits={"pro": "3/minute"})
    limited, reader = keys.get(NW, "rate-limit"), keys.get(NW, "read-only")
    total = mock.get("/v1/sessions?limit=1", key=reader).json()["total"]
    statuses = [mock.post("/v1/sessions", key=limited, json=SESSION).status_code for _ in range(6)]
    assert statuses == [201, 201, 201, 429, 429, 429]
    assert mock.get("/v1/sessions?limit=1", key=reader).json()["total"] == total + 3


def test_retry_after_is_accurate(make_client, keys: Keys) -> None:
    mock = make_client(rate_limits={"pro": "3/2seconds"})
    key = keys.get(NW, "rate-limit")
    assert [mock.get("/v1/issues", key=key).status_code for _ in range(3)] == [200, 200, 200]
    rejected = mock.get("/v1/issues", key=key)
    assert rejected.status_code == 429
    retry_after = int(rejected.headers["Retry-After"])
    assert 1 <= retry_after <= 2
    time.sleep(retry_after)
    assert mock.get("/v1/issues", key=key).status_code == 200


def hammer_in_process(mock: MockClient, key: str) -> list[httpx.Response]:
    """32 clients, each sending three requests in a row, all interleaved on one event loop."""

    async def client_session() -> list[httpx.Response]:
        return [await mock.http.get("/v1/issues?limit=1", headers={"Authorization": f"Bearer {key}"})
                for _ in range(3)]

    async def all_clients() -> list[httpx.Response]:
        sessions = await asyncio.gather(*(client_session() for _ in range(32)))
        return [response for session in sessions for response in session]

    responses = mock.run(all_clients())
    for response in responses:
        mock.inspect(response)
    return responses


def test_limit_exact_under_32_concurrent_clients_in_process(make_client, keys: Keys) -> None:
    mock = make_client(rate_limits={"pro": "50/minute"})
    responses = hammer_in_process(mock, keys.get(NW, "rate-limit"))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 50 and statuses.count(429) == 46
    remaining = sorted(int(r.headers["X-RateLimit-Remaining"]) for r in responses if r.status_code == 200)
    assert remaining == list(range(50))


def test_the_concurrency_test_catches_a_racy_limiter(make_client, keys: Keys) -> None:
    mock = make_client(app=Mutant(limiter_storage=RacyWindowStorage(), rate_limits={"pro": "50/minute"}))
    statuses = [r.status_code for r in hammer_in_process(mock, keys.get(NW, "rate-limit"))]
    assert statuses.count(200) > 50


def test_limit_exact_under_32_concurrent_clients_over_a_socket(keys: Keys) -> None:
    key = keys.get(NW, "rate-limit")

    async def hammer(base_url: str) -> list[int]:
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:
            async def one() -> int:
                response = await http.get("/v1/issues?limit=1", headers={"Authorization": f"Bearer {key}"})
                return response.status_code

            return list(await asyncio.gather(*(one() for _ in range(160))))

    with served(create_app(Settings(rate_limits={"pro": "60/minute"}))) as base_url:
        statuses = asyncio.run(hammer(base_url))
    assert statuses.count(200) == 60 and statuses.count(429) == 100


def test_reset_empties_the_windows(make_client, keys: Keys) -> None:
    mock = make_client(rate_limits={"pro": "1/minute"})
    key = keys.get(NW, "standard")
    assert mock.get("/v1/issues", key=key).status_code == 200
    assert mock.get("/v1/issues", key=key).status_code == 429
    assert mock.post("/__mock/reset", json={}).status_code == 200
    assert mock.get("/v1/issues", key=key).status_code == 200


def test_overrides_apply_per_plan() -> None:
    policies = build_policies({"free": "60/minute", "pro": "300/minute"}, {"free": "5/10seconds"})
    assert (policies["free"].amount, policies["free"].window) == (5, 10)
    assert isinstance(policies["pro"], RateLimitPolicy) and policies["pro"].amount == 300


@pytest.mark.parametrize(("overrides", "message"), [
    ({"gold": "1/minute"}, "unknown plan 'gold'"),
    ({"free": "lots"}, "not a rate limit"),
    ({"free": "1/minute;2/hour"}, "exactly one limit"),
])
def test_bad_overrides_are_settings_errors(overrides: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        build_policies({"free": "60/minute"}, overrides)


def test_a_mock_on_memory_storage_does_not_load_redis() -> None:
    """redis-py costs about 6 MiB and 60 ms at start-up; only a redis:// storage or state needs it."""
    code = ("import sys, warnings; warnings.simplefilter('ignore'); from mockserver.app import create_app; "
            "create_app(); print(sorted({m.split('.')[0] for m in sys.modules} & {'redis', 'faker'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_limits_own_storages_answer_like_the_mocks() -> None:
    """Any other `limits` storage with a moving window runs through TwoStepWindow with the same answers."""
    from limits.aio.storage import MemoryStorage

    from mockserver.pipeline.authenticate import Identity
    from mockserver.ratelimit import RateLimiter
    from mockserver.ratelimit_storage import TwoStepWindow

    key = Identity("hss_twostep", "proj_northwind", "pro", "standard", "standard")

    async def run(storage: object) -> list[tuple[bool, int, int]]:
        counter = RateLimiter(build_policies({"pro": "300/minute"}, {"pro": "3/minute"}), storage)
        answers = [await counter.hit(key) for _ in range(4)] + [await counter.peek(key)]
        return [(a.allowed, a.remaining, a.reset_seconds) for a in answers]

    mine, theirs = asyncio.run(run(WindowMemoryStorage())), asyncio.run(run(TwoStepWindow(MemoryStorage())))
    assert mine == theirs == [(True, 2, 60), (True, 1, 60), (True, 0, 60), (False, 0, 60), (True, 0, 60)]


@pytest.mark.parametrize("uri", ["nosuch://127.0.0.1", "memcached://127.0.0.1:1"])
def test_an_unusable_storage_is_a_settings_error(uri: str) -> None:
    from mockserver.ratelimit import RateLimiter

    with pytest.raises(SettingsError, match=f"rate limit storage '{uri}': ") as error:
        RateLimiter(build_policies({"pro": "300/minute"}, {}), uri)
    assert "\n" not in str(error.value)
