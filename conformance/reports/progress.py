"""Progress while a run goes: a live display in a terminal, one line per event worth a line in a CI log.

In a terminal, rich draws one line per stage with a spinner and a timer. Anywhere else (a CI log, a pipe) a
line is printed when each stage starts and when it ends, with its counts and time, so a log shows where a slow
run spends its time. Either way, a wait longer than a moment says what it waits for and how long, before it
starts.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Protocol, Self

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from conformance.results import Event, StageAdvanced, StageFinished, StageStarted, Tally, Waiting


class Display(Protocol):
    """Shows events as they come, between ``with`` and the end of the block."""

    def show(self, event: Event) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


class _Plain:
    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        return None


def counts(tally: Tally) -> str:
    parts = [f"{tally.passed} passed", f"{tally.failed} failed"]
    if tally.known:
        parts.append(f"{tally.known} known")
    parts += [f"{tally.skipped} skipped", f"{tally.not_applicable} not applicable"]
    return ", ".join(parts)


def waiting_line(event: Waiting) -> str:
    return f"waiting {event.seconds:.0f} s for {event.reason}"


class LogProgress(_Plain):
    """One line per stage start and end, and per announced wait (for CI logs)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.started = time.monotonic()

    def _line(self, text: str) -> None:
        self.console.print(f"[{time.monotonic() - self.started:6.1f}s] {escape(text)}", soft_wrap=True, highlight=False)

    def show(self, event: Event) -> None:
        if isinstance(event, StageStarted):
            self._line(f"{event.name}: started")
        elif isinstance(event, StageFinished):
            stopped = f"; stopped early: {event.stopped}" if event.stopped else ""
            self._line(f"{event.name}: finished in {event.seconds:.1f} s: {counts(event.tally)}{stopped}")
        elif isinstance(event, Waiting):
            self._line(waiting_line(event))


class LiveProgress:
    """Shows one progress line per stage while events flow through :meth:`follow` (for terminals)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[step]}", style="dim"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> Self:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def show(self, event: Event) -> None:
        if isinstance(event, StageStarted):
            self.tasks[event.name] = self.progress.add_task(event.name, total=None, step="")
        elif isinstance(event, StageAdvanced) and event.name in self.tasks:
            self.progress.update(self.tasks[event.name], step=escape(event.step[:60]))
        elif isinstance(event, StageFinished) and event.name in self.tasks:
            step = f"{counts(event.tally)}" if event.seconds else ""
            self.progress.update(self.tasks[event.name], total=1, completed=1, step=escape(step[:80]))
        elif isinstance(event, Waiting):
            self.progress.console.print(f"[yellow]{escape(waiting_line(event))}[/]")


class Quiet(_Plain):
    """No progress at all (``--no-progress``), but a wait is still announced."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def show(self, event: Event) -> None:
        if isinstance(event, Waiting):
            self.console.print(escape(waiting_line(event)), highlight=False)


def display(console: Console, *, progress: bool, terminal: bool) -> LiveProgress | LogProgress | Quiet:
    """The live display in a terminal, log lines elsewhere, or only the waits with ``--no-progress``."""
    if not progress:
        return Quiet(console)
    return LiveProgress(console) if terminal else LogProgress(console)
