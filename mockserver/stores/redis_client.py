"""redis-py made safe for the Redis store: every command behind the store's breaker, and a project's lock
renewed while the work under it runs."""

from __future__ import annotations

import logging
import threading
from typing import Any

import redis
from redis.client import Pipeline
from redis.exceptions import LockError

from mockserver.outage import Breaker, Unavailable

logger = logging.getLogger("mockserver.stores.redis")


class GuardedRedis(redis.Redis):
    """redis-py's client with every command (in pipelines and locks too) behind :attr:`breaker` once it has
    one: once one call missed its deadline, the calls other threads are about to make fail at once instead of
    each waiting."""

    breaker: Breaker | None = None

    def execute_command(self, *args: Any, **options: Any) -> Any:
        if self.breaker is None:
            return super().execute_command(*args, **options)
        with self.breaker.call():
            return super().execute_command(*args, **options)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        if self.breaker is None:
            return super().pipeline(transaction, shard_hint)
        pipe = GuardedPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
        pipe.breaker = self.breaker
        return pipe


class GuardedPipeline(Pipeline):
    breaker: Breaker

    def immediate_execute_command(self, *args: Any, **options: Any) -> Any:
        with self.breaker.call():
            return super().immediate_execute_command(*args, **options)

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        with self.breaker.call():
            return super().execute(raise_on_error)


class RenewedLock:
    """redis-py's lock on a project, renewed every third of its timeout while the work under it runs.

    It expires only when its holder stops renewing it (the worker died), never under a slow import; a lock
    found lost when released (Redis restarted or flushed meanwhile) is logged, not raised: the work is done.
    """

    def __init__(self, lock: Any, name: str, wait_seconds: float) -> None:
        self.lock = lock
        self.name = name
        self.wait_seconds = wait_seconds
        self._done = threading.Event()
        self._renewer: threading.Thread | None = None

    def __enter__(self) -> None:
        if not self.lock.acquire(blocking_timeout=self.wait_seconds):
            retry_after = max(1, round(self.wait_seconds))
            raise Unavailable(f"Another write to {self.name} is still running; retry after {retry_after} seconds.",
                              retry_after)
        self._renewer = threading.Thread(target=self._renew, name=f"renew {self.name}", daemon=True)
        self._renewer.start()

    def _renew(self) -> None:
        while not self._done.wait(self.lock.timeout / 3):
            try:
                self.lock.reacquire()
            except LockError as error:
                logger.warning("the lock on %s was lost while held: %s", self.name, error)
                return
            except (redis.RedisError, Unavailable) as error:  # Redis stalled: try again, the lock has time left
                logger.warning("could not renew the lock on %s: %s", self.name, error)

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        if self._renewer is not None:
            self._renewer.join()
        try:
            self.lock.release()
        except LockError as error:
            logger.warning("the lock on %s was lost before its work ended: %s", self.name, error)
