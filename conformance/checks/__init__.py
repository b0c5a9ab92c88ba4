"""The check catalogue: Schemathesis' built-in checks plus our six families, and how a run selects them.

Importing this package declares our checks (each family module registers its own with
:func:`~conformance.checks.base.response_check` and :func:`~conformance.checks.base.scenario_check`). The
response checks are registered with Schemathesis too, and run where a Schemathesis configuration enables
them by name, as :mod:`conformance.fuzzing` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conformance.checks import auth, conflicts, envelope, isolation, keys, ratelimit, state, webhooks, writes
from conformance.checks.base import RESPONSE_CHECKS, SCENARIO_CHECKS, ScenarioCheck
from conformance.checks.builtin import BUILTIN_CHECKS
from conformance.operations import Contract, Operation

SCHEMATHESIS = "schemathesis"
# The state family's checks live in three modules: what is created, conflicts, writes to existing objects.
STATE_MODULES = (state, conflicts, writes)

# Order matters: keys first, while the project has room for new keys (the other families create some too);
# state creates the rows isolation then looks for; the rate-limit burst comes last.
RUN_ORDER = (keys.FAMILY, state.FAMILY, isolation.FAMILY, auth.FAMILY, envelope.FAMILY, webhooks.FAMILY,
             ratelimit.FAMILY)
SCENARIO_RUN: tuple[ScenarioCheck, ...] = tuple(
    sorted(SCENARIO_CHECKS, key=lambda check: RUN_ORDER.index(check.family))
)
# Registered Schemathesis name -> the name we report it under.
REPORTED_AS = {check.registered: check.name for check in RESPONSE_CHECKS}
# Families whose checks spend a shared budget (the rate-limit key's window) and so run once per run.
ONCE_PER_RUN = frozenset({ratelimit.FAMILY})
FAMILIES = (
    SCHEMATHESIS, auth.FAMILY, keys.FAMILY, isolation.FAMILY, state.FAMILY, ratelimit.FAMILY, envelope.FAMILY,
    webhooks.FAMILY,
)


def catalogue() -> dict[str, tuple[str, str]]:
    """Every check we can report: name -> (family, what it proves)."""
    entries = {name: (SCHEMATHESIS, check.proves) for name, check in BUILTIN_CHECKS.items()}
    entries.update({check.name: (check.family, check.proves) for check in RESPONSE_CHECKS})
    for check in SCENARIO_RUN:
        for name, text in check.reports.items():
            entries[name] = (check.family, text)
    return entries


def family_of(name: str) -> str:
    return catalogue()[name][0]


def scope_of(name: str, contract: Contract) -> list[Operation]:
    """The operations of the contract a check can apply to."""
    if name in BUILTIN_CHECKS:
        return BUILTIN_CHECKS[name].scope(contract)
    for response in RESPONSE_CHECKS:
        if response.name == name:
            return response.operations(contract)
    scenario = next(check for check in SCENARIO_RUN if name in check.reports)
    return scenario.operations(contract)


@dataclass(frozen=True)
class Selection:
    """Which checks a run reports: every name in ``wanted``, split by how each is run."""

    wanted: frozenset[str]

    @property
    def builtin(self) -> list[str]:
        return [name for name in BUILTIN_CHECKS if name in self.wanted]

    @property
    def response(self) -> list[str]:
        return [check.registered for check in RESPONSE_CHECKS if check.name in self.wanted]

    @property
    def schemathesis(self) -> list[str]:
        """The names, as we report them, of the checks Schemathesis runs."""
        return [*self.builtin, *(check.name for check in RESPONSE_CHECKS if check.name in self.wanted)]

    @property
    def runs_schemathesis(self) -> bool:
        return bool(self.builtin or self.response)

    @property
    def scenario(self) -> list[ScenarioCheck]:
        return [check for check in SCENARIO_RUN if self.wanted & set(check.reports)]


def select(names: Iterable[str] | None = None) -> Selection:
    """Checks named by family (``auth``) or by check (``auth.missing_key``, ``not_a_server_error``); all by default."""
    known = catalogue()
    requested = [name.strip() for name in names or () if name.strip()]
    if not requested:
        return Selection(frozenset(known))
    wanted: set[str] = set()
    for name in requested:
        if name in FAMILIES:
            wanted |= {check for check, (family, _) in known.items() if family == name}
        elif name in known:
            wanted.add(name)
        else:
            raise ValueError(f"unknown check {name!r}: use a family ({', '.join(FAMILIES)}) or a check name")
    return Selection(frozenset(wanted))
