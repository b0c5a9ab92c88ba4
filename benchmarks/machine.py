"""The machine a run was measured on, written next to every result: numbers without it mean little."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_mib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.platform()


def tool_version(argv: list[str]) -> str:
    """First line of a tool's version output, or 'missing'."""
    if shutil.which(argv[0]) is None:
        return "missing"
    completed = subprocess.run(argv, capture_output=True, text=True, check=False)
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def describe() -> dict[str, str]:
    memory = memory_total_mib()
    return {
        "cpus": str(os.cpu_count() or "?"),
        "cpu_model": cpu_model(),
        "memory": f"{memory} MiB" if memory is not None else "unknown",
        "os": f"{os_name()} ({platform.release()})",
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "node": tool_version(["node", "--version"]),
        "wrk": tool_version(["wrk", "--version"]).split(" Copyright")[0],
    }


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs, from the first line of /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def background_cpu_percent(seconds: float = 1.0) -> float | None:
    """How busy the machine is while nothing of ours runs (other jobs skew every number measured after it)."""
    try:
        busy_before, total_before = _cpu_times()
        time.sleep(seconds)
        busy_after, total_after = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return round(100.0 * (busy_after - busy_before) / total, 1) if total > 0 else None
