"""Timestamps as stored documents hold them: RFC 3339 in UTC, to the second (``2026-01-20T12:00:00Z``)."""

from __future__ import annotations

from datetime import datetime


def format_timestamp(moment: datetime) -> str:
    """``moment`` (in UTC) to the second; ``isoformat`` is C, ``strftime`` would parse a format on every call."""
    return moment.isoformat()[:19] + "Z"


def parse_timestamp(value: str) -> datetime:
    """An RFC 3339 date-time (``Z`` or an offset; ``t``/``z`` in either case) as an aware datetime."""
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
