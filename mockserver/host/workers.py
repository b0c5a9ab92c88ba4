"""``serve --workers N``: a supervisor of N worker processes, each accepting on a socket of its own.

A worker that dies is replaced on the same socket, one that fails before serving stops everything, and SIGINT
or SIGTERM stops them all. A supervisor that dies without stopping them (``kill -9``) takes them with it
(:func:`die_with_parent`), so that a restart finds the port free. Where the kernel does not spread connections
over sockets sharing a port (not Linux), the workers share one socket under uvicorn's ``Multiprocess``.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from multiprocessing.process import BaseProcess
from typing import Any

logger = logging.getLogger("mockserver")

STARTUP_FAILURE = 3  # uvicorn's exit code for a worker that could not start serving
STOP_SECONDS = 30
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5


def reuse_port_available() -> bool:
    """Linux balances connections over the sockets sharing a port; BSD and macOS give them to the last one."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def die_with_parent(parent: int) -> None:
    """Stop this worker (SIGTERM: uvicorn's graceful stop) when process ``parent``, its supervisor, is gone.

    On Linux the kernel sends the signal the moment the parent dies (``prctl(PR_SET_PDEATHSIG)``); everywhere,
    and for a parent that died before that call, a thread watches ``getppid()`` and, should the graceful
    stop take longer than :data:`STOP_SECONDS`, ends the process.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    threading.Thread(target=_watch_parent, args=(parent,), name="watch supervisor", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    logger.warning("the supervisor (%s) is gone; worker %s stops", parent, os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(STOP_SECONDS)
    os._exit(1)


def run_worker(options: Mapping[str, Any], sock: socket.socket, supervisor: int) -> None:
    """One worker process: uvicorn serving the app factory on this worker's socket, until it or its
    ``supervisor`` stops."""
    die_with_parent(supervisor)
    import uvicorn

    config = uvicorn.Config("mockserver.cli:worker_app", factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """Starts one worker per socket, replaces workers that die, and stops them all on SIGINT or SIGTERM."""

    def __init__(self, options: Mapping[str, Any], sockets: list[socket.socket]) -> None:
        self.options = dict(options)
        self.sockets = sockets
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[BaseProcess] = []
        self.stopping = threading.Event()

    def run(self) -> int:
        """Serve until a signal (exit code 0) or a worker that cannot start (exit code 3)."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stopping.set())
        self.processes = [self._start(sock) for sock in self.sockets]
        status = 0
        while not self.stopping.wait(0.5):
            for index, process in enumerate(self.processes):
                if process.is_alive() or self.stopping.is_set():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    logger.error("worker %s failed to start; stopping", process.pid)
                    self.stopping.set()
                    status = STARTUP_FAILURE
                    break
                logger.warning("worker %s exited with %s; starting another", process.pid, process.exitcode)
                self.processes[index] = self._start(self.sockets[index])
        self._stop_all()
        return status

    def _start(self, sock: socket.socket) -> BaseProcess:
        process = self.context.Process(target=run_worker, args=(self.options, sock, os.getpid()), daemon=False)
        process.start()
        return process

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in self.processes:
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
