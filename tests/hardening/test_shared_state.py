"""Shared state fails loudly and safely: a Redis that stalls, goes away or comes back empty never freezes,
misleads or resets the mock; a project's lock lasts as long as its work; a supervisor killed with ``-9`` takes
its workers along; created data has a cap.

Each case once seen: with Redis stopped (SIGSTOP) a rate-limited request waited forever, and with
``--state redis`` each request held the whole event loop for 10 s before a 500; after ``FLUSHALL`` the mock
served an empty store; an import holding a project's lock longer than 10 s lost it and answered 500 after its
work was committed; ``kill -9`` of the ``--workers`` supervisor left its workers holding the port. The
numbers printed are this run's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from mockserver.outage import COOL_DOWN_S, REDIS_TIMEOUT_S, Unavailable
from mockserver.stores.redis import RedisStore, lock_name
from tests.hardening.under_attack import watch
from tests.support.judging import ContractJudge, error_envelope_problems
from tests.support.redis_server import LiveRedis, live_redis, redis_binary
from tests.support.servers import LiveMock, live_mock, raised_rate_limits, wait_until

pytestmark = pytest.mark.slow

SESSION = {"customer_email": "jane@example.com", "message": "How do I export data?"}
ATTACK_SECONDS = 3.0
ATTACKERS = 8
SLOWEST_ANSWER_S = REDIS_TIMEOUT_S + 1.5  # one deadline, and a busy machine's slack
SECOND_CLIENT_WAIT_S = REDIS_TIMEOUT_S + 1.0
MAX_GROWTH_MIB = 100


@contextlib.contextmanager
def stopped(redis: LiveRedis) -> Iterator[None]:
    """Redis frozen (SIGSTOP): its socket accepts, nothing answers."""
    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)


def answers_again(mock: LiveMock, key: str, timeout_s: float = 10.0) -> None:
    """Wait until a normal read is a 200 again (the breaker lets a call through after its cool-down)."""
    deadline = time.monotonic() + timeout_s
    status = 0
    while time.monotonic() < deadline:
        status = httpx.get(f"{mock.base_url}/v1/sessions?limit=1", headers=auth(key), timeout=10).status_code
        if status == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"still {status} {timeout_s:.0f} s after Redis came back")


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def attack(mock: LiveMock, key: str, seconds: float = ATTACK_SECONDS) -> list[tuple[int, float, httpx.Response]]:
    """``ATTACKERS`` clients reading and creating for ``seconds``; every answer with how long it took."""
    deadline = time.monotonic() + seconds
    answers: list[tuple[int, float, httpx.Response]] = []

    def client(index: int) -> None:
        with httpx.Client(base_url=mock.base_url, headers=auth(key), timeout=30) as http:
            while time.monotonic() < deadline:
                started = time.monotonic()
                writes = index % 2
                response = http.post("/v1/sessions", json=SESSION) if writes else http.get("/v1/sessions?limit=5")
                answers.append((response.status_code, time.monotonic() - started, response))

    threads = [threading.Thread(target=client, args=(index,)) for index in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return answers


@pytest.fixture(scope="module")
def judge() -> ContractJudge:
    return ContractJudge()


@pytest.mark.parametrize("role", ["rate-limit storage", "data store"])
def test_a_stalled_redis_gets_quick_503s_and_the_mock_serves_again_after_it(role: str, judge: ContractJudge) -> None:
    """Redis frozen for the whole attack: every request is a 503 ``{"error"}`` with ``Retry-After`` declared by
    the contract, none waits longer than one deadline, a second client is answered as fast, memory stays flat;
    once Redis answers again, so does the mock."""
    with live_redis() as redis:
        args = ["--rate-limit-storage", redis.url] if role == "rate-limit storage" else ["--state", f"{redis.url}/1"]
        with live_mock(*args, *raised_rate_limits()) as mock:
            _, key = mock.keys.of_plan("enterprise", "full")
            assert httpx.get(f"{mock.base_url}/v1/sessions?limit=1", headers=auth(key)).status_code == 200
            with stopped(redis), watch(mock.base_url, mock.process.pid, key) as cost:
                answers = attack(mock, key)
            print(f"{role}, Redis stopped: {len(answers)} answers in {ATTACK_SECONDS:.0f} s "
                  f"({sorted({status for status, _, _ in answers})}), slowest "
                  f"{max(took for _, took, _ in answers) * 1000:.0f} ms; {cost}")
            assert answers and {status for status, _, _ in answers} == {503}
            for _, _, response in answers[:20]:
                assert error_envelope_problems(response) == []
                assert int(response.headers["Retry-After"]) == COOL_DOWN_S
                assert judge.violations(response) == []
            assert max(took for _, took, _ in answers) < SLOWEST_ANSWER_S
            assert cost.slowest_s < SECOND_CLIENT_WAIT_S
            assert cost.growth_mib < MAX_GROWTH_MIB
            answers_again(mock, key)


def test_a_redis_that_refuses_connections_gets_immediate_503s() -> None:
    """Redis gone (its process killed): a refused connection fails at once, each request a 503, and the mock
    serves again as soon as a Redis listens on the address."""
    with live_redis() as redis, live_mock("--rate-limit-storage", redis.url, "--state", f"{redis.url}/1",
                                          *raised_rate_limits()) as mock:
        _, key = mock.keys.of_plan("enterprise", "full")
        redis.process.kill()
        redis.process.wait()
        with watch(mock.base_url, mock.process.pid, key) as cost:
            answers = attack(mock, key, seconds=2.0)
        print(f"Redis killed: {len(answers)} answers, slowest {max(took for _, took, _ in answers) * 1000:.0f} ms; "
              f"{cost}")
        assert {status for status, _, _ in answers} == {503}
        assert max(took for _, took, _ in answers) < SLOWEST_ANSWER_S
        with restarted(redis):
            answers_again(mock, key)


@contextlib.contextmanager
def restarted(redis: LiveRedis) -> Iterator[subprocess.Popen[bytes]]:
    """A new, empty ``redis-server`` on the address of one that was stopped (a restart without persistence)."""
    binary = redis_binary()
    assert binary is not None
    if redis.process.poll() is None:
        redis.process.kill()
        redis.process.wait()
    process = subprocess.Popen([binary, "--port", str(redis.port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        wait_until(lambda: socket.create_connection(("127.0.0.1", redis.port), timeout=1).close() is None,
                   process, lambda: "redis-server did not start")
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("loss", ["FLUSHALL", "restart without persistence"])
def test_a_redis_that_comes_back_empty_is_seeded_again(loss: str) -> None:
    """The mock notices on its next request that Redis lost the data and seeds it again: the seeded documents
    are back, what was created before is gone (never an empty store served as if it were the data)."""
    with live_redis() as redis, live_mock("--state", f"{redis.url}/1", *raised_rate_limits()) as mock:
        _, key = mock.keys.of_plan("enterprise", "full")
        page = httpx.get(f"{mock.base_url}/v1/sessions?limit=1", headers=auth(key)).json()
        seeded_total, seeded_id = page["total"], page["data"][0]["id"]
        created = httpx.post(f"{mock.base_url}/v1/sessions", headers=auth(key), json=SESSION).json()["id"]
        with contextlib.ExitStack() as stack:
            if loss == "FLUSHALL":
                redis.flush()
            else:
                stack.enter_context(restarted(redis))
                answers_again(mock, key)
            first = httpx.get(f"{mock.base_url}/v1/sessions/{seeded_id}", headers=auth(key))
            listed = httpx.get(f"{mock.base_url}/v1/sessions?limit=1", headers=auth(key)).json()
            gone = httpx.get(f"{mock.base_url}/v1/sessions/{created}", headers=auth(key))
        assert first.status_code == 200 and first.json()["id"] == seeded_id
        assert listed["total"] == seeded_total
        assert gone.status_code == 404


def test_a_projects_lock_is_kept_while_its_work_runs(redis_url: str) -> None:
    """A holder that works three times the lock's timeout keeps it (another worker waits), and releasing it
    raises nothing; a holder that died stops renewing, so its lock expires."""
    dataset = {"p": {"customers": []}}
    holder = RedisStore(redis_url, dataset, lock_seconds=1)
    other = RedisStore(redis_url, dataset, lock_seconds=1)
    acquired_after: list[float] = []
    started = time.monotonic()

    def wait_for_the_lock() -> None:
        with other.atomic("p"):
            acquired_after.append(time.monotonic() - started)

    with holder.atomic("p"):
        waiter = threading.Thread(target=wait_for_the_lock)
        waiter.start()
        time.sleep(3.0)
        assert acquired_after == []  # still held: renewed past its 1 s timeout
    waiter.join(timeout=10)
    print(f"a lock of 1 s held for 3 s; the other worker got it after {acquired_after[0]:.2f} s")
    assert acquired_after and acquired_after[0] >= 3.0
    holder.close()
    other.close()


def test_a_write_waiting_for_a_busy_project_gets_a_503(redis_url: str) -> None:
    """A lock another worker holds past the wait (its import is long, or it hangs) is a 503, not a hang."""
    store = RedisStore(redis_url, {"p": {}}, lock_wait_seconds=0.5)
    other_worker = redis.Redis.from_url(redis_url)
    held = other_worker.lock(lock_name("p"), timeout=30)
    assert held.acquire(blocking=False)
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable) as caught, store.atomic("p"):
            pass
    finally:
        held.release()
        other_worker.close()
        store.close()
    assert time.monotonic() - started < 2.0
    assert caught.value.message == "Another write to p is still running; retry after 1 seconds."


# --- workers ---------------------------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout.split()
    return [int(child) for child in found]


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_9_of_the_supervisor_takes_its_workers_and_frees_the_port(tmp_path: Path, redis_url: str) -> None:
    """The workers notice their supervisor is gone and stop; a new mock then starts on the same port."""
    args = ("--workers", "2", "--state", f"sqlite:///{tmp_path / 'mock.db'}", "--rate-limit-storage", redis_url)
    with live_mock(*args) as mock:
        workers = children_of(mock.process.pid)
        assert len([pid for pid in workers if running(pid)]) >= 2
        os.kill(mock.process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while any(running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [pid for pid in workers if running(pid)]
        print(f"workers still running {10 - (deadline - time.monotonic()):.2f} s after kill -9: {left}")
        assert left == []
        with live_mock(*args, port=mock.port) as again:
            assert httpx.get(f"{again.base_url}/v1/sessions?limit=1",
                             headers=auth(again.keys.of_plan("pro")[1])).status_code == 200


# --- created data ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["memory", "sqlite", "redis"])
def test_created_documents_stop_at_the_cap_with_a_507(state: str, tmp_path: Path, judge: ContractJudge,
                                                      request: pytest.FixtureRequest) -> None:
    """``--max-created 3``: three sessions are created, the fourth is a 507 ``{"error"}`` the contract declares;
    other kinds and other projects keep their own room; an import reports the items past the cap; a reset
    empties the room again. RSS stays flat under a flood of creates past the cap."""
    uri = {"memory": "memory://", "sqlite": f"sqlite:///{tmp_path / 'cap.db'}"}.get(state) \
        or f"{request.getfixturevalue('redis_url')}/2"
    with live_mock("--state", uri, "--max-created", "3", *raised_rate_limits()) as mock:
        project, key = mock.keys.of_plan("enterprise", "full")
        with httpx.Client(base_url=mock.base_url, headers=auth(key), timeout=30) as http:
            statuses = [http.post("/v1/sessions", json=SESSION).status_code for _ in range(3)]
            refused = http.post("/v1/sessions", json=SESSION)
            other_kind = http.post("/v1/knowledge-sources", json={"type": "raw_text", "name": "Notes",
                                                                  "content": "Some text."})
            imported = http.post("/v1/customers/import", json={"customers": [
                {"email": f"capped{index}@example.com"} for index in range(5)]}).json()
            with watch(mock.base_url, mock.process.pid, key) as cost:
                flood = [http.post("/v1/sessions", json=SESSION).status_code for _ in range(300)]
            http.post("/__mock/reset", json={})
            after_reset = http.post("/v1/sessions", json=SESSION).status_code
        other_project = mock.keys.of_plan("pro", "full")[1]
        elsewhere = httpx.post(f"{mock.base_url}/v1/sessions", headers=auth(other_project), json=SESSION)
    print(f"{state}: 300 creates past the cap; {cost}")
    assert statuses == [201, 201, 201]
    assert refused.status_code == 507
    assert error_envelope_problems(refused) == [] and judge.violations(refused) == []
    assert refused.json()["error"] == (f"Project {project} has created 3 sessions, the most this mock keeps "
                                       "(--max-created); delete some or reset the mock (POST /__mock/reset).")
    assert other_kind.status_code == 201 and elsewhere.status_code == 201
    assert imported["created"] == 3 and [error["index"] for error in imported["errors"]] == [3, 4]
    assert "has created 3 customers" in imported["errors"][0]["message"]
    assert set(flood) == {507} and cost.growth_mib < 20 and cost.slowest_s < SECOND_CLIENT_WAIT_S
    assert after_reset == 201


def test_the_cap_is_a_setting_with_a_default() -> None:
    from mockserver.settings import Settings, SettingsError

    assert Settings().max_created == 100_000
    assert Settings.from_env({"HISSUNO_MOCK_MAX_CREATED": "7"}).max_created == 7
    with pytest.raises(SettingsError):
        Settings.build(max_created=-1)

