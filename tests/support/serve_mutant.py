"""Serve a :class:`~tests.support.mutants.Mutant` like ``hissuno-mock serve``, for tests that need a broken mock
in a process of its own (a real socket, the same access log):

    python -m tests.support.serve_mutant tests.hardening.mutants:BrokenLists --port 8123 --rate-limit pro=5/minute

It takes the flags of ``hissuno-mock serve`` that such tests pass, so :func:`tests.support.servers.live_mock`
starts it with ``command=``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import warnings

import uvicorn


def mutant_command(mutant: str) -> list[str]:
    """The command that serves ``mutant`` (``module:Class``), for :func:`tests.support.servers.live_mock`."""
    return [sys.executable, "-m", "tests.support.serve_mutant", mutant]


def main() -> None:
    parser = argparse.ArgumentParser(prog="serve_mutant")
    parser.add_argument("mutant", help="module:Class of a Mutant subclass")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--rate-limit", action="append", default=[])
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    module, _, name = args.mutant.partition(":")
    mutant = getattr(importlib.import_module(module), name)(rate_limits=args.rate_limit or None)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s: %(message)s")
    uvicorn.run(mutant, host=args.host, port=args.port, log_config=None, log_level=args.log_level,
                access_log=True, lifespan="off")


if __name__ == "__main__":
    main()
