"""The run's time budget (``--max-time``), shared out between its stages, so a slow server cannot stall a run.

Each stage (Schemathesis over one document, one check family) may use what is left when it starts, except a
floor kept for the stages after it: half of what they would get if the time left were shared out by weight. A
fast stage leaves its time to the ones after it; a slow one is stopped before it starves them. Every request our
checks send asks :meth:`Budget.timeout` first: past the stage's deadline it raises :class:`OutOfTime`, and near
it the request's timeout shrinks so that the answer cannot arrive after the deadline. A few seconds are kept
back for deleting what the run created.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Kept back from the shares for the clean-up at the end (never more than a tenth of the budget).
CLEANUP_RESERVE = 5.0
# The part of their proportional share that the stages still to come are sure to get.
FLOOR = 0.5


class OutOfTime(Exception):
    """The stage (or the whole run) has used its share of ``--max-time``."""


@dataclass
class Budget:
    """``seconds`` for the whole run (None: unbounded), on the given clock."""

    seconds: float | None = None
    clock: Callable[[], float] = time.monotonic
    started: float = field(init=False)
    stage_deadline: float | None = field(default=None, init=False)
    stage_name: str = field(default="", init=False)
    # The stages the budget stopped before they were done, in order.
    cut: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    @property
    def run_deadline(self) -> float | None:
        return None if self.seconds is None else self.started + self.seconds

    @property
    def reserve(self) -> float:
        return 0.0 if self.seconds is None else min(CLEANUP_RESERVE, self.seconds / 10)

    def remaining(self) -> float | None:
        """Seconds left in the current stage (or the run, between stages); None when unbounded."""
        deadlines = [d for d in (self.run_deadline, self.stage_deadline) if d is not None]
        return max(0.0, min(deadlines) - self.clock()) if deadlines else None

    def begin(self, name: str, weight: float, pending_weight: float) -> float | None:
        """Start a stage of ``weight`` (``pending_weight``: its own and every later stage's): it may use the time
        left (less the clean-up reserve) except the floor the later stages keep. Returns its seconds."""
        self.stage_name = name
        if self.run_deadline is None:
            self.stage_deadline = None
            return None
        left = max(0.0, self.run_deadline - self.reserve - self.clock())
        later = max(0.0, pending_weight - weight)
        share = left * (1 - FLOOR * later / pending_weight) if pending_weight > 0 else left
        self.stage_deadline = self.clock() + share
        return share

    def end(self) -> None:
        """Between stages the whole run's deadline applies (the clean-up uses the reserve)."""
        self.stage_deadline = None
        self.stage_name = ""

    @property
    def exhausted(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def check(self) -> None:
        if self.exhausted:
            raise OutOfTime(self.ran_out())

    def timeout(self, wanted: float) -> float:
        """The timeout a request may use: ``wanted``, or what is left if less; OutOfTime when nothing is."""
        remaining = self.remaining()
        if remaining is None:
            return wanted
        if remaining <= 0:
            raise OutOfTime(self.ran_out())
        return min(wanted, remaining)

    def allows(self, seconds: float) -> bool:
        """Whether a wait of this long ends before the deadline."""
        remaining = self.remaining()
        return remaining is None or seconds <= remaining

    def ran_out(self) -> str:
        """Note that the current stage was stopped by the budget; returns why, for its skipped results."""
        name = self.stage_name or "the run"
        if name not in self.cut:
            self.cut.append(name)
        return self.describe()

    def describe(self) -> str:
        if self.stage_name and self.stage_deadline is not None:
            return (
                f"not run: the time budget ran out ({self.stage_name} used its share of --max-time {self.seconds:g} s)"
            )
        return f"not run: the {self.seconds:g} s time budget (--max-time) ran out"
