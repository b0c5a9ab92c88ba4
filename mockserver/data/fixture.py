"""The fixture definition (``fixtures/default.yaml``): projects, plans, keys, members and resource counts.

Loading is strict and every problem is reported as one line naming the file and the field, because a typo
in a fixture file should stop ``hissuno-mock serve`` with a clear message, not with a traceback later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import limits
import yaml

PERMISSIONS = ("read-only", "standard", "full")
KEY_STATUSES = ("active", "revoked", "expired")
ROLES = ("owner", "member")
RESOURCE_COUNTS = ("sessions", "issues", "customers", "companies", "knowledge_sources")
# A guard against a typo, not a performance limit: ten times the 100,000-session scale benchmark (a seeded
# session holds about 4.5 kB, so a million of one kind is a few GB and a minute of seeding), while an extra
# zero or three beyond it would exhaust the machine's memory before the mock could answer.
MAX_COUNT = 1_000_000
_KEY_PATTERN = re.compile(r"^hss_[a-z0-9]+$")
_PROJECT_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster
_HOSTNAME_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL_PATTERN = re.compile(r"^(?=.{3,254}$)[a-z0-9._+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class FixtureError(ValueError):
    """The fixture file cannot be used; ``str()`` is a one-line explanation."""


@dataclass(frozen=True)
class KeyFixture:
    key: str
    project_id: str
    plan: str
    permission: str
    status: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "project_id": self.project_id, "plan": self.plan,
                "permission": self.permission, "status": self.status, "label": self.label}


@dataclass(frozen=True)
class MemberFixture:
    """A person who signs in to the dashboard (``POST /__mock/session``) and their role in one project."""

    email: str
    project_id: str
    role: str

    def as_dict(self) -> dict[str, str]:
        return {"email": self.email, "project_id": self.project_id, "role": self.role}


@dataclass(frozen=True)
class Counts:
    sessions: int
    issues: int
    customers: int
    companies: int
    knowledge_sources: int


@dataclass(frozen=True)
class ProjectFixture:
    id: str
    name: str
    domain: str
    plan: str
    counts: Counts
    keys: tuple[KeyFixture, ...]
    members: tuple[MemberFixture, ...] = ()


@dataclass(frozen=True)
class Fixture:
    path: Path
    anchor: datetime
    plans: dict[str, str]
    projects: tuple[ProjectFixture, ...]

    @property
    def keys(self) -> tuple[KeyFixture, ...]:
        return tuple(key for project in self.projects for key in project.keys)

    @property
    def members(self) -> tuple[MemberFixture, ...]:
        return tuple(member for project in self.projects for member in project.members)


def load_fixture(path: Path) -> Fixture:
    """Read and check a fixture file; raise :class:`FixtureError` with a one-line message on any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FixtureError(f"{path}: fixture file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise FixtureError(f"{path}: cannot read the fixture file ({error})") from None
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise FixtureError(f"{path}: not valid YAML{where}: {problem}") from None
    return _Reader(Path(path)).fixture(data)


class _Reader:
    """Turns the parsed YAML into dataclasses, naming the offending field in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> FixtureError:
        return FixtureError(f"{self.path}: {where}: {message}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "expected a mapping")
        return value

    def string(self, value: Any, where: str, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "expected a non-empty string")
        if pattern is not None and not pattern.match(value):
            raise self.fail(where, f"{value!r} does not match {pattern.pattern}")
        return value

    def choice(self, value: Any, where: str, choices: tuple[str, ...] | list[str]) -> str:
        if value not in choices:
            raise self.fail(where, f"{value!r} is not one of {', '.join(choices)}")
        return str(value)

    def fixture(self, data: Any) -> Fixture:
        root = self.mapping(data, "top level")
        if root.get("version", 1) != 1:
            raise self.fail("version", f"unsupported version {root.get('version')!r} (expected 1)")
        plans = self.plans(root.get("plans"))
        defaults = self.counts(root.get("counts", {}), "counts", None)
        projects_data = root.get("projects")
        if not isinstance(projects_data, list) or not projects_data:
            raise self.fail("projects", "expected a non-empty list")
        projects = tuple(
            self.project(item, f"projects[{index}]", plans, defaults) for index, item in enumerate(projects_data)
        )
        self.unique([p.id for p in projects], "projects", "project id")
        self.unique([k.key for p in projects for k in p.keys], "projects", "key")
        return Fixture(self.path, self.anchor(root.get("anchor")), plans, projects)

    def anchor(self, value: Any) -> datetime:
        text = value.isoformat() if isinstance(value, datetime) else value
        if not isinstance(text, str):
            raise self.fail("anchor", "expected an RFC 3339 date-time such as 2026-01-20T12:00:00Z")
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail("anchor", f"{text!r} is not an RFC 3339 date-time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(microsecond=0)

    def plans(self, value: Any) -> dict[str, str]:
        plans = self.mapping(value, "plans")
        if not plans:
            raise self.fail("plans", "expected at least one plan")
        result: dict[str, str] = {}
        for name, limit in plans.items():
            result[self.string(name, "plans")] = check_limit(limit, lambda m, n=name: self.fail(f"plans.{n}", m))
        return result

    def counts(self, value: Any, where: str, defaults: Counts | None) -> Counts:
        data = self.mapping(value, where)
        unknown = set(data) - set(RESOURCE_COUNTS)
        if unknown:
            raise self.fail(where, f"unknown resource {sorted(unknown)[0]!r} (known: {', '.join(RESOURCE_COUNTS)})")
        numbers: dict[str, int] = {}
        for name in RESOURCE_COUNTS:
            fallback = getattr(defaults, name) if defaults else {"companies": 1}.get(name, 0)
            number = data.get(name, fallback)
            if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= MAX_COUNT:
                raise self.fail(f"{where}.{name}", f"expected an integer from 0 to {MAX_COUNT}, not {number!r}")
            numbers[name] = number
        if numbers["customers"] and not numbers["companies"]:
            raise self.fail(f"{where}.companies", "customers need at least one company")
        return Counts(**numbers)

    def project(self, value: Any, where: str, plans: dict[str, str], defaults: Counts) -> ProjectFixture:
        data = self.mapping(value, where)
        project_id = self.string(data.get("id"), f"{where}.id", _PROJECT_PATTERN)
        plan = self.choice(data.get("plan"), f"{where}.plan", list(plans))
        keys_data = data.get("keys")
        if not isinstance(keys_data, list) or not keys_data:
            raise self.fail(f"{where}.keys", "expected a non-empty list")
        keys = tuple(
            self.key(item, f"{where}.keys[{index}]", project_id, plan) for index, item in enumerate(keys_data)
        )
        return ProjectFixture(
            id=project_id,
            name=self.string(data.get("name"), f"{where}.name"),
            domain=self.string(data.get("domain"), f"{where}.domain", _HOSTNAME_PATTERN),
            plan=plan,
            counts=self.counts(data.get("counts", {}), f"{where}.counts", defaults),
            keys=keys,
            members=self.members(data.get("members"), f"{where}.members", project_id),
        )

    def members(self, value: Any, where: str, project_id: str) -> tuple[MemberFixture, ...]:
        """A project's members: optional, but a project that has some has an owner (as the real backend
        keeps one: the last owner cannot be removed), and lists each email once."""
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            raise self.fail(where, "expected a non-empty list of {email, role}")
        members = []
        for index, item in enumerate(value):
            data = self.mapping(item, f"{where}[{index}]")
            email = self.string(data.get("email"), f"{where}[{index}].email", _EMAIL_PATTERN)
            role = self.choice(data.get("role"), f"{where}[{index}].role", ROLES)
            members.append(MemberFixture(email, project_id, role))
        self.unique([m.email for m in members], where, "member email")
        if not any(m.role == "owner" for m in members):
            raise self.fail(where, "a project with members needs at least one owner")
        return tuple(members)

    def key(self, value: Any, where: str, project_id: str, plan: str) -> KeyFixture:
        data = self.mapping(value, where)
        return KeyFixture(
            key=self.string(data.get("key"), f"{where}.key", _KEY_PATTERN),
            project_id=project_id,
            plan=plan,
            permission=self.choice(data.get("permission"), f"{where}.permission", PERMISSIONS),
            status=self.choice(data.get("status", "active"), f"{where}.status", KEY_STATUSES),
            label=self.string(data.get("label"), f"{where}.label"),
        )

    def unique(self, values: list[str], where: str, what: str) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise self.fail(where, f"duplicate {what} {value!r}")
            seen.add(value)


def check_limit(value: Any, fail: Any) -> str:
    """Return ``value`` if it is a `limits` notation such as ``60/minute``; else raise ``fail(message)``."""
    if not isinstance(value, str):
        raise fail(f"expected a rate limit such as 60/minute, not {value!r}")
    try:
        items = limits.parse_many(value)
    except ValueError:
        raise fail(f"{value!r} is not a rate limit (examples: 60/minute, 5/10seconds)") from None
    if len(items) != 1:
        raise fail(f"{value!r}: give exactly one limit per plan")
    return value
