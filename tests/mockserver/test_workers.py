"""``hissuno-mock serve --workers 2`` against a real redis-server: one rate limit and one data set for both.

Each test starts the real CLI in a subprocess on a free port and pins one HTTP connection to each worker
(``GET /`` names the worker's process id), so every claim is checked across two processes: the limit
holds over both, a create on one is visible from the other, a reset on one resets both. The SQLite store
also keeps what was created across a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port, live_mock

MOCK = [sys.executable, "-m", "mockserver.cli", "serve"]
STANDARD = {"Authorization": "Bearer hss_ivw74krcwb07bolzkrhcsuvrz8wj"}  # proj_northwind, pro plan
RATE_LIMITED = {"Authorization": "Bearer hss_fyww9fauuwngorm0rfbf318o706t"}
FULL = {"Authorization": "Bearer hss_ykjos6srspj3s3qsox5m7lutc3c2"}
SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}
REPLACEMENT_TIMEOUT_SECONDS = 60


@contextmanager
def serving(*args: str, port: int | None = None) -> Iterator[str]:
    """The mock CLI with ``args`` (its own log level); yields its base URL once it answers, stops it and its workers."""
    with live_mock(*args, port=port, log_level=None) as mock:
        yield mock.base_url


def pinned_clients(base: str, stack: ExitStack, count: int = 2) -> list[httpx.Client]:
    """One client per worker: each keeps a single connection, hence talks to one process."""
    clients: dict[int, httpx.Client] = {}
    for _ in range(100):
        client = httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_connections=1))
        worker = client.get("/").json()["worker"]
        if worker in clients:
            client.close()
            continue
        clients[worker] = client
        stack.callback(client.close)
        if len(clients) == count:
            return list(clients.values())
    pytest.fail(f"connections did not reach {count} workers")


def shared_state(kind: str, tmp_path: Path, redis_url: str) -> str:
    return f"sqlite:///{tmp_path / 'mock.db'}" if kind == "sqlite" else f"{redis_url}/1"


@pytest.mark.parametrize("state", ["sqlite", "redis"])
def test_two_workers_share_one_limit_and_one_data_set(state: str, tmp_path: Path, redis_url: str) -> None:
    args = ("--workers", "2", "--state", shared_state(state, tmp_path, redis_url),
            "--rate-limit-storage", redis_url, "--rate-limit", "pro=20/minute")
    with serving(*args) as base, ExitStack() as stack:
        first, second = pinned_clients(base, stack)
        assert first.get("/").json()["worker"] != second.get("/").json()["worker"]

        statuses = [(first, second)[i % 2].get("/v1/issues?limit=1", headers=RATE_LIMITED).status_code
                    for i in range(30)]
        assert statuses.count(200) == 20 and statuses.count(429) == 10
        assert statuses[:20] == [200] * 20  # both workers counted into one window

        before = second.get("/v1/sessions?limit=1", headers=STANDARD).json()["total"]
        created = first.post("/v1/sessions", headers=STANDARD, json=SESSION).json()
        assert second.get(f"/v1/sessions/{created['id']}", headers=STANDARD).json()["id"] == created["id"]
        listed = second.get("/v1/sessions?limit=100", headers=STANDARD).json()
        assert listed["total"] == before + 1 and created["id"] in {s["id"] for s in listed["data"]}
        webhook = second.post("/v1/webhooks", headers=STANDARD,
                              json={"url": "https://hooks.example.com/x", "events": ["session.created"]}).json()
        assert first.get(f"/v1/webhooks/{webhook['id']}", headers=STANDARD).status_code == 200
        assert first.delete(f"/v1/webhooks/{webhook['id']}", headers=FULL).status_code == 204
        assert second.get(f"/v1/webhooks/{webhook['id']}", headers=STANDARD).status_code == 404
        imported = [c.post("/v1/customers/import", headers=STANDARD,
                           json={"customers": [{"email": "once@example.com"}]}).json() for c in (first, second)]
        assert [r["created"] for r in imported] == [1, 0] and [r["updated"] for r in imported] == [0, 1]

        assert first.post("/__mock/reset", json={}).status_code == 200
        assert second.get(f"/v1/sessions/{created['id']}", headers=STANDARD).status_code == 404
        assert second.get("/v1/sessions?limit=1", headers=STANDARD).json()["total"] == before
        assert second.get("/v1/issues?limit=1", headers=RATE_LIMITED).status_code == 200  # window emptied


def test_every_create_from_both_workers_is_visible_from_both(tmp_path: Path, redis_url: str) -> None:
    args = ("--workers", "2", "--state", f"sqlite:///{tmp_path / 'mock.db'}", "--rate-limit-storage", redis_url)
    with serving(*args) as base, ExitStack() as stack:
        clients = pinned_clients(base, stack)
        created = {clients[i % 2].post("/v1/sessions", headers=STANDARD,
                                       json={**SESSION, "message": f"#{i}"}).json()["id"] for i in range(20)}
        assert len(created) == 20
        for client in clients:
            listed = client.get("/v1/sessions?limit=100", headers=STANDARD).json()["data"]
            assert created <= {s["id"] for s in listed}


def test_limit_exact_under_32_concurrent_clients_across_two_workers(redis_url: str, tmp_path: Path) -> None:
    """32 clients, 16 on each worker (each client one connection), five requests each, all at once."""
    args = ("--workers", "2", "--state", f"sqlite:///{tmp_path / 'mock.db'}", "--rate-limit-storage", redis_url,
            "--rate-limit", "pro=50/minute")

    async def pinned(base: str) -> list[httpx.AsyncClient]:
        per_worker: dict[int, list[httpx.AsyncClient]] = {}
        for _ in range(400):
            client = httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=1))
            worker = (await client.get("/")).json()["worker"]
            if len(per_worker.setdefault(worker, [])) < 16:
                per_worker[worker].append(client)
            else:
                await client.aclose()
            if len(per_worker) == 2 and all(len(c) == 16 for c in per_worker.values()):
                return [c for clients in per_worker.values() for c in clients]
        pytest.fail("could not open 16 connections to each of the two workers")

    async def hammer(base: str) -> list[int]:
        clients = await pinned(base)

        async def session(client: httpx.AsyncClient) -> list[int]:
            return [(await client.get("/v1/issues?limit=1", headers=RATE_LIMITED)).status_code for _ in range(5)]

        try:
            return [status for statuses in await asyncio.gather(*map(session, clients)) for status in statuses]
        finally:
            await asyncio.gather(*(client.aclose() for client in clients))

    with serving(*args) as base:
        for _ in range(3):  # pinning can outlast the 5 s keep-alive on a busy machine: then start over
            try:
                statuses = asyncio.run(hammer(base))
                break
            except httpx.TransportError:
                httpx.post(f"{base}/__mock/reset", json={})  # forget the counted part of the attempt
        else:
            pytest.fail("three attempts lost a pinned connection before the burst")
    assert statuses.count(200) == 50 and statuses.count(429) == 110


def test_sqlite_state_survives_a_restart(tmp_path: Path) -> None:
    state = f"sqlite:///{tmp_path / 'kept.db'}"
    with serving("--state", state) as base:
        seeded = httpx.get(f"{base}/v1/sessions?limit=1", headers=STANDARD).json()
        created = httpx.post(f"{base}/v1/sessions", headers=STANDARD, json=SESSION).json()
    with serving("--state", state) as base:
        again = httpx.get(f"{base}/v1/sessions/{created['id']}", headers=STANDARD)
        assert again.status_code == 200 and again.json()["messages"] == created["messages"]
        assert httpx.get(f"{base}/v1/sessions?limit=1", headers=STANDARD).json()["total"] == seeded["total"] + 1
        httpx.post(f"{base}/__mock/reset", json={})
    with serving("--state", state) as base:
        assert httpx.get(f"{base}/v1/sessions/{created['id']}", headers=STANDARD).status_code == 404


@pytest.mark.parametrize(("args", "message"), [
    (["--workers", "2"], "in-memory store"),
    (["--workers", "2", "--state", "sqlite:///{tmp}/m.db"], "rate-limit windows shared by the workers"),
    (["--state", "redis://127.0.0.1:{dead}/0"], "cannot reach Redis"),
    (["--rate-limit-storage", "redis://127.0.0.1:{dead}"], "rate limit storage"),
    (["--seed", "7", "--state", "sqlite:///{tmp}/seeded.db"], "seeded from another fixture or seed"),
])
def test_unusable_worker_setups_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    from mockserver.app import create_app
    from mockserver.settings import Settings

    create_app(Settings(state=f"sqlite:///{tmp_path / 'seeded.db'}")).mock.store.close()  # seeded with seed 42
    args = [a.format(tmp=tmp_path, dead=free_port()) for a in args]
    result = subprocess.run([*MOCK, "--port", "0", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("hissuno-mock: error: ") and message in lines[0], result.stderr


def test_settings_reach_the_workers_through_the_environment(tmp_path: Path) -> None:
    from mockserver.settings import Settings

    settings = Settings.from_env({}, port=0, seed=7, rate_limits={"free": "5/10seconds", "pro": "9/minute"},
                                 rate_limit_storage="redis://127.0.0.1:6379", state=f"sqlite:///{tmp_path}/x.db",
                                 workers=3, validate_responses=True, log_level="info")
    assert Settings.from_env(settings.to_env()) == Settings(**{**settings.__dict__, "fixtures": settings.fixtures_path})


def listening_inodes(port: int) -> set[str]:
    """Inodes of the sockets listening on ``port`` (Linux: /proc/net/tcp)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def test_each_worker_accepts_on_a_socket_of_its_own(tmp_path: Path, redis_url: str) -> None:
    """A shared listening socket lets the worker that wakes first take a whole burst of new connections."""
    port = free_port()
    args = ("--workers", "2", "--state", f"sqlite:///{tmp_path / 'mock.db'}", "--rate-limit-storage", redis_url)
    with serving(*args, port=port) as base, ExitStack() as stack:
        workers = [client.get("/").json()["worker"] for client in pinned_clients(base, stack)]
        listening = listening_inodes(port)
        per_worker = [socket_inodes(pid) & listening for pid in workers]
        assert all(len(inodes) == 1 for inodes in per_worker) and per_worker[0] != per_worker[1]


