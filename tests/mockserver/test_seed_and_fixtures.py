"""The fixture definition, the settings object, and data that looks like a real product-feedback tool."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mockserver.data.fixture import MAX_COUNT, FixtureError, load_fixture
from mockserver.data.seed import (
    MAX_LINKED_SESSIONS,
    Dice,
    Stamps,
    Weighted,
    build_dataset,
    priority_from_scores,
    priority_from_upvotes,
)
from mockserver.settings import Settings, SettingsError, default_fixtures, parse_rate_limits
from mockserver.stores.timestamps import format_timestamp


@pytest.fixture(scope="module")
def fixture():
    return load_fixture(default_fixtures())


@pytest.fixture(scope="module")
def dataset(fixture):
    return build_dataset(fixture, 42)


def test_default_fixture_has_three_plans_and_every_kind_of_key(fixture) -> None:
    assert {p.plan for p in fixture.projects} >= {"free", "pro", "enterprise"}
    assert fixture.plans == {"free": "60/minute", "pro": "300/minute", "enterprise": "1000/minute"}
    for project in fixture.projects:
        assert re.match(r"^proj_[a-z]+$", project.id)
        by_label = {k.label: k for k in project.keys}
        assert {k.permission for k in project.keys if k.status == "active"} == {"read-only", "standard", "full"}
        assert by_label["revoked"].status == "revoked" and by_label["expired"].status == "expired"
        assert by_label["rate-limit"].permission == "standard" and by_label["rate-limit"].status == "active"
        assert all(re.match(r"^hss_[a-z0-9]+$", k.key) for k in project.keys)


def test_default_fixture_has_an_owner_and_a_member_per_project_and_one_person_in_two(fixture) -> None:
    for project in fixture.projects:
        assert {m.role for m in project.members} == {"owner", "member"}
        assert all(m.project_id == project.id for m in project.members)
    projects_of = Counter(m.email for m in fixture.members)
    assert max(projects_of.values()) == 2, "one person belongs to two projects (a member elsewhere)"


def test_same_seed_same_dataset_other_seed_other_dataset(fixture, dataset) -> None:
    assert build_dataset(fixture, 42) == dataset
    assert build_dataset(fixture, 43) != dataset


def test_adding_a_project_does_not_change_the_others(fixture, dataset, tmp_path: Path) -> None:
    text = default_fixtures().read_text().replace("projects:\n", """projects:
  - id: proj_extra
    name: Extra Co
    domain: extra.io
    plan: free
    keys: [{key: hss_extra0000000000000000000000, permission: full, label: full}]
