"""The semantic-versioning verdict: did ``info.version`` move enough for what changed?

Breaking changes need a major bump, additions a minor one, any other change to the document (a fixed
description, a new example) a patch; below 1.0.0 each requirement drops one place (docs/decisions.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from contract.findings import Bump, Finding
from contract.review.model import SemverVerdict

_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def parse_version(text: object) -> Version | None:
    """``1.2.3`` (a ``v`` prefix, pre-release and build suffixes tolerated) or None when it is not semver."""
    match = _SEMVER.match(str(text).strip())
    if match is None:
        return None
    return Version(*(int(part) for part in match.groups()))


def bump_between(base: Version, head: Version) -> Bump | None:
    """The increment from ``base`` to ``head``; None when the version went down."""
    if head < base:
        return None
    if head.major > base.major:
        return Bump.MAJOR
    if head.minor > base.minor:
        return Bump.MINOR
    if head.patch > base.patch:
        return Bump.PATCH
    return Bump.NONE


def required_bump(changes: Iterable[Finding], document_changed: bool) -> Bump:
    """The bump a set of changes needs: the largest any finding asks for, at least a patch for any edit."""
    needed = max((finding.bump for finding in changes), default=Bump.NONE)
    if document_changed:
        needed = max(needed, Bump.PATCH)
    return needed


def _effective(required: Bump, base: Version) -> Bump:
    """Below 1.0.0 every requirement drops one place (minor acts as major)."""
    if base.major == 0 and required > Bump.PATCH:
        return Bump(required - 1)
    return required


def verdict(base_version: object, head_version: object, required: Bump) -> SemverVerdict:
    """Judge the version change from base to head against the bump the changes need."""
    base_text, head_text = str(base_version), str(head_version)
    base, head = parse_version(base_text), parse_version(head_text)
    if base is None or head is None:
        bad = head_text if head is None else base_text
        return SemverVerdict(base_text, head_text, required, None, False, f"info.version {bad!r} is not semver")
    given = bump_between(base, head)
    if given is None:
        return SemverVerdict(
            base_text, head_text, required, None, False, f"info.version went down from {base} to {head}"
        )
    needed = _effective(required, base)
    if given >= needed:
        reason = f"{base} → {head} is a {given.label} bump" if given else f"version unchanged at {head}"
        if needed:
            reason += f"; {needed.label} needed"
        return SemverVerdict(base_text, head_text, needed, given, True, reason)
    shown = "no bump" if given is Bump.NONE else f"a {given.label} bump"
    reason = f"needs a {needed.label} version bump; {base} → {head} is {shown}"
    return SemverVerdict(base_text, head_text, needed, given, False, reason)
