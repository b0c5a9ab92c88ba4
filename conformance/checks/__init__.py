"""The check catalogue: Schemathesis' built-in checks plus our five families, and how a run selects them.

Importing this package declares our checks (each family module registers its own with
:func:`~conformance.checks.base.response_check` and :func:`~conformance.checks.base.scenario_check`). The
response checks are registered with Schemathesis too, and run where a Schemathesis configuration enables
them by name, as :mod:`conformance.fuzzing` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conformance.checks import auth, envelope, isolation, ratelimit, state
from conformance.checks.base import RESPONSE_CHECKS, SCENARIO_CHECKS, ScenarioCheck

SCHEMATHESIS = "schemathesis"

# Schemathesis' own checks we run, with what each proves.
BUILTIN_CHECKS = {
    "not_a_server_error": "No request, however odd, makes the server answer 5xx.",
    "status_code_conformance": "Every status code answered is one the spec documents for the operation.",
    "content_type_conformance": "Every answer's Content-Type is one the spec documents.",
    "response_headers_conformance": "Headers the spec requires (rate-limit headers, Location) are present and valid.",
    "response_schema_conformance": "Every answer's body validates against the spec's schema for its status.",
    "negative_data_rejection": "Requests that violate the spec (bad types, out-of-range values) are rejected with 4xx.",
    "positive_data_acceptance": "Requests that follow the spec are accepted.",
    "missing_required_header": "Leaving out a required header is rejected.",
    "unsupported_method": "Methods the spec does not list for a path get 405.",
    "ignored_auth": "Requests without or with invalid credentials are refused (Schemathesis' own auth probe).",
    "use_after_free": "A deleted resource is not reachable through the spec's links afterwards.",
    "ensure_resource_availability": "A created resource is reachable through the spec's links right away.",
}

# Order matters: state creates the rows isolation then looks for; the rate-limit burst comes last.
RUN_ORDER = (state.FAMILY, isolation.FAMILY, auth.FAMILY, envelope.FAMILY, ratelimit.FAMILY)
SCENARIO_RUN: tuple[ScenarioCheck, ...] = tuple(
    sorted(SCENARIO_CHECKS, key=lambda check: RUN_ORDER.index(check.family))
)
# Registered Schemathesis name -> the name we report it under.
REPORTED_AS = {check.registered: check.name for check in RESPONSE_CHECKS}
# Families whose checks spend a shared budget (the rate-limit key's window) and so run once per run.
ONCE_PER_RUN = frozenset({ratelimit.FAMILY})
FAMILIES = (SCHEMATHESIS, auth.FAMILY, isolation.FAMILY, state.FAMILY, ratelimit.FAMILY, envelope.FAMILY)


def catalogue() -> dict[str, tuple[str, str]]:
    """Every check we can report: name -> (family, what it proves)."""
    entries = {name: (SCHEMATHESIS, text) for name, text in BUILTIN_CHECKS.items()}
    entries.update({check.name: (check.family, check.proves) for check in RESPONSE_CHECKS})
    for check in SCENARIO_RUN:
        for name, text in check.reports.items():
            entries[name] = (check.family, text)
    return entries


def family_of(name: str) -> str:
    return catalogue()[name][0]


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
