"""The names our house conventions hang on: the shared error schema, the list envelope, the rate-limit headers.

The lint enforces these conventions, the review guards changes to them and the conformance suite checks
servers against them; each reads the names from here.
"""

from __future__ import annotations

ERROR_SCHEMA_REF = "#/components/schemas/Error"
ENVELOPE_FIELDS = ("data", "total", "limit", "offset")
RATE_LIMIT_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "RateLimit-Policy",
    "RateLimit",
)
