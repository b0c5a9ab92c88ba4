"""Every deliberately broken webhook sender makes the ``webhooks`` family fail (exit 1) and name exactly the check
guarding the promise it breaks; the unbroken wrappers pass every check of the family."""

from __future__ import annotations

import pytest

from conformance import engine
from conformance.checks import webhooks as family
from conformance.results import RunReport, Status
from conformance.target import Target, from_mock
from conformance.webhook_inbox import InboxSettings
from tests.mutants import webhooks as w
from tests.mutants.test_mutants import PROFILE
from tests.support.delivery_relay import RelayingMutant
from tests.support.mutants import Mutant

# Long enough for the mock's first retry, short enough that a mutant which never delivers costs little.
WAIT = 3.0
CHECKS = {name for check in (family.delivered, family.after_delete) for name in check.reports}

CASES = [
    (w.WrongSecret, "webhooks.signature"),
    (w.StaleTimestamp, "webhooks.timestamp"),
    (w.PayloadBreaksSchema, "webhooks.payload"),
    (w.MissingEvent, "webhooks.delivered"),
    (w.NoRetry, "webhooks.retry"),
    (w.NewIdOnRetry, "webhooks.retry"),
    (w.DeliversAfterDelete, "webhooks.after_delete"),
    (w.RetriesAfterDelete, "webhooks.after_delete"),
]


def run_family(mutant: Mutant) -> RunReport:
    target = from_mock(Target(base_url="", api_key="", app=mutant))
    options = engine.RunOptions(apis=("v1",), profile=PROFILE, seed=1, checks=["webhooks"],
                                webhook_inbox=InboxSettings(wait=WAIT))
    try:
        return engine.execute(target, options)
    finally:
        if isinstance(mutant, RelayingMutant):
            mutant.close()


@pytest.mark.parametrize(("mutant", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_broken_sender_fails_the_check_guarding_its_promise(mutant: type[Mutant], expected: str) -> None:
    report = run_family(mutant())
    assert engine.exit_code(report) == engine.EXIT_FAILED
    assert report.failed_checks() == {expected}, [(r.check, r.message) for r in report.results if r.problems]
    failure = next(r for r in report.results if r.status is Status.FAILED)
    assert failure.problems[0].message and failure.problems[0].curl


@pytest.mark.parametrize("wrapper", [Mutant, RelayingMutant])
def test_the_unbroken_wrappers_pass_every_webhook_check(wrapper: type[Mutant]) -> None:
    """Control: neither the wrapper nor the relay breaks anything, so each failure above is its mutation's."""
    report = run_family(wrapper())
    assert report.failed == 0, [(r.check, r.message) for r in report.results if r.status is Status.FAILED]
    passed = {r.check for r in report.results if r.status is Status.PASSED}
    assert passed == CHECKS and engine.exit_code(report) == engine.EXIT_CONFORMANT


def test_at_least_six_webhook_mutants_cover_every_check_of_the_family() -> None:
    assert len(CASES) >= 6
    assert {expected for _, expected in CASES} == CHECKS
