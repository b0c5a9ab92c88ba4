"""The error envelope ``{"error": "...", "details": [...]}``: every client parses it on every failure, so it
is compared once, as a whole, instead of once per operation and status."""

from __future__ import annotations

from collections.abc import Iterator

from contract.conventions import ERROR_SCHEMA_REF
from contract.findings import Check, Finding, Level
from contract.pointer import deref
from contract.review.align import DocumentPair
from contract.review.compare import canonical, differences, summarize
from contract.review.rules.base import code, found, rule

ERROR_SCHEMA_CHANGED = Check("hissuno-error-schema-changed", Level.BREAKING)
ERROR_SCHEMA_EXTENDED = Check("hissuno-error-schema-extended", Level.INFO)
_POINTER = ERROR_SCHEMA_REF[1:]


def is_error_status(status: str) -> bool:
    return status[:1] in "45" or status == "default"


def _shared_error(document: dict) -> object:
    node, _ = deref(document, {"$ref": ERROR_SCHEMA_REF}, _POINTER)
    return canonical(document, node) if node else None


@rule(ERROR_SCHEMA_CHANGED, ERROR_SCHEMA_EXTENDED)
def error_schema_changed(pair: DocumentPair) -> Iterator[Finding]:
    """The shared ``Error`` schema changed (only additions are compatible), or an error response stopped
    using it."""
    before, after = _shared_error(pair.base), _shared_error(pair.head)
    if before is not None:
        changed = differences(before, after or {})
        if changed:
            check = ERROR_SCHEMA_EXTENDED if all(how == "added" for _, how in changed) else ERROR_SCHEMA_CHANGED
            yield found(check, pair, None, _POINTER, f"the shared error schema changed ({summarize(changed)})")
    for response in pair.responses:
        if not is_error_status(response.key):
            continue
        for media in pair.children(response, "content"):
            if media.base is None or media.head is None:
                continue
            was = (media.base.get("schema") or {}).get("$ref")
            now = (media.head.get("schema") or {}).get("$ref")
            inlined_alike = canonical(pair.head, media.head.get("schema")) == before  # a served, inlined copy
            if was == ERROR_SCHEMA_REF and now != ERROR_SCHEMA_REF and not inlined_alike:
                message = f"the response {response.key} no longer uses the shared error schema {code(ERROR_SCHEMA_REF)}"
                yield found(ERROR_SCHEMA_CHANGED, pair, response.operation, media.head_pointer, message)
