"""Rate-limit headers: clients pace themselves by them, so the set on each response and each header's
definition are part of the contract (``X-RateLimit-*``, ``RateLimit-Policy``, ``RateLimit``,
``Retry-After``)."""

from __future__ import annotations

from collections.abc import Iterator

from contract.conventions import RATE_LIMIT_HEADERS
from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair
from contract.review.compare import canonical, differences, summarize
from contract.review.rules.base import code, found, rule

RETRY_AFTER = "Retry-After"
_NAMES = frozenset(name.lower() for name in (*RATE_LIMIT_HEADERS, RETRY_AFTER))

RATE_LIMIT_HEADERS_CHANGED = Check("hissuno-rate-limit-headers-changed", Level.BREAKING)
RATE_LIMIT_HEADER_ADDED = Check("hissuno-rate-limit-header-added", Level.INFO)


def is_rate_limit_header(name: str) -> bool:
    return name.lower() in _NAMES


@rule(RATE_LIMIT_HEADERS_CHANGED, RATE_LIMIT_HEADER_ADDED)
def rate_limit_headers_changed(pair: DocumentPair) -> Iterator[Finding]:
    """A rate-limit header dropped from a response, or its definition (type, requiredness) changed."""
    for response in pair.responses:
        for header in pair.children(response, "headers"):
            if not is_rate_limit_header(header.key):
                continue
            name, status = code(header.key), response.key
            if header.removed:
                message = f"removed the rate-limit header {name} from the response {status}"
                yield found(RATE_LIMIT_HEADERS_CHANGED, pair, response.operation, header.pointer, message)
            elif header.added:
                message = f"added the rate-limit header {name} to the response {status}"
                yield found(RATE_LIMIT_HEADER_ADDED, pair, response.operation, header.pointer, message)
            elif header.base is not None and header.head is not None:
                changed = differences(canonical(pair.base, header.base), canonical(pair.head, header.head))
                if changed:
                    message = f"the rate-limit header {name} changed ({summarize(changed)})"
                    yield found(RATE_LIMIT_HEADERS_CHANGED, pair, response.operation, header.pointer, message)