""", 1)
    path = tmp_path / "more.yaml"
    path.write_text(text)
    bigger = build_dataset(load_fixture(path), 42)
    assert {k: bigger[k] for k in dataset} == dataset


def test_sessions_are_realistic(dataset) -> None:
    for project in dataset.values():
        sessions = project["sessions"]
        sources = Counter(s["source"] for s in sessions)
        assert sources.most_common(1)[0][0] in ("widget", "slack")
        for s in sessions:
            assert re.match(r"^sess_[a-z0-9]+$", s["id"])
            assert s["message_count"] == len(s["messages"]) >= 1
            stamps = [s["created_at"], s["first_message_at"], s["last_activity_at"], s["updated_at"]]
            assert stamps == sorted(stamps), s["id"]
            assert s["created_at"] <= "2026-01-20T12:00:00Z" and s["updated_at"] <= "2026-01-20T12:00:00Z"
            assert (s["source"] == "gong") == (s["session_type"] == "meeting")
            senders = {m["sender"] for m in s["messages"]}
            assert "human_agent" not in senders or s["is_human_takeover"]
            assert s["messages"][0]["sender"] == "user"
            if s["pm_reviewed_at"]:
                assert s["status"] == "closed" and s["pm_reviewed_at"] >= s["last_activity_at"]
            if s["customer_id"]:
                customer = next(c for c in project["customers"] if c["id"] == s["customer_id"])
                assert customer["email"] == s["customer_email"]
            if s["page_url"]:
                assert s["page_url"].startswith("https://app.")
        tied = sum(1 for s in sessions if s["customer_id"]) / len(sessions)
        assert 0.4 <= tied <= 0.9


def test_issues_are_consistent_with_their_sessions(dataset) -> None:
    for project in dataset.values():
        sessions = {s["id"]: s for s in project["sessions"]}
        for issue in project["issues"]:
            assert issue["upvote_count"] >= max(1, len(issue["session_ids"]))
            for session_id in issue["session_ids"]:
                assert issue["id"] in sessions[session_id]["issue_ids"]
            if issue["priority_manual_override"]:
                continue
            if issue["impact_score"] is not None:
                expected = priority_from_scores(issue["impact_score"], issue["effort_score"], issue["velocity_score"])
            else:
                expected = priority_from_upvotes(issue["upvote_count"])
            assert issue["priority"] == expected
            assert issue["created_at"] <= issue["updated_at"]
        types = Counter(i["type"] for i in project["issues"])
        assert set(types) <= {"bug", "feature_request", "change_request"} and types["bug"] >= 1


def test_customers_work_at_their_company(dataset) -> None:
    for project in dataset.values():
        emails = [c["email"] for c in project["customers"]]
        assert len(emails) == len(set(emails))
        for customer in project["customers"]:
            assert customer["email"].endswith("@" + customer["company"]["domain"])
            assert customer["company_url"] == "https://" + customer["company"]["domain"]
        stages = Counter(c["company"]["stage"] for c in project["customers"])
        assert stages and set(stages) <= {"prospect", "onboarding", "active", "churned", "expansion"}


def test_knowledge_sources_look_like_a_project_setup(dataset) -> None:
    for project in dataset.values():
        sources = project["knowledge_sources"]
        assert 2 <= len(sources) <= 6
        assert sources[0]["type"] == "website" and sources[0]["url"].startswith("https://www.")
        for source in sources:
            assert (source["status"] == "failed") == (source["error_message"] is not None)
            assert (source["status"] == "completed") == (source["analyzed_at"] is not None)


def test_priority_formula() -> None:
    assert priority_from_scores(5, 1, 5) == "high"
    assert priority_from_scores(1, 5, 1) == "low"
    assert priority_from_scores(3, None, 3) == "medium"
    assert [priority_from_upvotes(n) for n in (1, 2, 3, 4, 5, 25)] == ["low", "low", "medium", "medium", "high", "high"]


# -- fixture files -------------------------------------------------------------------------------------

GOOD = default_fixtures().read_text()


@pytest.mark.parametrize(("text", "message"), [
    ("", "top level: expected a mapping"),
    ("projects: [1", "not valid YAML at line"),
    (GOOD.replace("plan: pro", "plan: gold"), "projects[0].plan: 'gold' is not one of free, pro, enterprise"),
    (GOOD.replace("permission: read-only", "permission: admin", 1), "projects[0].keys[0].permission"),
    (GOOD.replace("hss_qvt0akmt09f4s9g2cofgzjcngc99", "sk_live_1"), "does not match"),
    (GOOD.replace("hss_ivw74krcwb07bolzkrhcsuvrz8wj", "hss_qvt0akmt09f4s9g2cofgzjcngc99"), "duplicate key"),
    (GOOD.replace("free: 60/minute", "free: sixty"), "plans.free: 'sixty' is not a rate limit"),
    (GOOD.replace("sessions: 40", "sessions: -1"), "counts.sessions"),
    (GOOD.replace("anchor: \"2026-01-20T12:00:00Z\"", "anchor: soon"), "anchor"),
    (GOOD.replace("id: proj_lumen", "id: proj_northwind"), "duplicate project id"),
    (GOOD.replace("{email: member@northwind.io, role: member}", "{email: member@northwind.io, role: admin}"),
     "projects[0].members[1].role: 'admin' is not one of owner, member"),
    (GOOD.replace("email: member@northwind.io", "email: not-an-email"), "projects[0].members[1].email"),
    (GOOD.replace("email: member@northwind.io", "email: owner@northwind.io"),
     "projects[0].members: duplicate member email 'owner@northwind.io'"),
    (GOOD.replace("{email: owner@orbitalfreight.com, role: owner}", "{email: owner@orbitalfreight.com, role: member}"),
     "projects[2].members: a project with members needs at least one owner"),
    (GOOD.replace("""    members:
      - {email: owner@northwind.io, role: owner}
      - {email: member@northwind.io, role: member}
