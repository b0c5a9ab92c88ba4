"""How thorough a run is: ``quick`` for every push (within a minute), ``full`` for nightly (within five)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # Schemathesis: examples per operation in the fuzzing phase, and the phases to run.
    max_examples: int
    phases: tuple[str, ...]
    stateful_steps: int
    # Our checks: how many pages the pagination check walks, and whether to wait out a 429 and retry.
    page_cap: int
    retry_after: bool
    # The whole run's time budget in seconds (``--max-time`` changes it); a few seconds below the promise,
    # for start-up and the reports.
    max_time: float | None = None


PROFILES = {
    "quick": Profile(
        "quick",
        max_examples=8,
        # Coverage (every boundary of every constraint) alone sends ~1500 requests: nightly only.
        phases=("examples", "fuzzing", "stateful"),
        stateful_steps=6,
        page_cap=12,
        retry_after=False,
        max_time=55.0,
    ),
    "full": Profile(
        "full",
        max_examples=30,
        phases=("examples", "coverage", "fuzzing", "stateful"),
        stateful_steps=20,
        page_cap=60,
        retry_after=True,
        max_time=285.0,
    ),
}


def profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}: choose one of {', '.join(PROFILES)}") from None
