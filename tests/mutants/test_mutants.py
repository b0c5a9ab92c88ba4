"""Every deliberately broken mock makes the suite fail (exit 1) and name the check guarding that promise."""

from __future__ import annotations

import pytest

from conformance import engine
from conformance.checks import FAMILIES
from conformance.profiles import Profile
from conformance.results import RunReport, Status
from conformance.target import Target, from_mock
from tests.mutants import mutants as m

# Small and deterministic: Schemathesis only replays the spec's examples; our checks run in full.
PROFILE = Profile("mutant", max_examples=3, phases=("examples",), stateful_steps=2, page_cap=5, retry_after=False)

CASES = [
    # (mutant, checks to run, the check that must fail, apis)
    (m.AcceptsMissingKey, ["auth"], "auth.missing_key", ("v1",)),
    (m.AcceptsRevokedKeys, ["auth"], "auth.revoked_key", ("v1",)),
    (m.ReadOnlyKeysWrite, ["auth"], "auth.read_only_write", ("v1",)),
    (m.IgnoresProjectInPath, ["auth"], "auth.other_project", ("internal",)),
    (m.MembersManageKeys, ["auth.owner_only"], "auth.owner_only", ("internal",)),
    (m.SessionCookieIgnored, ["auth.session_read"], "auth.session_read", ("internal",)),
    (m.AcceptsAnySessionCookie, ["auth.unknown_session"], "auth.unknown_session", ("internal",)),
    (m.KeyWinsOverTheCookie, ["auth.session_wins"], "auth.session_wins", ("internal",)),
    (m.SessionOnEveryProject, ["auth.session_other_project"], "auth.session_other_project", ("internal",)),
    (m.NoCrossSiteCheck, ["auth.cross_site_write"], "auth.cross_site_write", ("internal",)),
    (m.SessionOnV1, ["auth.session_not_on_v1"], "auth.session_not_on_v1", ("v1",)),
    (m.CreatedKeysDoNotWork, ["keys"], "keys.created_key_works", ("internal",)),
    (m.RevokedKeysLinger, ["keys"], "keys.revoked_key_refused", ("internal",)),
    (m.ListsShowTheKey, ["keys"], "keys.secret_never_listed", ("internal",)),
    (m.NoKeyCap, ["keys"], "keys.active_cap", ("internal",)),
    (m.LeaksByIdAcrossProjects, ["isolation"], "isolation.get_by_id", ("v1",)),
    (m.LeaksListsAcrossProjects, ["isolation"], "isolation.list", ("v1",)),
    (m.CreatesNotPersisted, ["state"], "state.read_after_create", ("v1",)),
    (m.CreateEchoesDefaults, ["state"], "state.create_echo", ("v1",)),
    (m.WritesNotStored, ["state"], "state.write_persists", ("v1",)),
    (m.DuplicateWebhookUrlsAccepted, ["state"], "state.conflict", ("v1",)),
    (m.SecondCodebaseIs422, ["state"], "state.conflict", ("internal",)),
    (m.HtmlErrors, ["envelope"], "envelope.error_body", ("v1",)),
    (m.ProblemJsonErrors, ["envelope"], "envelope.error_body", ("v1",)),
    (m.UnwrappedLists, ["envelope"], "envelope.list_shape", ("v1",)),
    (m.IgnoresOffset, ["envelope"], "envelope.pagination", ("v1",)),
    (m.AcceptsLimitZero, ["envelope"], "envelope.out_of_range", ("v1",)),
    (m.CreatedAs200, ["schemathesis"], "status_code_conformance", ("v1",)),
    (m.SchemaViolatingStatus, ["schemathesis"], "response_schema_conformance", ("v1",)),
    (m.DropsRetryAfter, ["ratelimit"], "ratelimit.too_many_requests", ("v1",)),
    (m.NoRateLimiting, ["ratelimit"], "ratelimit.window", ("v1",)),
    (m.RemainingNeverFalls, ["ratelimit"], "ratelimit.headers", ("v1",)),
]


def _run(mutant: m.Mutant, checks: list[str], apis: tuple[str, ...]) -> RunReport:
    target = from_mock(Target(base_url="", api_key="", app=mutant))
    return engine.execute(target, engine.RunOptions(apis=apis, profile=PROFILE, seed=1, checks=checks))


@pytest.mark.parametrize(("mutant", "checks", "expected", "apis"), CASES, ids=[c[0].__name__ for c in CASES])
def test_mutant_fails_the_suite_and_names_the_check(
    mutant: type[m.Mutant], checks: list[str], expected: str, apis: tuple[str, ...]
) -> None:
    report = _run(mutant(), checks, apis)
    assert engine.exit_code(report) == engine.EXIT_FAILED
    assert expected in report.failed_checks(), f"{mutant.__name__} failed only {sorted(report.failed_checks())}"
    failure = next(r for r in report.results if r.check == expected and r.status is Status.FAILED)
    assert failure.problems[0].message


def test_every_family_has_a_mutant() -> None:
    from tests.mutants.test_webhook_mutants import CASES as WEBHOOK_CASES

    expected = [case[2] for case in CASES] + [case[1] for case in WEBHOOK_CASES]
    families = {name.split(".")[0] if "." in name else "schemathesis" for name in expected}
    assert families == set(FAMILIES)
    assert len(CASES) >= 12


def test_every_check_of_the_session_and_keys_work_has_a_mutant() -> None:
    from conformance.checks import catalogue

    new = {name for name in catalogue() if name.startswith("keys.") or name.startswith("auth.session")}
    new |= {"auth.unknown_session", "auth.owner_only", "auth.cross_site_write"}
    assert new <= {expected for _, _, expected, _ in CASES}


@pytest.mark.parametrize("checks", [["auth"], ["keys"], ["isolation"], ["state"], ["envelope"], ["ratelimit"]])
def test_the_unbroken_wrapper_passes_the_same_checks(checks: list[str]) -> None:
    """Control: the wrapper itself breaks nothing, so each failure above comes from its mutation."""
    report = _run(m.Mutant(), checks, ("v1", "internal"))
    assert report.failed == 0, [(r.check, r.operation, r.message) for r in report.results if r.status is Status.FAILED]
    assert report.passed > 0


def test_broken_pagination_on_every_list_shows_in_every_list_operations_score() -> None:
    """The complaint that led to per-operation scores: a mock with broken pagination on every list read 97.2 %
    overall, because checks that could not apply counted as passes. They are not applicable now, and each list
    operation's own score shows the failure."""
    report = _run(m.IgnoresOffset(), ["envelope"], ("v1",))
    tallies = report.by_operation()
    lists = {operation for (_, operation), tally in tallies.items() if operation.startswith("GET") and tally.failed}
    assert lists == {"GET /v1/sessions", "GET /v1/issues", "GET /v1/customers", "GET /v1/knowledge-sources",
                     "GET /v1/webhooks"}  # fmt: skip
    assert all(tallies[("v1", operation)].score < 1 for operation in lists)
    on_creates = {
        r.status for r in report.results if r.check == "envelope.list_shape" and r.operation.startswith("POST")
    }
    assert on_creates == {Status.NOT_APPLICABLE}, "a list check on a create is not a pass"
    assert report.score == report.passed / report.tally.applicable < 0.9
