"""The listening sockets, bound before uvicorn starts so that a port in use is one clear line, not a traceback."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import Any


def listening_sockets(host: str, port: int, fail: Callable[[str], Any], count: int = 1) -> list[socket.socket]:
    """``count`` listening sockets on one port: one to share, or one per worker (``SO_REUSEPORT``).

    With several, a port already in use is refused even if the other user also sets ``SO_REUSEPORT`` (a
    second mock on the same port would otherwise silently share its connections): it is first bound without.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        fail(f"cannot resolve host {host!r}: {error.strerror}")
    family, kind, proto, _, address = infos[0]
    reuse_port = count > 1
    if reuse_port and port:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                fail(_cannot_bind(host, port, error))
    sockets: list[socket.socket] = []
    for _ in range(count):
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            sock.bind(address)
        except OSError as error:
            for opened in (sock, *sockets):
                opened.close()
            fail(_cannot_bind(host, port, error))
        sock.listen(2048)
        sock.set_inheritable(True)
        sockets.append(sock)
        address = sock.getsockname()  # port 0: the others join the port the first one got
    return sockets


def _cannot_bind(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use (another mock running? try --port {port + 1})"
    return f"cannot listen on {host}:{port}: {error.strerror}"
