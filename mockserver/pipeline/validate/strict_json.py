"""Strict JSON from request bytes: UTF-8, no NaN or Infinity, exact integers, bounded nesting, no lone surrogates."""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

from mockserver.pipeline.errors import bad_request

MAX_JSON_DEPTH = 64


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


def tree_problem(value: Any, max_depth: int, check_strings: bool = True) -> str | None:
    """What makes a parsed body unusable although it is JSON: nesting deeper than ``max_depth``, or a
    string (or key) with an unpaired surrogate, which no UTF-8 answer could show. Iterative: no recursion
    to exhaust."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                return f"Request body is nested deeper than {max_depth} levels."
            if isinstance(item, dict):
                if check_strings and any(_not_unicode(key) for key in item):
                    return "Request body holds an unpaired UTF-16 surrogate."
                item = item.values()
            pending.extend((child, depth + 1) for child in item
                           if check_strings or isinstance(child, (dict, list)))
        elif check_strings and isinstance(item, str) and _not_unicode(item):
            return "Request body holds an unpaired UTF-16 surrogate."
    return None


def parse_json(raw: bytes) -> Any:
    """Strict JSON from bytes: UTF-8 only, no NaN/Infinity, integers of any size, numbers a double can hold,
    at most :data:`MAX_JSON_DEPTH` levels of nesting, no unpaired surrogates.

    orjson first; the standard library, whose errors are the ones reported, for a body holding any float or
    one orjson refuses (orjson reads integers beyond 64 bits as floats).
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = _UNSURE
    if value is _UNSURE or _holds_float(value):
        value = _strict_json(raw)
    problem = tree_problem(value, MAX_JSON_DEPTH, check_strings=b"\\u" in raw)
    if problem:
        raise bad_request(problem)
    return value


_UNSURE = object()


def _holds_float(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _strict_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
    except _OutOfRange:
        raise bad_request("Request body holds a number too large to represent.") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request("Request body is not valid JSON.") from None
