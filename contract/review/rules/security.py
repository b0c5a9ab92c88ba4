"""Security: who may call an operation, and how the schemes are defined."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contract.findings import Check, Finding, Level
from contract.pointer import join
from contract.review.align import DocumentPair
from contract.review.rules.base import code, found, rule

SECURITY_REMOVED = Check("api-security-removed", Level.BREAKING)
SECURITY_ADDED = Check("api-security-added", Level.INFO)
SCHEME_CHANGED = Check("api-security-component-type-changed", Level.BREAKING)
SCHEME_REMOVED = Check("api-security-component-removed", Level.BREAKING)
_SCHEME_FIELDS = ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl")

Requirement = frozenset[tuple[str, tuple[str, ...]]]


def _requirements(document: dict[str, Any], operation: dict[str, Any]) -> set[Requirement]:
    """The accepted ways to authenticate; an empty requirement means anonymous calls are allowed."""
    declared = operation.get("security", document.get("security"))
    if not declared:
        return {frozenset()}
    return {frozenset((name, tuple(sorted(scopes or []))) for name, scopes in item.items()) for item in declared}


def _show(requirement: Requirement) -> str:
    if not requirement:
        return "anonymous access"
    return " + ".join(
        code(name) + (f" ({', '.join(scopes)})" if scopes else "") for name, scopes in sorted(requirement)
    )


@rule(SECURITY_REMOVED, SECURITY_ADDED)
def security_requirements(pair: DocumentPair) -> Iterator[Finding]:
    """Each security requirement is one way in; removing one locks out the clients that use it (going from
    no security to a scheme removes anonymous access). Adding a way in is an addition."""
    for operation in pair.matched_operations:
        before = _requirements(pair.base, operation.base or {})
        after = _requirements(pair.head, operation.head or {})
        where = join(operation.head_pointer, "security")
        for requirement in sorted(before - after, key=_show):
            yield found(
                SECURITY_REMOVED, pair, operation, where, f"removed {_show(requirement)} from the operation's security"
            )
        for requirement in sorted(after - before, key=_show):
            yield found(
                SECURITY_ADDED, pair, operation, where, f"added {_show(requirement)} to the operation's security"
            )


@rule(SCHEME_CHANGED, SCHEME_REMOVED)
def security_schemes(pair: DocumentPair) -> Iterator[Finding]:
    """A scheme that changes how credentials travel (``http``/``bearer``, the header name) breaks every client."""
    base = pair.base.get("components", {}).get("securitySchemes", {})
    head = pair.head.get("components", {}).get("securitySchemes", {})
    for name, scheme in base.items():
        pointer = join("", "components", "securitySchemes", name)
        if name not in head:
            yield found(
                SCHEME_REMOVED, pair, None, "/components/securitySchemes", f"removed the security scheme {code(name)}"
            )
            continue
        changed = [field for field in _SCHEME_FIELDS if scheme.get(field) != head[name].get(field)]
        if changed:
            detail = ", ".join(f"{field} {scheme.get(field)!r} → {head[name].get(field)!r}" for field in changed)
            yield found(SCHEME_CHANGED, pair, None, pointer, f"the security scheme {code(name)} changed: {detail}")
