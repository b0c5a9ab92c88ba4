"""What every ``compare_*`` script shares: the machine line, interleaved CPU timing and a Markdown table.

Each ``benchmarks/compare_*.py`` weighs one hand-written piece of the mock against the well-kept library
that could replace it, in one run: the options are timed in turn, round after round, and each result is
the median round, so a burst of other work on the machine lands on every option alike. Ratios are against
the first option of the run (the baseline named in the table).
"""

from __future__ import annotations

import shlex
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence

from benchmarks import machine


def describe_run(module: str) -> str:
    """The machine and the command, as the first lines of a result (numbers without them mean little)."""
    facts = machine.describe()
    busy = machine.background_cpu_percent(0.5)
    command = shlex.join([".venv/bin/python", "-m", module, *sys.argv[1:]])
    lines = [f"- machine: {facts['cpus']} x {facts['cpu_model']}, {facts['memory']}, {facts['os']}, {facts['python']}",
             f"- command: `{command}`"]
    if busy is not None:
        lines.append(f"- the machine was {busy:.0f}% busy with other work just before the run")
    return "\n".join(lines)


def cpu_seconds_per_call(calls: Sequence[Callable[[], object]]) -> float:
    """CPU time (every thread of this process) of one pass over ``calls``, divided by their number."""
    started = time.process_time()
    for call in calls:
        call()
    return (time.process_time() - started) / len(calls)


def interleaved(options: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run each option's measurement once per round, options in turn; the median round of each."""
    samples: dict[str, list[float]] = {name: [] for name in options}
    for _ in range(rounds):
        for name, measure in options.items():
            samples[name].append(measure())
    return {name: statistics.median(values) for name, values in samples.items()}


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline > 0 else "—"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)
