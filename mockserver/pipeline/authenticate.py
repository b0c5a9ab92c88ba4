"""The authenticate step: a request's bearer token turned into the :class:`Identity` of a fixture key, or a 401.

Whether that identity may touch this project or operation (403) is the admit step's question: a 403 carries
the key's rate-limit headers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mockserver.data.fixture import KeyFixture
from mockserver.pipeline.errors import unauthorized

KEY_PREFIX = "hss_"
MISSING_OR_MALFORMED = "Unauthorized."
INVALID_KEY = "Invalid API key."


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
        if not authorization:
            raise unauthorized(MISSING_OR_MALFORMED)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token.startswith(KEY_PREFIX) or " " in token:
            raise unauthorized(MISSING_OR_MALFORMED)
        identity = self._identities.get(token)
        if identity is None:
            raise unauthorized(INVALID_KEY)
        return identity
