"""``serve --workers N``: a supervisor of N worker processes, each accepting on a socket of its own.

A worker that dies is replaced on the same socket, one that fails before serving stops everything, and SIGINT
or SIGTERM stops them all. Where the kernel does not spread connections over sockets sharing a port (not
Linux), the workers share one socket under uvicorn's ``Multiprocess``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from collections.abc import Mapping
from multiprocessing.process import BaseProcess
from typing import Any

logger = logging.getLogger("mockserver")

STARTUP_FAILURE = 3  # uvicorn's exit code for a worker that could not start serving
STOP_SECONDS = 30


def reuse_port_available() -> bool:
    """Linux balances connections over the sockets sharing a port; BSD and macOS give them to the last one."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def run_worker(options: Mapping[str, Any], sock: socket.socket) -> None:
    """One worker process: uvicorn serving the app factory on this worker's socket."""
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
        process = self.context.Process(target=run_worker, args=(self.options, sock), daemon=False)
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
