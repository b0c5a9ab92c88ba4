"""Who is calling: the fixture's keys, and the Connexion security handler that turns a bearer token into an
identity (key, project, plan, permission) or a 401.

Authentication only: whether that identity may touch this project or this operation (403) is decided
after it, in :mod:`mockserver.access`, together with the rate limit, because a 403 must carry the key's
rate-limit headers too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import AbstractSecurityHandler

from mockserver.errors import unauthorized
from mockserver.fixtures import KeyFixture

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
        self._token_info = {
            key.key: {"sub": key.key, "identity": Identity(key.key, key.project_id, key.plan, key.permission,
                                                           key.label)}
            for key in self._keys.values() if key.status == "active"
        }

    def __len__(self) -> int:
        return len(self._keys)

    def listing(self) -> list[dict[str, str]]:
        """The keys as ``GET /__mock/keys`` and ``hissuno-mock keys --json`` show them."""
        return [key.as_dict() for key in self._keys.values()]

    def token_info(self, token: str) -> dict[str, Any] | None:
        """Connexion's ``token_info`` for an active key (``identity`` holds the :class:`Identity`)."""
        return self._token_info.get(token)

    def authenticate(self, authorization: str | None) -> dict[str, Any]:
        """The token info for an ``Authorization`` header value, or raise the contract's 401."""
        if not authorization:
            raise unauthorized(MISSING_OR_MALFORMED)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token.startswith(KEY_PREFIX) or " " in token:
            raise unauthorized(MISSING_OR_MALFORMED)
        info = self._token_info.get(token)
        if info is None:
            raise unauthorized(INVALID_KEY)
        return info


def identity_of(scope: dict[str, Any]) -> Identity | None:
    """The identity Connexion's security middleware stored for this request, if it authenticated one."""
    context = scope.get("extensions", {}).get("connexion_context")
    if not context:
        return None
    info = context.get("token_info")
    return info.get("identity") if isinstance(info, dict) else None


class BearerKeyHandler(AbstractSecurityHandler):
    """Connexion security handler for the spec's ``bearerAuth`` scheme, backed by a :class:`KeyRegistry`.

    Connexion's own bearer handler answers a missing header with its own problem+json and needs a function
    named in the spec (``x-bearerInfoFunc``); this one needs neither and raises the contract's messages.
    """

    def __init__(self, registry: KeyRegistry) -> None:
        self.registry = registry

    def get_fn(self, security_scheme: dict[str, Any], required_scopes: list[str]) -> Any:
        registry = self.registry

        def verify(request: ConnexionRequest) -> dict[str, Any]:
            return registry.authenticate(request.headers.get("authorization"))

        return verify
