"""The JSON report: the review's full data (every finding, not grouped), for other tools."""

from __future__ import annotations

import json

from contract.review.model import Review


def render(review: Review) -> str:
    return json.dumps(review.as_dict(), indent=2, ensure_ascii=False) + "\n"
