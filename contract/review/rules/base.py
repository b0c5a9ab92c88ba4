"""What a breaking-change rule is: one small function over a :class:`DocumentPair` and the checks it emits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from contract.findings import Bump, Check, Finding, Level
from contract.registry import Registry
from contract.review.align import DocumentPair, OperationPair, SchemaPair

RuleFunction = Callable[[DocumentPair], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A breaking-change rule: its function, and the checks (rule id and level) it may emit, the first being
    the change it exists to catch. The function's docstring says why the change matters to clients."""

    compare: RuleFunction
    emits: tuple[Check, ...]

    @property
    def name(self) -> str:
        return self.compare.__name__

    @property
    def family(self) -> str:
        """The module that holds the rule (``paths``, ``enums``...): what it looks at."""
        return self.compare.__module__.rpartition(".")[2]

    def __call__(self, pair: DocumentPair) -> list[Finding]:
        return list(self.compare(pair))


DECLARED: Registry[Rule] = Registry("review rule")


def rule(*emits: Check) -> Callable[[RuleFunction], Rule]:
    """Declare a breaking-change rule with the checks it may emit (see :class:`Rule`)."""

    def register(compare: RuleFunction) -> Rule:
        return DECLARED.add(Rule(compare, emits))

    return register


def found(
    check: Check,
    pair: DocumentPair,
    operation: OperationPair | None,
    pointer: str,
    message: str,
    context: str = "",
) -> Finding:
    """A finding of ``check`` in ``pair``'s document, seen through ``operation`` when there is one.

    ``message`` says what changed and should read the same from every operation that sees the change
    (so reports can fold them); ``context`` says where in this operation it was seen.
    """
    if operation is None:
        return check.at(pair.name, pointer, message, context=context)
    return check.at(pair.name, pointer, message, method=operation.method, path=operation.path, context=context)


def on_schema(check: Check, pair: DocumentPair, schema: SchemaPair, message: str, pointer: str = "") -> Finding:
    """A finding about one schema node, with its place in the operation as context."""
    return found(check, pair, schema.operation, pointer or schema.pointer, message, context(schema))


def code(value: object) -> str:
    """A value as inline Markdown code."""
    return f"`{value}`"


def subject(pair: SchemaPair) -> str:
    """The oasdiff noun for where a schema node sits: ``request-parameter``, ``request-property``,
    ``request-body``, ``response-property`` or ``response-body``."""
    if pair.origin == "parameter":
        return "request-parameter"
    side = "response" if pair.origin == "response" else "request"
    return f"{side}-{'body' if pair.kind == 'root' else 'property'}"


def describe(pair: SchemaPair) -> str:
    """The node by its own name: ``the query parameter `status```, ``the request body``, ```status```,
    ``the items of `events```. Where it sits in the operation goes in :func:`context`."""
    if not pair.property:
        return f"the {pair.where}"
    parts = pair.property.split("/")
    if parts[-1] in ("items", "additionalProperties") and len(parts) > 1:
        return f"the {parts[-1]} of {code(parts[-2])}"
    return code(parts[-1])


def context(pair: SchemaPair) -> str:
    """``response 200: `data/items/status``` (the body and path the node was reached through)."""
    return f"{pair.where}: {code(pair.property)}" if pair.property else pair.where


def schema_pairs(pair: DocumentPair, *origins: str) -> list[SchemaPair]:
    """The aligned schema nodes of the given origins (``request`` includes parameters)."""
    wanted = set(origins)
    if "request" in wanted:
        wanted.add("parameter")
    return [schema for schema in pair.schemas if schema.origin in wanted]


def checks(subjects: tuple[str, ...], suffix: str, level: Level, bump: Bump | None = None) -> dict[str, Check]:
    """One check per subject: ``{subject: Check(f"{subject}-{suffix}")}``."""
    return {name: Check(f"{name}-{suffix}", level, bump) for name in subjects}


REQUEST_SUBJECTS = ("request-parameter", "request-property", "request-body")
RESPONSE_SUBJECTS = ("response-property", "response-body")
