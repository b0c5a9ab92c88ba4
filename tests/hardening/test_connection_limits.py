"""Connections cannot exhaust the mock's memory or descriptors (issue 13, item 2), each attack run against a real
``hissuno-mock serve`` for a bounded time while a second client measures how long its requests take, and the
mock's resident memory is sampled from ``/proc``.

Bounds are generous (memory growth under 100 MiB, the second client answered within 2 s): the numbers printed
are the measurement, the assertions catch a server that grows or freezes.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from mockserver.host.protocol import BODY_TIMED_OUT, BODY_TIMEOUT_S, MAX_PIPELINED
from tests.hardening.rawhttp import address, request_bytes
from tests.support.servers import LiveMock, live_mock, mock_command, raised_rate_limits

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
MAX_GROWTH_MIB = 100
SECOND_CLIENT_BOUND_S = 2.0
TEN_MB = 10_000_000


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


@dataclass
class SecondClient:
    """Requests ``GET /v1/sessions?limit=1`` on fresh connections every quarter second, timing each."""

    mock: LiveMock
    key: str
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    peak_rss: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                answer = requests.get(f"{self.mock.base_url}/v1/sessions?limit=1",
                                      headers={"Authorization": f"Bearer {self.key}"}, timeout=10)
                if answer.status_code != 200:
                    self.failures.append(f"status {answer.status_code}")
            except requests.RequestException as error:
                self.failures.append(type(error).__name__)
            self.latencies.append(time.monotonic() - started)
            self.peak_rss = max(self.peak_rss, rss_mib(self.mock.process.pid))
            self.stop.wait(0.25)


@contextlib.contextmanager
def second_client(mock: LiveMock) -> Iterator[SecondClient]:
    client = SecondClient(mock, mock.keys.of_plan("enterprise", "full")[1])
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    try:
        yield client
    finally:
        client.stop.set()
        thread.join(timeout=15)


def assert_served(client: SecondClient, label: str, start_rss: float) -> None:
    worst = max(client.latencies)
    print(f"{label}: RSS {start_rss:.0f} -> peak {client.peak_rss:.0f} MiB; second client: "
          f"{len(client.latencies)} requests, worst {worst * 1000:.0f} ms, failures {client.failures}")
    assert client.latencies and not client.failures
    assert worst < SECOND_CLIENT_BOUND_S
    assert client.peak_rss - start_rss < MAX_GROWTH_MIB


@pytest.fixture(scope="module")
def mock() -> Iterator[LiveMock]:
    with live_mock(*raised_rate_limits()) as served:  # the attacks' requests must not use up the second client's
        yield served


def pipelined_gets(key: str | None, count: int) -> bytes:
    headers = [("Authorization", f"Bearer {key}")] if key else []
    return request_bytes("GET", "/v1/sessions?limit=100", headers) * count


# --- pipelining -------------------------------------------------------------------------------------------------


def test_pipelined_requests_from_a_client_that_never_reads_do_not_grow_memory(mock: LiveMock) -> None:
    """A client writing pipelined GETs as fast as it can and never reading its answers (reconnecting whenever
    the mock closes on it), with and without a key, for 4 s each: the mock's memory stays flat and a second
    client is served throughout."""
    start_rss = rss_mib(mock.process.pid)
    with second_client(mock) as client:
        for key in (None, mock.keys.of_plan("enterprise", "full")[1]):
            burst = pipelined_gets(key, 500)
            sent = connections = 0
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:
                connections += 1
                with socket.create_connection(address(mock.base_url)) as attacker:
                    attacker.setblocking(False)
                    pending = memoryview(burst)  # whole requests only: a partial write continues where it stopped
                    while time.monotonic() < deadline:
                        try:
                            written = attacker.send(pending)
                        except BlockingIOError:
                            time.sleep(0.005)
                            continue
                        except OSError:  # the mock closed this connection
                            break
                        sent += written
                        pending = pending[written:] or memoryview(burst)
                        client.peak_rss = max(client.peak_rss, rss_mib(mock.process.pid))
            print(f"pipelined ({'with' if key else 'without'} a key): {sent / MIB:.1f} MiB written on "
                  f"{connections} connections")
    assert_served(client, "pipelined GETs never read", start_rss)


def test_pipelined_requests_past_the_cap_are_left_unread_and_the_connection_closes(mock: LiveMock) -> None:
    """100 requests in one write: the first and the 32 queued behind it are answered in order, the last of them
    with ``Connection: close``; the rest are never answered (a client retries them on a new connection)."""
    key = mock.keys.of_plan("enterprise", "full")[1]
    with socket.create_connection(address(mock.base_url), timeout=10) as sock:
        sock.sendall(pipelined_gets(key, 100))
        answers = split_answers(read_until_closed(sock))
    assert [status for status, _ in answers] == [200] * (MAX_PIPELINED + 1)
    assert answers[-1][1].get("connection") == "close"
    assert all(headers.get("connection") != "close" for _, headers in answers[:-1])


def read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(1 << 20):
        received += chunk
    return received


def split_answers(stream: bytes) -> list[tuple[int, dict[str, str]]]:
    """Status and headers of each answer in a stream of them (each with a ``Content-Length``)."""
    answers = []
    while stream:
        head, _, rest = stream.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        answers.append((int(status_line.split()[1]), headers))
        stream = rest[int(headers["content-length"]):]
    return answers


def test_pipelined_requests_with_large_heads_are_served(mock: LiveMock) -> None:
    """Twenty pipelined requests of 6 KiB heads (120 KiB, more than one head's limit) are each a normal request."""
    key = mock.keys.of_plan("enterprise", "full")[1]
    headers = [("Authorization", f"Bearer {key}"), ("X-Pad", "p" * 6000)]
    one = request_bytes("GET", "/v1/sessions?limit=1", headers)
    last = request_bytes("GET", "/v1/sessions?limit=1", [*headers, ("Connection", "close")])
    with socket.create_connection(address(mock.base_url), timeout=10) as sock:
        sock.sendall(one[:100])  # the first head arrives in two parts, the rest in one burst
        time.sleep(0.1)
        sock.sendall(one[100:] + one * 18 + last)
        answers = split_answers(read_until_closed(sock))
    assert [status for status, _ in answers] == [200] * 20


# --- bodies -------------------------------------------------------------------------------------------------------


@dataclass
class Trickler:
    """A request whose body arrives a byte every half second."""

    label: str
    sock: socket.socket
    opened: float
    answer: bytes = b""
    closed_after: float | None = None


def open_trickler(mock: LiveMock, label: str, key: str | None) -> Trickler:
    headers = [("Content-Type", "application/json"), ("Content-Length", "100000")]
    if key:
        headers.append(("Authorization", f"Bearer {key}"))
    sock = socket.create_connection(address(mock.base_url), timeout=5)
    sock.sendall(request_bytes("POST", "/v1/sessions", headers, content_length=False) + b"{")
    sock.setblocking(False)
    return Trickler(label, sock, time.monotonic())


def test_a_trickling_body_is_dropped_after_the_body_timeout(mock: LiveMock) -> None:
    """A body trickled a byte at a time is not held forever: with a key the request gets 408 after
    ``BODY_TIMEOUT_S``; without one the 401 comes at once and the connection still closes at that timeout."""
    key = mock.keys.of_plan("enterprise", "full")[1]
    tricklers = [open_trickler(mock, "no key", None), open_trickler(mock, "valid key", key)]
    deadline = time.monotonic() + BODY_TIMEOUT_S + 8
    while time.monotonic() < deadline and any(t.closed_after is None for t in tricklers):
        for t in tricklers:
            if t.closed_after is not None:
                continue
            with contextlib.suppress(OSError):
                t.sock.send(b" ")
            try:
                chunk = t.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            t.answer += chunk
            if not chunk:
                t.closed_after = time.monotonic() - t.opened
        time.sleep(0.5)
    for t in tricklers:
        t.sock.close()
        print(f"trickling body, {t.label}: closed after {t.closed_after} s; answered {t.answer[:12]!r}")
    unauthorised, timed_out = tricklers
    assert unauthorised.answer.startswith(b"HTTP/1.1 401 ")
    assert timed_out.answer.startswith(b"HTTP/1.1 408 ")
    assert json.loads(timed_out.answer.partition(b"\r\n\r\n")[2]) == {"error": BODY_TIMED_OUT}
    for t in tricklers:
        assert t.closed_after is not None and BODY_TIMEOUT_S - 1 < t.closed_after < BODY_TIMEOUT_S + 5, t.label


def test_stock_clients_read_the_413_of_an_oversized_body(mock: LiveMock) -> None:
    """``urllib`` (which asks to close the connection) and ``requests`` (keep-alive, and chunked from a
    generator) write a 10 MB body whole before reading: they must read the 413, not a reset."""
    key = mock.keys.of_plan("enterprise", "full")[1]
    url = f"{mock.base_url}/v1/sessions"
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = b" " * TEN_MB
    answers: dict[str, tuple[int, bytes]] = {}
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=30)
    answers["urllib"] = (refused.value.code, refused.value.read())
    with requests.Session() as session:
        answer = session.post(url, data=body, headers=headers, timeout=30)
        answers["requests"] = (answer.status_code, answer.content)
        answer = session.post(url, data=(body[i:i + MIB] for i in range(0, TEN_MB, MIB)), headers=headers,
                              timeout=30)
        answers["requests, chunked"] = (answer.status_code, answer.content)
        answers["requests, same connection after"] = (session.get(url, headers=headers, timeout=30).status_code,
                                                      b"")
    print({name: status for name, (status, _) in answers.items()})
    for name in ("urllib", "requests", "requests, chunked"):
        status, content = answers[name]
        assert status == 413, name
        assert json.loads(content) == {"error": "Request body is larger than 5 MiB."}
    assert answers["requests, same connection after"][0] == 200


