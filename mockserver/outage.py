"""A shared backend (Redis) that does not answer: the 503 a request gets for it, and the breaker that gives the
next requests that 503 at once instead of letting each one wait out its own timeout.

Every call the mock makes to Redis has a deadline of :data:`REDIS_TIMEOUT_S`. A call that fails (connection
refused or lost, deadline missed) answers 503 with ``Retry-After``; one that missed its deadline also trips
the backend's :class:`Breaker`: for :data:`COOL_DOWN_S` seconds every call is refused without touching the
network, then one call at a time tries again, and the first that succeeds closes the breaker. A refused or
lost connection fails fast by itself and trips nothing: the next call connects again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

REDIS_TIMEOUT_S = 1.0
COOL_DOWN_S = 2
logger = logging.getLogger("mockserver.outage")


class Unavailable(RuntimeError):
    """Shared state cannot serve the request now; answered as 503 with ``Retry-After`` (``pipeline/errors.py``)."""

    def __init__(self, message: str, retry_after: int = COOL_DOWN_S) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class Breaker:
    """Counts a backend out for ``cool_down`` seconds after a missed deadline (see the module's docstring).

    ``failures`` are the exception types that mean "the backend is not answering", answered 503; ``trips``
    those of them that took a deadline to find out, which open the breaker. Any other exception passes
    through untouched. Safe to use from several threads.
    """

    def __init__(self, what: str, failures: tuple[type[BaseException], ...],
                 trips: tuple[type[BaseException], ...] = (), *, cool_down: int = COOL_DOWN_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self.failures = failures
        self.trips = trips
        self.cool_down = cool_down
        self.clock = clock
        self._open_until: float | None = None
        self._trying = False
        self._lock = threading.Lock()
        self._logged_at = -float(cool_down)

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    @contextlib.contextmanager
    def call(self) -> Iterator[None]:
        """Around one call to the backend: refused while the breaker is open, and a failure opens it."""
        if self._open_until is None:  # the usual case: no lock, no clock
            try:
                yield
            except self.failures as error:
                self._fail(error)
                raise self.unavailable() from None
            return
        self._admit()
        try:
            yield
        except self.failures as error:
            self._fail(error)
            raise self.unavailable() from None
        except BaseException:
            self._settle(recovered=False)
            raise
        self._settle(recovered=True)

    def unavailable(self) -> Unavailable:
        return Unavailable(f"The mock's {self.what} is not answering; retry after {self.cool_down} seconds.",
                           self.cool_down)

    def _admit(self) -> None:
        with self._lock:
            if self._open_until is None:
                return
            if self.clock() < self._open_until or self._trying:
                raise self.unavailable()
            self._trying = True  # this call tries the backend again; the others are still refused

    def _fail(self, error: BaseException) -> None:
        with self._lock:
            self._trying = False
            now = self.clock()
            if now - self._logged_at >= self.cool_down:  # one line per cool-down, not one per request
                self._logged_at = now
                logger.warning("%s is not answering (%s); answering 503", self.what, error)
            if isinstance(error, self.trips):
                self._open_until = now + self.cool_down

    def _settle(self, *, recovered: bool) -> None:
        with self._lock:
            self._trying = False
            if recovered and self._open_until is not None:
                logger.warning("%s answers again", self.what)
                self._open_until = None
