"""The semver verdict: breaking needs major, additions minor, other edits patch; too small a bump fails."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from contract.findings import Bump, Check, Level
from contract.review.engine import ReviewSettings, review_document
from contract.review.semver import bump_between, parse_version, required_bump, verdict
from contract.review.waivers import Waiver

Document = dict[str, Any]

# (base version, head version, bump the changes need, passes?, bump given)
VERDICT_TABLE = [
    ("1.0.0", "2.0.0", Bump.MAJOR, True, Bump.MAJOR),
    ("1.4.2", "2.0.0", Bump.MAJOR, True, Bump.MAJOR),
    ("1.0.0", "1.1.0", Bump.MAJOR, False, Bump.MINOR),
    ("1.0.0", "1.0.1", Bump.MAJOR, False, Bump.PATCH),
    ("1.0.0", "1.0.0", Bump.MAJOR, False, Bump.NONE),
    ("1.0.0", "1.1.0", Bump.MINOR, True, Bump.MINOR),
    ("1.0.0", "2.0.0", Bump.MINOR, True, Bump.MAJOR),
    ("1.0.0", "1.0.1", Bump.MINOR, False, Bump.PATCH),
    ("1.0.0", "1.0.0", Bump.MINOR, False, Bump.NONE),
    ("1.0.0", "1.0.1", Bump.PATCH, True, Bump.PATCH),
    ("1.0.0", "1.1.0", Bump.PATCH, True, Bump.MINOR),
    ("1.0.0", "1.0.0", Bump.PATCH, False, Bump.NONE),
    ("1.0.0", "1.0.0", Bump.NONE, True, Bump.NONE),
    ("1.0.0", "1.0.3", Bump.NONE, True, Bump.PATCH),
    ("1.2.3", "1.2.2", Bump.NONE, False, None),  # went down
    ("2.0.0", "1.9.9", Bump.PATCH, False, None),
    ("1.0.0", "1.1", Bump.MINOR, False, None),  # not semver
    ("1.0.0", "1.1.0-rc.1", Bump.MINOR, True, Bump.MINOR),
    # Below 1.0.0 each requirement drops one place (minor acts as major).
    ("0.1.0", "0.2.0", Bump.MAJOR, True, Bump.MINOR),
    ("0.1.0", "0.1.1", Bump.MAJOR, False, Bump.PATCH),
    ("0.1.0", "0.1.1", Bump.MINOR, True, Bump.PATCH),
    ("0.1.0", "0.1.0", Bump.PATCH, False, Bump.NONE),
]


@pytest.mark.parametrize(("base", "head", "needed", "ok", "given"), VERDICT_TABLE)
def test_verdict_table(base: str, head: str, needed: Bump, ok: bool, given: Bump | None) -> None:
    result = verdict(base, head, needed)
    assert result.ok is ok
    assert result.given == given
    assert result.reason
    if not ok and given is not None:
        assert "needs a" in result.reason


def test_parse_version() -> None:
    assert parse_version("1.2.3") == parse_version("v1.2.3+build.7")
    assert str(parse_version("10.0.1")) == "10.0.1"
    assert parse_version("1.2") is None
    assert parse_version("latest") is None


def test_bump_between_orders_components() -> None:
    one = parse_version("1.9.9")
    two = parse_version("2.0.0")
    assert one is not None and two is not None
    assert bump_between(one, two) is Bump.MAJOR
    assert bump_between(two, one) is None


def test_required_bump_is_the_largest_asked_and_a_patch_for_any_edit() -> None:
    breaking = Check("x-breaking", Level.BREAKING).at("v1", "/", "m")
    addition = Check("x-added", Level.INFO).at("v1", "/", "m")
    warning = Check("x-warn", Level.WARNING).at("v1", "/", "m")
    assert required_bump([addition, breaking], document_changed=True) is Bump.MAJOR
    assert required_bump([addition], document_changed=True) is Bump.MINOR
    assert required_bump([warning], document_changed=True) is Bump.MINOR
    assert required_bump([], document_changed=True) is Bump.PATCH
    assert required_bump([], document_changed=False) is Bump.NONE


PINNED_BASE_VERSIONS = {"v1": "1.0.0", "internal": "0.1.0"}
"""The versions the tables below are written against, whatever the contract's own are."""