def test_a_body_far_beyond_the_drain_bound_is_cut_off(mock: LiveMock) -> None:
    """The rest of a refused body is read only up to a bound: a client declaring 10 GB is disconnected
    (after its 413) long before it could send it."""
    key = mock.keys.of_plan("enterprise", "full")[1]
    head = request_bytes("POST", "/v1/sessions", [("Authorization", f"Bearer {key}"),
                                                   ("Content-Type", "application/json"),
                                                   ("Content-Length", str(10 * 1024 * MIB))], content_length=False)
    sent = 0
    started = time.monotonic()
    with socket.create_connection(address(mock.base_url), timeout=10) as sock:
        sock.sendall(head)
        chunk = b" " * MIB
        with contextlib.suppress(OSError):
            while time.monotonic() - started < 20:
                sent += sock.send(chunk)
    print(f"10 GB declared: cut off after {sent / MIB:.0f} MiB in {time.monotonic() - started:.1f} s")
    assert sent < 256 * MIB


# --- descriptors ----------------------------------------------------------------------------------------------


def test_new_clients_are_served_with_300_slow_clients_under_256_descriptors() -> None:
    """The mock started under ``ulimit -n 256``; 300 clients connect and trickle a never-ending head. A second
    client is still served within 2 s (the longest-waiting slow clients make room), and memory stays flat."""
    limited = ["sh", "-c", 'ulimit -n 256 && exec "$@"', "sh", *mock_command()]
    with live_mock(command=limited) as mock:
        with open(f"/proc/{mock.process.pid}/limits") as limits:
            assert any(line.startswith("Max open files") and " 256 " in line for line in limits)
        start_rss = rss_mib(mock.process.pid)
        slow: list[socket.socket] = []
        with second_client(mock) as client:
            try:
                for _ in range(300):
                    sock = socket.create_connection(address(mock.base_url), timeout=5)
                    sock.sendall(b"GET /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                    slow.append(sock)
                time.sleep(2)
            finally:
                answered = shed = 0
                for sock in slow:
                    sock.setblocking(False)
                    with contextlib.suppress(OSError):
                        data = sock.recv(4096)
                        answered += bool(data)
                        shed += data.startswith(b"HTTP/1.1 503 ")
                    sock.close()
        print(f"300 slow clients under ulimit -n 256: {shed} shed with a 503")
        assert_served(client, "300 slow clients, 256 descriptors", start_rss)
        assert shed >= 300 - 256 and shed == answered
