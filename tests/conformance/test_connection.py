"""Keep-alive reuse: a server closing an idle connection under our request is not reported as a broken server.

The race is made deterministic with a raw socket server that decides, per connection and per request on it,
whether to answer or to close without a word (what uvicorn does when its keep-alive timer fires just as a
request arrives). The client's clock is fake, so "idle for a while" costs no time.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import requests

from conformance.client import Client
from conformance.connection import IDLE_REUSE_LIMIT, Connections, NoAnswer

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
# (connection number from 0, request number on that connection from 0) -> answer it?
Policy = Callable[[int, int], bool]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, policy: Policy) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.policy = policy
        self.connections = 0
        self.requests: list[tuple[int, int, str]] = []
        self.lock = threading.Lock()


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        with self.server.lock:
            number = self.server.connections
            self.server.connections += 1
        buffer = b""
        for index in range(100):
            while b"\r\n\r\n" not in buffer:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            length = next((int(line.split(b":")[1]) for line in lines if line.lower().startswith(b"content-length")), 0)
            while len(buffer) < length:
                buffer += self.request.recv(65536)
            buffer = buffer[length:]
            with self.server.lock:
                self.server.requests.append((number, index, head.split(b" ")[0].decode()))
            if not self.server.policy(number, index):
                self.request.shutdown(socket.SHUT_RDWR)
                return
            self.request.sendall(ANSWER)


@contextmanager
def _serving(policy: Policy) -> Iterator[tuple[str, _Server]]:
    server = _Server(policy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _drops_second_request_on_first_connection(connection: int, index: int) -> bool:
    return not (connection == 0 and index == 1)


def test_an_idempotent_request_dropped_on_a_reused_connection_is_sent_again_on_a_fresh_one() -> None:
    with _serving(_drops_second_request_on_first_connection) as (url, server):
        connections = Connections(requests.Session(), _Clock())
        assert connections.request("GET", f"{url}/a", timeout=5).status_code == 200
        assert connections.request("GET", f"{url}/b", timeout=5).status_code == 200
    assert connections.resent == 1
    assert server.requests == [(0, 0, "GET"), (0, 1, "GET"), (1, 0, "GET")]


def test_a_post_dropped_on_a_reused_connection_is_not_sent_twice() -> None:
    """RFC 9112 9.3.1: a non-idempotent request is not resent (it may have been applied)."""
    with _serving(_drops_second_request_on_first_connection) as (url, server):
        connections = Connections(requests.Session(), _Clock())
        connections.request("GET", f"{url}/a", timeout=5)
        with pytest.raises(NoAnswer, match="closed the connection without answering"):
            connections.request("POST", f"{url}/b", data=b"{}", timeout=5)
    assert connections.resent == 0
    assert [method for _, _, method in server.requests] == ["GET", "POST"]


def test_after_an_idle_pause_the_next_request_opens_a_fresh_connection() -> None:
    """So a server's keep-alive timer cannot close the connection under a POST that must not be resent."""
    clock = _Clock()
    with _serving(_drops_second_request_on_first_connection) as (url, server):
        connections = Connections(requests.Session(), clock)
        connections.request("GET", f"{url}/a", timeout=5)
        clock.now += IDLE_REUSE_LIMIT + 0.5
        assert connections.request("POST", f"{url}/b", data=b"{}", timeout=5).status_code == 200
    assert server.requests == [(0, 0, "GET"), (1, 0, "POST")]
    assert connections.resent == 0


def test_a_server_that_drops_fresh_connections_too_is_reported() -> None:
    with _serving(lambda connection, index: index == 0 and connection == 0) as (url, server):
        client = Client(requests.Session(), url, clock=_Clock())
        client.send("GET", "/first")
        with pytest.raises(NoAnswer) as raised:
            client.send("GET", "/second", params={"limit": 1})
    failure = raised.value
    assert failure.reason == "the server closed the connection without answering, and again on a fresh connection"
    assert failure.url.endswith("/second?limit=1")
    assert failure.curl.startswith("curl -i -X GET") and failure.curl.endswith("/second?limit=1'")
    assert len(server.requests) == 3


def test_a_refused_connection_is_no_answer_and_not_resent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connections = Connections(requests.Session(), _Clock())
    with pytest.raises(NoAnswer, match="connection refused"):
        connections.request("GET", f"http://127.0.0.1:{port}/", timeout=5)
    assert connections.resent == 0


def test_exchanges_carry_when_they_were_sent_and_answered() -> None:
    ticks = iter([10.0, 10.25, 11.0, 11.5, 99.0, 99.0])
    with _serving(lambda connection, index: True) as (url, _):
        client = Client(requests.Session(), url, clock=lambda: next(ticks))
        exchange = client.send("GET", "/x")
    assert (exchange.sent_at, exchange.received_at) == (10.0, 11.0)
