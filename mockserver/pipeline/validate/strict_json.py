"""Strict JSON from request bytes: UTF-8, no NaN or Infinity, exact integers, bounded outline, no lone surrogates."""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

from mockserver.pipeline.errors import bad_request
from mockserver.pipeline.validate.json_outline import check_outline

_AS_ZEROS = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_DIGITS = b"0" * 19
"""Nineteen digits in a row: the shortest integer literal that may not fit in 64 bits."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _OutOfRange(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _OutOfRange(text)
    return value


def _not_unicode(text: str) -> bool:
    """A string holding an unpaired surrogate (only a ``\\ud800``-style escape can produce one)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def holds_lone_surrogate(value: Any) -> bool:
    """Whether any string (or key) of a parsed value holds an unpaired UTF-16 surrogate, which no UTF-8 answer
    could show. Iterative: no recursion to exhaust."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if any(_not_unicode(key) for key in item):
                return True
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and _not_unicode(item):
            return True
    return False


def parse_json(raw: bytes) -> Any:
    """Strict JSON from bytes: UTF-8 only, no NaN/Infinity, integers of any size, numbers a double can hold,
    an outline within :mod:`~mockserver.pipeline.validate.json_outline`'s bounds, no unpaired surrogates.

    orjson parses; the standard library parses again when orjson could differ from an exact parser (it reads
    integers beyond 64 bits as floats) or refuses the body (the standard library's error is the one reported,
    and the one body it accepts that orjson does not is one with an unpaired surrogate).
    """
    check_outline(raw)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = _strict_json(raw)
        if holds_lone_surrogate(value):
            raise bad_request("Request body holds an unpaired UTF-16 surrogate.") from None
        return value
    if _LONG_DIGITS in raw.translate(_AS_ZEROS):
        return _strict_json(raw)
    return value


def _strict_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
    except _OutOfRange:
        raise bad_request("Request body holds a number too large to represent.") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request("Request body is not valid JSON.") from None
