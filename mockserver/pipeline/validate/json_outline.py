"""How deep and how many values a JSON body holds, read from its bytes before it is parsed.

Parsing is the costliest step a body can force: a million empty arrays take orjson most of a second, and
every later walk over the parsed value costs as much again. The outline (brackets and commas outside strings)
is read at the speed of ``bytes`` methods, so a body too deep or too large is refused for the price of a scan.
"""

from __future__ import annotations

import re

from mockserver.pipeline.errors import ApiError, bad_request

MAX_JSON_DEPTH = 64
MAX_JSON_VALUES = 100_000
"""A customer import of 500 rows holds about 20,000 values; the 5 MiB body limit allows 2.5 million."""

_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
"""A string, or what is left of the body after an opening quote: every attempt matches, none backtracks, so
an unterminated string costs one pass (a pattern that can fail would start again at each escaped quote)."""
_OPENING_AS_ONE = bytes.maketrans(b"{}", b"[]")
_NOT_OUTLINE = bytes(set(range(256)) - set(b"[]{},"))


def too_many_values() -> ApiError:
    return ApiError(413, f"Request body holds more than {MAX_JSON_VALUES:,} JSON values.")


def too_deep() -> ApiError:
    return bad_request(f"Request body is nested deeper than {MAX_JSON_DEPTH} levels.")


def check_outline(raw: bytes) -> None:
    """Raise 400 for nesting deeper than :data:`MAX_JSON_DEPTH`, 413 for more than :data:`MAX_JSON_VALUES`
    values (counted as containers plus separators); a malformed body is left for the parser to describe."""
    containers = raw.count(b"[") + raw.count(b"{")
    if containers <= MAX_JSON_DEPTH and containers + raw.count(b",") < MAX_JSON_VALUES:
        return  # these counts include the strings' content: they can only over-estimate
    outline = _STRING.sub(b"", raw).translate(_OPENING_AS_ONE, _NOT_OUTLINE)
    brackets = outline.replace(b",", b"")
    if b"[" * (MAX_JSON_DEPTH + 1) in brackets:  # the usual nesting bomb, found without counting levels
        raise too_deep()
    if outline.count(b"[") + outline.count(b",") >= MAX_JSON_VALUES:
        raise too_many_values()
    if deeper_than(brackets, MAX_JSON_DEPTH):
        raise too_deep()


def deeper_than(brackets: bytes, depth: int) -> bool:
    """Whether a sequence of ``[`` and ``]`` nests deeper than ``depth``: each pass removes the innermost
    pairs, one level (``replace`` does not look again at what it joined)."""
    for _ in range(depth):
        shallower = brackets.replace(b"[]", b"")
        if shallower == brackets:
            return False
        brackets = shallower
    return b"[]" in brackets
