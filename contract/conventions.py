"""The names our house conventions hang on: the shared error schema, the list envelope, the rate-limit headers,
the security schemes.

The lint enforces these conventions, the review guards changes to them and the conformance suite checks
servers against them; each reads the names from here.
"""

from __future__ import annotations

ERROR_SCHEMA_REF = "#/components/schemas/Error"
KEY_SCHEME = "bearerAuth"  # every operation accepts a key
SESSION_SCHEME = "sessionCookie"  # the dashboard's session, internal operations only
OWNER_ONLY = ("x-hissuno-access", "owner")  # an operation only an owner's session or a full key may call
UNDO_LINK = "x-hissuno-undo"  # on a create's link: the linked operation takes back what the create made
ENVELOPE_FIELDS = ("data", "total", "limit", "offset")
RATE_LIMIT_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "RateLimit-Policy",
    "RateLimit",
)