""", "    members: []\n"), "projects[0].members: expected a non-empty list"),
])
def test_bad_fixture_files_get_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "fixture.yaml"
    path.write_text(text)
    with pytest.raises(FixtureError) as error:
        load_fixture(path)
    assert message in str(error.value) and "\n" not in str(error.value) and str(path) in str(error.value)


def test_missing_fixture_file(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="fixture file not found"):
        load_fixture(tmp_path / "nope.yaml")


# -- settings ------------------------------------------------------------------------------------------


def test_settings_defaults() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port, settings.seed, settings.workers) == ("127.0.0.1", 4010, 42, 1)
    assert settings.fixtures_path == default_fixtures() and settings.rate_limits == {}
    assert (settings.rate_limit_storage, settings.state, settings.log_level) == ("memory://", "memory://", "warning")
    assert settings.validate_responses is False


def test_settings_from_environment_then_flags() -> None:
    environ = {"HISSUNO_MOCK_PORT": "5000", "HISSUNO_MOCK_SEED": "9", "HISSUNO_MOCK_RATE_LIMITS": "free=5/10seconds",
               "HISSUNO_MOCK_VALIDATE_RESPONSES": "yes", "HISSUNO_MOCK_LOG_LEVEL": "INFO"}
    settings = Settings.from_env(environ, seed=11, host=None)
    assert (settings.port, settings.seed, settings.host) == (5000, 11, "127.0.0.1")
    assert settings.rate_limits == {"free": "5/10seconds"} and settings.validate_responses is True
    assert settings.log_level == "info"


@pytest.mark.parametrize(("environ", "message"), [
    ({"HISSUNO_MOCK_PORT": "http"}, "port must be an integer"),
    ({"HISSUNO_MOCK_PORT": "70000"}, "port must be between"),
    ({"HISSUNO_MOCK_WORKERS": "0"}, "workers must be between"),
    ({"HISSUNO_MOCK_VALIDATE_RESPONSES": "sometimes"}, "true or false"),
    ({"HISSUNO_MOCK_LOG_LEVEL": "loud"}, "log level"),
    ({"HISSUNO_MOCK_RATE_LIMITS": "free"}, "PLAN=LIMIT"),
])
def test_bad_settings_name_the_setting(environ: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)


def test_parse_rate_limits_accepts_lists_and_strings() -> None:
    assert parse_rate_limits(["free=5/10seconds", "pro = 100/minute"]) == {"free": "5/10seconds", "pro": "100/minute"}
    assert parse_rate_limits("free=1/second,,enterprise=2/second") == {"free": "1/second", "enterprise": "2/second"}
    assert parse_rate_limits(["free=1/second,pro=2/second", "enterprise=3/second"]) == {
        "free": "1/second", "pro": "2/second", "enterprise": "3/second"}  # what Typer hands over from the variable


# -- scale ---------------------------------------------------------------------------------------------


def _with_sessions(fixture, sessions: int):
    first = dataclasses.replace(fixture.projects[0],
                                counts=dataclasses.replace(fixture.projects[0].counts, sessions=sessions))
    return dataclasses.replace(fixture, projects=(first,))


def test_a_big_project_links_each_issue_to_a_few_sessions(fixture) -> None:
    """The domain's upvotes are mostly 1-4 and at most about 25: thousands of sessions on one topic do not all
    become linked sessions of its issue (whose detail lists them)."""
    project = build_dataset(_with_sessions(fixture, 3000), 42)[fixture.projects[0].id]
    sessions = {s["id"]: s for s in project["sessions"]}
    assert len(sessions) == 3000 and all("topic" not in s for s in sessions.values())
    assert max(len(i["session_ids"]) for i in project["issues"]) == MAX_LINKED_SESSIONS
    for issue in project["issues"]:
        assert issue["upvote_count"] >= len(issue["session_ids"])
        assert all(issue["id"] in sessions[sid]["issue_ids"] for sid in issue["session_ids"])
    linked = sum(len(i["session_ids"]) for i in project["issues"])
    assert sum(len(s["issue_ids"]) for s in sessions.values()) == linked


def test_fixture_counts_go_up_to_a_million(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(GOOD.replace("sessions: 40", "sessions: 100000"))
    assert load_fixture(path).projects[0].counts.sessions == 100_000
    path.write_text(GOOD.replace("sessions: 40", f"sessions: {MAX_COUNT + 1}"))
    with pytest.raises(FixtureError, match="expected an integer from 0 to 1000000"):
        load_fixture(path)


def test_seeding_does_not_load_faker() -> None:
    """Faker costs 17 MiB and a fifth of a second at start-up; the seeder draws names from plain tuples."""
    code = ("import sys; from mockserver.data.fixture import load_fixture; from mockserver.settings import "
            "default_fixtures; from mockserver.data.seed import build_dataset; "
            "build_dataset(load_fixture(default_fixtures()), 42); "
            "print(any(m.startswith('faker') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


@pytest.mark.parametrize("seconds", [0, 59, 86_399, 86_400, 1_768_910_400, 1_768_910_400 + 45_296, 4_102_444_799])
def test_stamps_match_the_datetime_formatting(seconds: int) -> None:
    stamp = Stamps()
    expected = format_timestamp(datetime.fromtimestamp(seconds, UTC))
    assert stamp(seconds) == expected == datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stamp(seconds) == expected  # again, from the day's cached prefix


def test_dice_draws_cover_their_ranges() -> None:
    dice = Dice("x")
    assert {dice.between(2, 5) for _ in range(500)} == {2, 3, 4, 5}
    assert {dice.pick("abc") for _ in range(300)} == {"a", "b", "c"}
    table = Weighted(("rare", "common"), (1, 99))
    draws = Counter(dice.weighted(table) for _ in range(2000))
    assert set(draws) == {"rare", "common"} and draws["common"] > 15 * draws["rare"]
    assert Dice("s").between(0, 10**9) == Dice("s").between(0, 10**9)  # seeded: the same draws every run


def test_seeded_names_are_fakers_most_frequent_en_us_names() -> None:
    """The seeder draws from Faker's en_US person provider, taken once into ``mockserver.data.vocabulary`` (no
    hand-written names, and no 17 MiB import at start-up)."""
    from faker.providers.person.en_US import Provider

    from mockserver.data.vocabulary import FIRST_NAMES, LAST_NAMES

    for names, weighted in ((FIRST_NAMES, Provider.first_names), (LAST_NAMES, Provider.last_names)):
        assert len(names) == len(set(names)) == 200
        assert set(names) <= set(weighted)