def test_a_second_mock_on_the_same_port_is_refused(tmp_path: Path, redis_url: str) -> None:
    port = free_port()
    args = ("--workers", "2", "--state", f"sqlite:///{tmp_path / 'mock.db'}", "--rate-limit-storage", redis_url)
    with serving(*args, port=port):
        result = subprocess.run([*MOCK, "--port", str(port), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr


def test_a_worker_that_dies_is_replaced(tmp_path: Path, redis_url: str) -> None:
    args = ("--workers", "2", "--state", f"sqlite:///{tmp_path / 'mock.db'}", "--rate-limit-storage", redis_url)
    with serving(*args) as base, ExitStack() as stack:
        first, second = pinned_clients(base, stack)
        victim = first.get("/").json()["worker"]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + REPLACEMENT_TIMEOUT_SECONDS
        workers: set[int] = set()
        while len(workers - {victim}) < 2:
            assert time.monotonic() < deadline, f"no replacement for worker {victim}: {workers}"
            with contextlib.suppress(httpx.TransportError), httpx.Client(base_url=base, timeout=5) as client:
                workers.add(client.get("/").json()["worker"])
            time.sleep(0.05)
        assert second.get("/v1/sessions?limit=1", headers=STANDARD).status_code == 200
        assert victim not in workers
