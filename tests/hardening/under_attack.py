"""What an attack costs the mock, seen from outside: its memory (resident set, peak) and how long another client
waits meanwhile.

:class:`Watch` resets the process's peak RSS (``/proc/PID/clear_refs``), starts a second client that reads one
page in a loop on its own connection, and afterwards reports the growth of RSS, the peak and that client's
slowest answer.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

MIB = 1024 * 1024
PROBE_PATH = "/v1/sessions?limit=1"


def memory_kib(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` (the peak since the last reset) of a process, in KiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def reset_peak(pid: int) -> None:
    """Start ``VmHWM`` again from the current RSS (Linux: writing 5 to ``clear_refs``)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Cost:
    """An attack's cost: RSS before and after, the peak in between (MiB), the second client's answers."""

    rss_before_mib: float
    rss_after_mib: float = 0.0
    peak_mib: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @property
    def growth_mib(self) -> float:
        return max(self.peak_mib, self.rss_after_mib) - self.rss_before_mib

    @property
    def slowest_s(self) -> float:
        return max(self.latencies_s, default=float("inf"))

    def __str__(self) -> str:
        return (f"RSS {self.rss_before_mib:.0f} -> {self.rss_after_mib:.0f} MiB (peak {self.peak_mib:.0f}), "
                f"second client: {len(self.latencies_s)} answers, slowest {self.slowest_s * 1000:.0f} ms")


@contextlib.contextmanager
def watch(base_url: str, pid: int, key: str, pause_s: float = 0.02) -> Iterator[Cost]:
    """Measure what the block costs the mock at ``base_url`` (process ``pid``); a second client reads
    :data:`PROBE_PATH` with ``key`` throughout (each answer waited for at most 30 s)."""
    reset_peak(pid)
    cost = Cost(memory_kib(pid)["VmRSS"] / 1024)
    stop = threading.Event()

    def second_client() -> None:
        with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    cost.statuses.append(client.get(PROBE_PATH).status_code)
                except httpx.HTTPError:
                    cost.statuses.append(0)
                cost.latencies_s.append(time.monotonic() - started)
                stop.wait(pause_s)

    thread = threading.Thread(target=second_client, daemon=True)
    thread.start()
    try:
        yield cost
    finally:
        time.sleep(4 * pause_s)  # one more answer after the attack
        stop.set()
        thread.join(timeout=35)
        after = memory_kib(pid)
        cost.rss_after_mib, cost.peak_mib = after["VmRSS"] / 1024, after["VmHWM"] / 1024
