"""The authenticate step: a request's bearer token turned into the :class:`Identity` of a fixture key, or a 401.

The header is read exactly: ``Bearer``, spaces, the key, nothing else (no trailing whitespace of any kind).
Whether that identity may touch this project or operation (403) is the admit step's question: a 403 carries
the key's rate-limit headers, and so does the 400 for a request with two ``Authorization`` headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mockserver.data.fixture import KeyFixture
from mockserver.pipeline.errors import ApiError, bad_request, unauthorized

AUTHORIZATION = b"authorization"
KEY_PREFIX = "hss_"
MISSING_OR_MALFORMED = "Unauthorized."
INVALID_KEY = "Invalid API key."
_CREDENTIALS = re.compile(r"([A-Za-z]+) +([A-Za-z0-9._~+/-]+=*)")
"""RFC 9110 credentials with a token68: a scheme, one or more spaces, the token; ASCII only."""


def authorization(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str | None, ApiError | None]:
    """The ``Authorization`` value to authenticate, and the 400 to answer once the key is admitted when the
    request carries more than one (the first one's key shows its window; none of them is used)."""
    values = [value for name, value in headers if name == AUTHORIZATION]
    if not values:
        return None, None
    duplicated = bad_request("Send one Authorization header, not several.") if len(values) > 1 else None
    return values[0].decode("latin-1"), duplicated


@dataclass(frozen=True, slots=True)
class Identity:
    """An active key, as the rest of the request sees it."""

    key: str
    project_id: str
    plan: str
    permission: str
    label: str


class KeyRegistry:
    """Every fixture key by value; only ``active`` keys authenticate."""

    def __init__(self, keys: Iterable[KeyFixture]) -> None:
        self._keys = {key.key: key for key in keys}
        self._identities = {
            key.key: Identity(key.key, key.project_id, key.plan, key.permission, key.label)
            for key in self._keys.values() if key.status == "active"
        }

    def __len__(self) -> int:
        return len(self._keys)

    def listing(self) -> list[dict[str, str]]:
        """The keys as ``GET /__mock/keys`` and ``hissuno-mock keys --json`` show them."""
        return [key.as_dict() for key in self._keys.values()]

    def authenticate(self, authorization: str | None) -> Identity:
        """The identity for an ``Authorization`` header value, or raise the contract's 401."""
        credentials = _CREDENTIALS.fullmatch(authorization) if authorization else None
        if credentials is None or credentials[1].lower() != "bearer" or not credentials[2].startswith(KEY_PREFIX):
            raise unauthorized(MISSING_OR_MALFORMED)
        identity = self._identities.get(credentials[2])
        if identity is None:
            raise unauthorized(INVALID_KEY)
        return identity
