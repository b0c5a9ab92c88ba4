"""Documents as bytes for the shared stores (SQLite, Redis, webhook bodies), big integers included."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from mockserver.stores.query import Doc

_STDLIB_JSON = b"\x00"


def encode_doc(doc: Mapping[str, Any]) -> bytes:
    """A document as bytes for a shared store: orjson, or the standard library for integers beyond 64 bits."""
    try:
        return orjson.dumps(doc)
    except orjson.JSONEncodeError:
        return _STDLIB_JSON + json.dumps(doc, separators=(",", ":")).encode()


def decode_doc(raw: bytes) -> Doc:
    """The inverse of :func:`encode_doc` (orjson would read a big integer back as a float)."""
    if raw[:1] == _STDLIB_JSON:
        return json.loads(raw[1:])
    return orjson.loads(raw)
