"""How long the conformance suite takes against a fresh mock, per profile (what a CI job will wait).

The mock runs with its default limits (the suite's rate-limit check needs the real plans) and is restarted
for each profile, so one profile's created data and spent windows do not slow the next one.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.results import CommandTiming
from benchmarks.servers import ServerCommand, ServerStartError, free_port, start
from benchmarks.targets import BIN, benchmark_key
from mockserver.data.fixture import Fixture

TIMEOUT_S = 3600


def conformance_argv(base_url: str, profile: str) -> list[str]:
    return [str(BIN / "hissuno-conformance"), "run", "--base-url", base_url, "--mock-keys",
            "--profile", profile, "--no-progress"]  # fmt: skip


def time_conformance(fixture: Fixture, profiles: Sequence[str], log_dir: Path) -> list[CommandTiming]:
    timings = []
    if not (BIN / "hissuno-conformance").exists():
        missing = "hissuno-conformance is not installed in this environment"
        return [CommandTiming(profile, [], error=missing) for profile in profiles]
    for profile in profiles:
        port = free_port()
        key = benchmark_key(fixture)
        command = ServerCommand(f"mock for conformance {profile}",
                                [str(BIN / "hissuno-mock"), "serve", "--port", str(port)], port,
                                "/v1/sessions?limit=1", {"Authorization": f"Bearer {key.key}"})  # fmt: skip
        timing = CommandTiming(profile, conformance_argv(command.base_url, profile))
        try:
            server = start(command, log_dir)
        except ServerStartError as error:
            timing.error = str(error)
            timings.append(timing)
            continue
        try:
            started = time.perf_counter()
            completed = subprocess.run(timing.argv, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
            timing.seconds = time.perf_counter() - started
            timing.returncode = completed.returncode
            timing.tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-6:])
            (log_dir / f"conformance-{profile}.log").write_text(completed.stdout + completed.stderr)
        except subprocess.TimeoutExpired:
            timing.error = f"did not finish within {TIMEOUT_S} s"
        finally:
            server.stop()
        timings.append(timing)
    return timings
