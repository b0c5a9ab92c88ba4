"""The known-divergences register (``--known-divergences FILE``): failures a team has accepted, for now.

A YAML file of entries, each naming a check id (or several), an operation (``operationId`` or ``METHOD /path``,
globs allowed, or several), a reason, and optionally an ``api``, a ``link``, an ``expires`` date and the
``profile`` (or profiles) whose runs can see it (a divergence only the full profile's coverage phase provokes
would otherwise be stale in every quick run)::

    divergences:
      - id: lists-keyed-by-resource
        check: [envelope.list_shape, response_schema_conformance]
        operation: list*
        api: internal
        reason: Lists are {"sessions": [...], "total": N}, not {data, total, limit, offset}.
        link: https://github.com/org/backend/issues/12
        expires: 2026-09-30

A failure an entry matches is *known*: reported, but it does not fail the run. The register cannot rot, the
way a strict xfail cannot: an entry whose checks ran and none of its matches failed is *stale*, and an entry
past its ``expires`` date is *expired*; either fails the run. An entry that names an unknown check, or whose
operation matches nothing in the contract, is an error before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from conformance.results import CheckResult, RegisterFinding, Status
from contract.yaml_reader import YamlError, read_yaml

FIELDS = frozenset({"id", "check", "operation", "api", "reason", "link", "expires", "profile"})


class RegisterError(Exception):
    """The register cannot be used as written (one line naming the file and the entry): exit code 2."""


@dataclass(frozen=True)
class Divergence:
    """One accepted difference between the server and the contract."""

    id: str
    checks: tuple[str, ...]
    operations: tuple[str, ...]
    reason: str
    api: str | None = None
    link: str = ""
    expires: date | None = None
    profiles: tuple[str, ...] = ()

    def matches(self, result: CheckResult) -> bool:
        if result.check not in self.checks or (self.api and result.api != self.api):
            return False
        names = (result.operation_id, result.operation)
        return any(fnmatchcase(name, glob) for glob in self.operations for name in names if name)

    def expired(self, today: date) -> bool:
        return self.expires is not None and self.expires < today


@dataclass(frozen=True)
class Register:
    path: str
    entries: tuple[Divergence, ...]
    today: date

    @classmethod
    def load(cls, path: Path, today: date | None = None, profile: str | None = None) -> Register:
        """The register at ``path``; with ``profile``, only the entries a run of that profile can see."""
        try:
            data = read_yaml(path)
        except OSError as error:
            raise RegisterError(f"cannot read the register {path}: {error.strerror or error}") from None
        except YamlError as error:
            raise RegisterError(str(error)) from None
        items = data.get("divergences") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise RegisterError(f"{path}: expected a mapping with a `divergences` list")
        entries = tuple(_entry(path, index, item) for index, item in enumerate(items, start=1))
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise RegisterError(f"{path}: two entries have the id {entry.id!r}")
            seen.add(entry.id)
        if profile is not None:
            entries = tuple(entry for entry in entries if not entry.profiles or profile in entry.profiles)
        return cls(str(path), entries, today or date.today())

    def validate(self, known_checks: Iterable[str], operations: Mapping[str, Iterable[tuple[str, str]]]) -> None:
        """Raise :class:`RegisterError` for an entry that can match no check: an unknown check id, an ``api``
        that is not checked, or operations that name nothing (``operations``: api -> (operationId, label))."""
        known = set(known_checks)
        for entry in self.entries:
            unknown = [check for check in entry.checks if check not in known]
            if unknown:
                raise RegisterError(f"{self.path}: entry {entry.id!r} names unknown checks {unknown}")
            apis = [entry.api] if entry.api else list(operations)
            if entry.api and entry.api not in operations:
                raise RegisterError(f"{self.path}: entry {entry.id!r} is for api {entry.api!r}, which is not checked")
            names = [name for api in apis for pair in operations[api] for name in pair]
            for glob in entry.operations:
                if not any(fnmatchcase(name, glob) for name in names):
                    raise RegisterError(f"{self.path}: entry {entry.id!r}: operation {glob!r} matches no operation")

    def match(self, result: CheckResult) -> Divergence | None:
        """The first entry that names the result (entries are read in file order)."""
        return next((entry for entry in self.entries if entry.matches(result)), None)

    def judge(self, result: CheckResult) -> CheckResult:
        """A failure a live entry accounts for becomes *known*, with the entry's reason; anything else stays."""
        if result.status is not Status.FAILED:
            return result
        entry = self.match(result)
        if entry is None or entry.expired(self.today):
            return result
        reason = f"known divergence {entry.id}: {entry.reason}"
        return replace(result, status=Status.KNOWN, reason=reason, divergence=entry.id)

    def findings(self, results: Iterable[CheckResult]) -> list[RegisterFinding]:
        """Expired entries, and stale ones: no failure is theirs any more, and their checks passed on what they
        name."""
        results = list(results)
        findings = []
        for entry in self.entries:
            if entry.expired(self.today):
                findings.append(RegisterFinding(entry.id, "expired", f"expired on {entry.expires}: {entry.reason}"))
                continue
            if any(r.divergence == entry.id for r in results):
                continue
            matched = [r for r in results if entry.matches(r)]
            passed = [r for r in matched if r.status is Status.PASSED]
            if passed:
                where = ", ".join(sorted({f"{r.check} on {r.operation}" for r in passed})[:3])
                findings.append(RegisterFinding(entry.id, "stale", f"stale: now passes ({where}); remove the entry"))
        return findings

    def unverified(self, results: Iterable[CheckResult]) -> list[str]:
        """Entries none of whose matches ran in this run (their checks were not selected, or were skipped)."""
        results = list(results)
        return [
            entry.id
            for entry in self.entries
            if not entry.expired(self.today)
            and not any(entry.matches(r) and r.status in (Status.PASSED, Status.FAILED, Status.KNOWN) for r in results)
        ]


def _entry(path: Path, index: int, item: Any) -> Divergence:
    where = f"{path}: entry {index}"
    if not isinstance(item, Mapping):
        raise RegisterError(f"{where} is not a mapping")
    extra = sorted(set(item) - FIELDS)
    if extra:
        raise RegisterError(f"{where} has unknown fields {extra} (known: {', '.join(sorted(FIELDS))})")
    checks, operations = _names(item.get("check")), _names(item.get("operation"))
    reason = item.get("reason")
    if not checks:
        raise RegisterError(f"{where} needs a `check` (a check id or a list of them)")
    if not operations:
        raise RegisterError(f"{where} needs an `operation` (an operationId, METHOD /path, or glob; or a list)")
    if not isinstance(reason, str) or not reason.strip():
        raise RegisterError(f"{where} needs a `reason`")
    expires = item.get("expires")
    if expires is not None and not isinstance(expires, date):
        try:
            expires = date.fromisoformat(str(expires))
        except ValueError:
            raise RegisterError(f"{where}: `expires` must be a date (YYYY-MM-DD), got {expires!r}") from None
    api = item.get("api")
    profiles = _names(item.get("profile"))
    if item.get("profile") is not None and not profiles:
        raise RegisterError(f"{where}: `profile` must be a profile name or a list of them")
    identifier = str(item.get("id") or f"{checks[0]} on {operations[0]}")
    return Divergence(
        identifier, checks, operations, " ".join(reason.split()), str(api) if api else None,
        str(item.get("link") or ""), expires, profiles,
    )  # fmt: skip


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    return ()
