"""One pipelined connection to Redis per worker, for the rate limiter's one script call per request.

Redis answers a connection's commands in order, so one connection carries every request of the worker: a
command is one buffered write and one future, resolved by its reply. A Redis that leaves commands unanswered
for ``timeout`` seconds (stopped, hung, cut off without a reset) fails them all with redis-py's
``TimeoutError`` and the connection is dropped; the next command opens another. Anything else stays on
redis-py, with the same deadlines (:func:`redis_py_timeouts`). URIs are
redis-py's: ``redis://[[user]:password@]host[:port][/db]`` and ``unix:///path/to/redis.sock?db=N``
(``rediss://`` is left to redis-py, with its TLS options).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import deque
from typing import Any

from redis.asyncio.connection import parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mockserver.outage import REDIS_TIMEOUT_S

_INCOMPLETE = object()
OUTAGE_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
"""What a Redis that is down, stopped or unreachable raises (through this connection or redis-py's)."""
STALL_ERRORS: tuple[type[Exception], ...] = (RedisTimeoutError,)
"""Those of them that took the whole deadline to find out (a stalled Redis, a black-holed network)."""


def redis_py_timeouts(*, asynchronous: bool = False, timeout: float = REDIS_TIMEOUT_S) -> dict[str, Any]:
    """Options for every redis-py client of the mock: ``timeout`` to connect and for each reply, and one
    retry on a fresh connection after a lost one (not after a timeout: that would double the wait; redis-py's
    default is ten retries with backoff)."""
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    retry = (AsyncRetry if asynchronous else Retry)(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": retry}


def pack(args: tuple[bytes | str | int | float, ...]) -> bytes:
    """A command in RESP: ``*<count>`` then each argument as a bulk string."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def parse(buffer: bytes, start: int) -> tuple[Any, int]:
    """One RESP2 reply from ``buffer[start:]`` and where it ends, or ``_INCOMPLETE`` if it has not all arrived."""
    end = buffer.find(b"\r\n", start)
    if end < 0:
        return _INCOMPLETE, start
    kind, line, after = buffer[start], buffer[start + 1:end], end + 2
    if kind == 58:  # ':' integer
        return int(line), after
    if kind == 36:  # '$' bulk string
        size = int(line)
        if size < 0:
            return None, after
        if len(buffer) < after + size + 2:
            return _INCOMPLETE, start
        return buffer[after:after + size], after + size + 2
    if kind == 42:  # '*' array
        count = int(line)
        if count < 0:
            return None, after
        items = []
        for _ in range(count):
            item, after = parse(buffer, after)
            if item is _INCOMPLETE:
                return _INCOMPLETE, start
            items.append(item)
        return items, after
    if kind == 43:  # '+' simple string
        return line.decode(), after
    if kind == 45:  # '-' error
        message = line.decode(errors="replace")
        error = NoScriptError if message.startswith("NOSCRIPT") else ResponseError
        return error(message), after
    raise RedisConnectionError(f"unexpected reply from Redis: {buffer[start:end + 2]!r}")


class _Connection(asyncio.Protocol):
    """The socket and the futures waiting for its replies, oldest first.

    While commands wait, a timer looks every quarter of ``timeout`` at when Redis last answered (or the first
    of them was sent): one timer for the connection rather than one per command, which would cost more than
    the command's own client work.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float = REDIS_TIMEOUT_S) -> None:
        self.loop = loop
        self.timeout = timeout
        self.transport: asyncio.Transport | None = None
        self.waiting: deque[asyncio.Future[Any]] = deque()
        self.outgoing: list[bytes] = []
        self.buffer = b""
        self.closed = False
        self.progress = 0.0  # loop time of the latest reply, or of a send to an idle connection
        self.watchdog: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self, command: bytes) -> asyncio.Future[Any]:
        if self.closed:
            raise RedisConnectionError("the connection to Redis is closed")
        future = self.loop.create_future()
        if not self.waiting:
            self.progress = self.loop.time()
            if self.watchdog is None:
                self.watchdog = self.loop.call_later(self.timeout / 4, self._check_progress)
        self.waiting.append(future)
        if not self.outgoing:
            self.loop.call_soon(self._flush)
        self.outgoing.append(command)
        return future

    def _flush(self) -> None:
        if self.outgoing and not self.closed and self.transport is not None:
            self.transport.write(b"".join(self.outgoing))
        self.outgoing = []

    def _check_progress(self) -> None:
        self.watchdog = None
        if self.closed or not self.waiting:
            return
        if self.loop.time() - self.progress > self.timeout:
            self._fail(RedisTimeoutError(f"Redis did not answer within {self.timeout:g} s"))
            if self.transport is not None:
                self.transport.close()
            return
        self.watchdog = self.loop.call_later(self.timeout / 4, self._check_progress)

    def data_received(self, data: bytes) -> None:
        self.progress = self.loop.time()
        buffer = self.buffer + data if self.buffer else data
        position = 0
        try:
            while position < len(buffer):
                reply, position = parse(buffer, position)
                if reply is _INCOMPLETE:
                    break
                future = self.waiting.popleft()
                if future.done():
                    continue
                if isinstance(reply, ResponseError):
                    future.set_exception(reply)
                else:
                    future.set_result(reply)
        except (RedisConnectionError, ValueError, IndexError) as error:
            self._fail(RedisConnectionError(f"Redis connection out of step: {error}"))
            if self.transport is not None:
                self.transport.close()
            return
        self.buffer = buffer[position:]

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(RedisConnectionError(f"connection to Redis lost: {exc or 'closed by the server'}"))

    def _fail(self, error: Exception) -> None:
        self.closed = True
        self.outgoing = []
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class PipelinedRedis:
    """Commands to one Redis over one connection of the running event loop, opened on first use."""

    def __init__(self, uri: str, timeout: float = REDIS_TIMEOUT_S) -> None:
        """``timeout``: seconds to connect, and seconds Redis may leave commands unanswered."""
        options = parse_url(uri)
        self._path: str | None = options.get("path")
        self._host = str(options.get("host", "localhost"))
        self._port = int(options.get("port", 6379))
        self._setup = []
        if options.get("password"):
            username = options.get("username")
            auth = ("AUTH", username, options["password"]) if username else ("AUTH", options["password"])
            self._setup.append(pack(auth))
        if int(options.get("db") or 0):
            self._setup.append(pack(("SELECT", int(options["db"]))))
        self._timeout = timeout
        self._connection: _Connection | None = None
        self._opening: asyncio.Task[_Connection] | None = None
        self._scripts: dict[str, bytes] = {}

    async def execute(self, *args: bytes | str | int | float) -> Any:
        """Send one command and return its reply (an error reply raises it as redis-py's exception)."""
        return await self.send(pack(args))

    async def send(self, command: bytes) -> Any:
        connection = self._connection
        if connection is None or connection.closed or connection.loop is not asyncio.get_running_loop():
            connection = await self._connect()
        return await connection.send(command)

    def script(self, source: str) -> Script:
        return Script(self, source)

    async def _connect(self) -> _Connection:
        """Open the connection once, however many requests ask for it at the same time."""
        loop = asyncio.get_running_loop()
        previous = self._connection
        if previous is not None and previous.loop is not loop:  # a new event loop (tests run several)
            self._connection = None
            with contextlib.suppress(RuntimeError):  # its loop may be closed already
                previous.close()
        opening = self._opening
        if opening is None or opening.get_loop() is not loop or (opening.done() and self._stale(opening)):
            opening = self._opening = loop.create_task(self._open(loop))
        return await asyncio.shield(opening)

    def _stale(self, opening: asyncio.Task[_Connection]) -> bool:
        return opening.cancelled() or opening.exception() is not None or opening.result().closed

    async def _open(self, loop: asyncio.AbstractEventLoop) -> _Connection:
        def factory() -> _Connection:
            return _Connection(loop, self._timeout)

        try:
            async with asyncio.timeout(self._timeout):
                if self._path:
                    _, connection = await loop.create_unix_connection(factory, self._path)
                else:
                    _, connection = await loop.create_connection(factory, self._host, self._port)
                for command in self._setup:
                    await connection.send(command)
        except (OSError, TimeoutError) as error:
            raise RedisConnectionError(f"cannot connect to Redis: {error}") from None
        self._connection = connection
        return connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Script:
    """A Lua script called by its digest (``EVALSHA``), sent in full once if the server does not know it."""

    def __init__(self, client: PipelinedRedis, source: str) -> None:
        self.client = client
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()

    async def __call__(self, keys: tuple[str, ...], args: tuple[bytes | str | int | float, ...]) -> Any:
        try:
            return await self.client.execute("EVALSHA", self.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await self.client.execute("EVAL", self.source, len(keys), *keys, *args)