def _reviewed(base: Document, change: Any, version: str, name: str = "v1", strict: bool = False):
    base = {**base, "info": {**base["info"], "version": PINNED_BASE_VERSIONS[name]}}
    head = copy.deepcopy(base)
    change(head)
    head["info"]["version"] = version
    return review_document(name, base, head, [], ReviewSettings(strict_internal=strict))


def _remove_issue_title(document: Document) -> None:
    document["components"]["schemas"]["Issue"]["properties"].pop("title")


def _add_issue_field(document: Document) -> None:
    document["components"]["schemas"]["Issue"]["properties"]["reach"] = {"type": "integer"}


def _fix_description(document: Document) -> None:
    document["paths"]["/v1/issues"]["get"]["description"] = "Issues, newest first."


@pytest.mark.parametrize(
    ("change", "version", "needed", "fails"),
    [
        (_add_issue_field, "1.0.1", Bump.MINOR, True),
        (_add_issue_field, "1.1.0", Bump.MINOR, False),
        (_fix_description, "1.0.0", Bump.PATCH, True),
        (_fix_description, "1.0.1", Bump.PATCH, False),
        (lambda document: None, "1.0.0", Bump.NONE, False),
    ],
)
def test_v1_changes_need_the_matching_bump(
    v1_spec: Document, change: Any, version: str, needed: Bump, fails: bool
) -> None:
    reviewed = _reviewed(v1_spec, change, version)
    assert reviewed.verdict.required is needed
    assert reviewed.failed is fails


@pytest.mark.parametrize("version", ["1.0.1", "1.1.0", "2.0.0"])
def test_a_v1_breaking_change_fails_whatever_the_bump(v1_spec: Document, version: str) -> None:
    reviewed = _reviewed(v1_spec, _remove_issue_title, version)
    assert reviewed.failed
    assert "a version bump cannot make safe" in reviewed.problems[0] and "/v2" in reviewed.problems[0]


def test_a_waived_v1_breaking_change_needs_only_the_patch_its_edit_needs(v1_spec: Document) -> None:
    waiver = Waiver("response-required-property-removed", "/components/schemas/Issue/properties/title",
                    "Nobody reads it yet.")
    webhook = Waiver("hissuno-webhook-payload-field-removed", "/components/schemas/Issue/properties/title",
                     "Nobody reads it yet.")
    base = copy.deepcopy(v1_spec)
    base["info"]["version"] = "1.0.0"
    head = copy.deepcopy(base)
    _remove_issue_title(head)
    head["info"]["version"] = "1.0.1"
    reviewed = review_document("v1", base, head, [], ReviewSettings(waivers=(waiver, webhook)))
    assert not reviewed.failed, reviewed.problems
    assert reviewed.verdict.required is Bump.PATCH
    assert {item.finding.rule_id for item in reviewed.waived} == {waiver.rule, webhook.rule}
    assert not [finding for finding in reviewed.changes if finding.level is Level.BREAKING]


def test_an_expired_waiver_covers_nothing(v1_spec: Document) -> None:
    import datetime

    waiver = Waiver("response-required-property-removed", "/components/schemas/Issue/properties/title",
                    "Nobody reads it yet.", expires=datetime.date(2026, 1, 1))
    settings = ReviewSettings(waivers=(waiver,), today=datetime.date(2026, 1, 2))
    base = copy.deepcopy(v1_spec)
    head = copy.deepcopy(base)
    _remove_issue_title(head)
    reviewed = review_document("v1", base, head, [], settings)
    assert reviewed.failed and not reviewed.waived


def test_internal_breaking_change_is_reported_but_never_fails(internal_spec: Document) -> None:
    reviewed = _reviewed(internal_spec, _remove_issue_title, "0.1.0", name="internal")
    assert reviewed.count(Level.BREAKING) > 0
    assert not reviewed.verdict.ok
    assert not reviewed.failed


def test_internal_breaking_change_fails_with_strict_internal(internal_spec: Document) -> None:
    reviewed = _reviewed(internal_spec, _remove_issue_title, "1.0.0", name="internal", strict=True)
    assert reviewed.failed
    assert "--strict-internal" in reviewed.problems[0]
