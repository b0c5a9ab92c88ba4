"""Waivers: findings accepted on purpose, each with its reason, in ``.hissuno-review-ignore.yaml``.

oasdiff reads such lists from ``--err-ignore``/``--warn-ignore`` text files; ours is YAML, so each waiver says
exactly what it covers and why::

    waivers:
      - rule: request-parameter-min-items-set          # the finding's rule id
        location: /components/parameters/SessionTagsFilter/schema   # its JSON pointer or "GET /v1/sessions";
                                                       # * matches any characters
        api: v1                                        # optional: only in this API's document
        reason: An empty tags= never matched anything; the mock already refused it.
        version: 1.1.0                                 # optional: the API version that shipped the change
        expires: 2027-06-30                            # optional: after this day it no longer applies

A waived finding is reported but counts for nothing. A waiver with a ``version`` is in force only in reviews
that cross that version (base below it, head at or above it): the record of an accepted change stays without
covering anything later. A waiver past its date, or one in force that matched nothing, is a finding itself (a
warning), so the list does not rot.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contract.findings import Check, Finding, Level
from contract.review.model import ReviewInputError
from contract.review.semver import Version, parse_version
from contract.source import read_source

DEFAULT_FILE = ".hissuno-review-ignore.yaml"
WAIVER_EXPIRED = Check("hissuno-waiver-expired", Level.WARNING)
WAIVER_UNUSED = Check("hissuno-waiver-unused", Level.WARNING)
_FIELDS = {"rule", "location", "reason", "expires", "api", "version"}


@dataclass(frozen=True)
class Waiver:
    rule: str
    location: str
    reason: str
    expires: datetime.date | None = None
    api: str | None = None
    version: Version | None = None  # the version of the ``api`` document that shipped the change
    line: int = 0  # where it is written, for the findings about it

    def in_force(self, document: str, base_version: object, head_version: object) -> bool:
        """Whether the waiver applies to a review of ``document`` between those versions."""
        if self.api not in (None, document):
            return False
        if self.version is None:
            return True
        base, head = parse_version(base_version), parse_version(head_version)
        return base is not None and head is not None and base < self.version <= head

    def covers(self, finding: Finding) -> bool:
        places = [place for place in (finding.pointer, finding.operation) if place is not None]
        return (finding.rule_id == self.rule and self.api in (None, finding.document)
                and any(fnmatch.fnmatchcase(place, self.location) for place in places))

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today

    def describe(self) -> str:
        return f"{self.rule} at {self.location}" + (f" ({self.api} {self.version or ''})".replace(" )", ")")
                                                     if self.api else "")


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    """The waivers in ``path``; a malformed file is a :class:`ReviewInputError` naming the line."""
    try:
        source = read_source(path, str(path))
    except OSError as error:
        raise ReviewInputError(f"{path}: cannot read it ({error.strerror or error})") from None
    if source.problems and source.problems[0].rule_id != "document-empty":
        problem = source.problems[0]
        raise ReviewInputError(f"{path}:{problem.line}: {problem.message}")
    entries = source.data.get("waivers", []) if isinstance(source.data, dict) else []
    if not isinstance(entries, list):
        raise ReviewInputError(f"{path}: `waivers` must be a list")
    lines = _entry_lines(source.root)
    return tuple(_waiver(entry, path, lines[index] if index < len(lines) else 0)
                 for index, entry in enumerate(entries))


def _entry_lines(root: Any) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "waivers" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _waiver(entry: Any, path: Path, line: int) -> Waiver:
    where = f"{path}:{line}"
    if not isinstance(entry, dict):
        raise ReviewInputError(f"{where}: a waiver is a mapping of {', '.join(sorted(_FIELDS))}")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ReviewInputError(f"{where}: unknown waiver field {sorted(unknown)[0]!r}")
    for required in ("rule", "location", "reason"):
        if not isinstance(entry.get(required), str) or not entry[required].strip():
            raise ReviewInputError(f"{where}: a waiver needs a `{required}`" + (
                " saying why the change is accepted" if required == "reason" else ""))
    expires = _date(entry.get("expires"), where)
    api = entry.get("api")
    if api is not None and not isinstance(api, str):
        raise ReviewInputError(f"{where}: `api` must be v1 or internal")
    version = parse_version(entry["version"]) if "version" in entry else None
    if "version" in entry and (version is None or api is None):
        raise ReviewInputError(f"{where}: `version` must be a version (1.2.0) of the document `api` names")
    return Waiver(entry["rule"], entry["location"], entry["reason"].strip(), expires, api, version, line)


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ReviewInputError(f"{where}: `expires` must be a date (YYYY-MM-DD), not {value!r}") from None


@dataclass(frozen=True)
class Waived:
    """A finding and the waiver that covers it."""

    finding: Finding
    waiver: Waiver


def split_waived(findings: Iterable[Finding], waivers: Iterable[Waiver], today: datetime.date
                 ) -> tuple[list[Finding], list[Waived]]:
    """``(findings that still count, waived findings)`` for the waivers in force; expired ones cover nothing."""
    active = [waiver for waiver in waivers if not waiver.expired(today)]
    counting, waived = [], []
    for finding in findings:
        waiver = next((waiver for waiver in active if waiver.covers(finding)), None)
        if waiver is None:
            counting.append(finding)
        else:
            waived.append(Waived(finding, waiver))
    return counting, waived


def waiver_findings(waivers: Iterable[Waiver], used: set[Waiver], today: datetime.date, file: str) -> list[Finding]:
    """For the waivers in force: a warning for each past its date, and for each that covered nothing."""
    found = []
    for waiver in waivers:
        if waiver.expired(today):
            message = f"the waiver of {waiver.describe()} expired on {waiver.expires}; the finding counts again"
            found.append(_at(WAIVER_EXPIRED, waiver, message, file))
        elif waiver not in used:
            message = f"the waiver of {waiver.describe()} covers nothing in this review; remove it"
            found.append(_at(WAIVER_UNUSED, waiver, message, file))
    return found


def _at(check: Check, waiver: Waiver, message: str, file: str) -> Finding:
    finding = check.at(waiver.api or "waivers", waiver.location, message)
    return Finding(finding.rule_id, finding.level, finding.document, finding.pointer, finding.message,
                   bump=finding.bump, file=file, line=waiver.line or None)
