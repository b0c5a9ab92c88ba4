"""JSON bytes for answers: orjson, or the standard library for the integers orjson refuses.

The contract sets no upper bound on integers such as a company's ``employee_count``, and the mock parses
them exactly (10**400 is a valid value); orjson stops at 64 bits, so without this a stored big integer
would turn every later answer that shows it into a 500.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def json_bytes(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
