"""Schemathesis' own checks we run: what each proves, which operations it can apply to, which answers it judges.

Schemathesis counts a check that had nothing to judge (``negative_data_rejection`` on a valid request,
``use_after_free`` with no delete before the read) as a success. To keep *not applicable* apart from *passed*,
each check here says which operations it can apply to and which generated cases give it something to judge
(read from the case's metadata: its phase, its generation mode, the coverage scenario).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemathesis.generation.meta import (
    REQUEST_SHAPE_PROBES,
    CoveragePhaseData,
    CoverageScenario,
    TestPhase,
)

from conformance.operations import Contract, Operation

CaseTest = Callable[[Any], bool]


@dataclass(frozen=True)
class BuiltinCheck:
    proves: str
    # Operations it can apply to (the contract's own shape), and the cases that give it something to judge.
    scope: Callable[[Contract], list[Operation]]
    judges: CaseTest


def _meta(case: Any) -> Any:
    try:
        return case.meta
    except Exception:  # a case Schemathesis could not revalidate has no usable metadata
        return None


def _coverage(case: Any) -> CoveragePhaseData | None:
    meta = _meta(case)
    data = meta.phase.data if meta is not None else None
    return data if isinstance(data, CoveragePhaseData) else None


def _any_answer(case: Any) -> bool:
    data = _coverage(case)
    return data is None or data.scenario not in REQUEST_SHAPE_PROBES


def _mode(positive: bool) -> CaseTest:
    def judges(case: Any) -> bool:
        meta = _meta(case)
        if meta is None or not _any_answer(case):
            return False
        return meta.generation.mode.is_positive if positive else meta.generation.mode.is_negative

    return judges


def _missing_header(case: Any) -> bool:
    data = _coverage(case)
    return data is not None and data.scenario == CoverageScenario.MISSING_PARAMETER and data.location == "header"


def _unspecified_method(case: Any) -> bool:
    data = _coverage(case)
    return data is not None and data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD


def _stateful(case: Any) -> bool:
    meta = _meta(case)
    return meta is not None and meta.phase.name == TestPhase.STATEFUL


def _every(contract: Contract) -> list[Operation]:
    return list(contract.operations)


def _with_input(contract: Contract) -> list[Operation]:
    """Operations with something a request can get wrong: a parameter or a body."""
    return [op for op in contract.operations if op.parameters or op.request_body]


def _with_header_parameters(contract: Contract) -> list[Operation]:
    return [op for op in contract.operations if any(where == "header" for where, _ in op.parameters)]


def _reads_after_delete(contract: Contract) -> list[Operation]:
    """Reads of a resource the contract can delete (where a use after free can happen)."""
    deleted = {op.path for op in contract.deletes}
    return [op for op in contract.operations if op.method == "GET" and op.path in deleted]


def _linked_reads(contract: Contract) -> list[Operation]:
    """Reads a create links to (where a created resource must be available)."""
    found = (contract.getter_of(create) for create in contract.creates)
    return list({id(pair[0]): pair[0] for pair in found if pair is not None}.values())


BUILTIN_CHECKS: dict[str, BuiltinCheck] = {
    "not_a_server_error": BuiltinCheck(
        "No request, however odd, makes the server answer 5xx.", _every, lambda case: True
    ),
    "status_code_conformance": BuiltinCheck(
        "Every status code answered is one the spec documents for the operation.", _every, _any_answer
    ),
    "content_type_conformance": BuiltinCheck(
        "Every answer's Content-Type is one the spec documents.", _every, _any_answer
    ),
    "response_headers_conformance": BuiltinCheck(
        "Headers the spec requires (rate-limit headers, Location) are present and valid.", _every, _any_answer
    ),
    "response_schema_conformance": BuiltinCheck(
        "Every answer's body validates against the spec's schema for its status.", _every, _any_answer
    ),
    "negative_data_rejection": BuiltinCheck(
        "Requests that violate the spec (bad types, out-of-range values) are rejected with 4xx.",
        _with_input,
        _mode(positive=False),
    ),
    "positive_data_acceptance": BuiltinCheck(
        "Requests that follow the spec are accepted.", _every, _mode(positive=True)
    ),
    "missing_required_header": BuiltinCheck(
        "Leaving out a required header is rejected.", _with_header_parameters, _missing_header
    ),
    "unsupported_method": BuiltinCheck(
        "Methods the spec does not list for a path get 405.", _every, _unspecified_method
    ),
    "ignored_auth": BuiltinCheck(
        "Requests without or with invalid credentials are refused (Schemathesis' own auth probe).",
        _every,
        lambda case: True,
    ),
    "use_after_free": BuiltinCheck(
        "A deleted resource is not reachable through the spec's links afterwards.", _reads_after_delete, _stateful
    ),
    "ensure_resource_availability": BuiltinCheck(
        "A created resource is reachable through the spec's links right away.", _linked_reads, _stateful
    ),
}
