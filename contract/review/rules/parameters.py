"""Request parameters: removed, added, made required."""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair, NodePair
from contract.review.rules.base import found, rule

PARAMETER_REMOVED = Check("request-parameter-removed", Level.BREAKING)
REQUIRED_PARAMETER_ADDED = Check("new-required-request-parameter", Level.BREAKING)
OPTIONAL_PARAMETER_ADDED = Check("new-optional-request-parameter", Level.INFO)
PARAMETER_BECAME_REQUIRED = Check("request-parameter-became-required", Level.BREAKING)
PARAMETER_BECAME_OPTIONAL = Check("request-parameter-became-optional", Level.INFO)


def describe(parameter: NodePair) -> str:
    """``query parameter `status``` for a parameter pair."""
    node = parameter.head or parameter.base or {}
    return f"{node.get('in', '?')} parameter `{node.get('name', parameter.key)}`"


def _required(node: dict | None) -> bool:
    return bool(node and (node.get("required") or node.get("in") == "path"))


@rule(PARAMETER_REMOVED)
def removed_parameters(pair: DocumentPair) -> Iterator[Finding]:
    """Clients still send it; a server that validates strictly now answers 400 (breaking: docs/decisions.md)."""
    for parameter in pair.parameters:
        if parameter.removed:
            yield found(
                PARAMETER_REMOVED, pair, parameter.operation, parameter.pointer, f"removed the {describe(parameter)}"
            )


@rule(REQUIRED_PARAMETER_ADDED, OPTIONAL_PARAMETER_ADDED)
def added_parameters(pair: DocumentPair) -> Iterator[Finding]:
    """A new required parameter breaks every existing call; a new optional one is an addition."""
    for parameter in pair.parameters:
        if parameter.added:
            required = _required(parameter.head)
            check = REQUIRED_PARAMETER_ADDED if required else OPTIONAL_PARAMETER_ADDED
            message = f"added the new {'required' if required else 'optional'} {describe(parameter)}"
            yield found(check, pair, parameter.operation, parameter.pointer, message)


@rule(PARAMETER_BECAME_REQUIRED, PARAMETER_BECAME_OPTIONAL)
def parameter_requiredness(pair: DocumentPair) -> Iterator[Finding]:
    """An optional parameter made required breaks the calls that leave it out."""
    for parameter in pair.parameters:
        if parameter.base is None or parameter.head is None:
            continue
        before, after = _required(parameter.base), _required(parameter.head)
        if before == after:
            continue
        check = PARAMETER_BECAME_REQUIRED if after else PARAMETER_BECAME_OPTIONAL
        message = f"the {describe(parameter)} became {'required' if after else 'optional'}"
        yield found(check, pair, parameter.operation, parameter.pointer, message)
