"""A real ``redis-server`` for a test: a free port of 127.0.0.1, nothing persisted, stopped afterwards.

`make test` (through .ci/ensure-redis-server) installs redis-server when it is missing; a machine without it
fails the tests that need it with a message saying so rather than skipping them.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.servers import ServerLog, ServerStartError, free_port, stop, wait_until

MISSING = "redis-server is not installed (apt-get install redis-server; `make test` installs it)"


@dataclass
class LiveRedis:
    """A running ``redis-server`` with nothing persisted."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def flush(self) -> None:
        """Forget every key (``FLUSHALL``)."""
        assert _command(self.port, b"FLUSHALL").startswith(b"+OK")


def redis_binary() -> str | None:
    return shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                            else None)


def _command(port: int, command: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(command + b"\r\n")
        return sock.recv(64)


@contextlib.contextmanager
def live_redis(extra: Sequence[str] = ()) -> Iterator[LiveRedis]:
    """``redis-server`` on a free port, in memory only (``--save '' --appendonly no``), until the block ends."""
    binary = redis_binary()
    if binary is None:
        raise ServerStartError(MISSING)
    with tempfile.TemporaryDirectory(prefix="hissuno-redis-") as tmp:
        port = free_port()
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", tmp, *extra]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        assert process.stdout is not None
        log = ServerLog(process.stdout)
        try:
            wait_until(lambda: _command(port, b"PING").startswith(b"+PONG"), process, log.tail)
            yield LiveRedis(port, process)
        finally:
            stop(process)
            log.finish()
