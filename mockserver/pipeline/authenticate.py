"""The authenticate step: a request's key, or its dashboard session cookie, turned into the :class:`Identity` the
request acts as, or a 401.

The ``Authorization`` header is read exactly: ``Bearer``, spaces, the key, nothing else (no trailing whitespace of
any kind). A key is looked up by its hash in the store, so a key created or revoked a moment ago, through any
worker, counts from the next request. On operations that take the session cookie a live sign-in wins over a
key, as on the real backend; a cookie naming no live sign-in counts as no cookie (a key then decides, and
without one the answer is 401).

Whether the identity may touch this project or operation (403) is the admit step's question: a 403 carries
the identity's rate-limit headers, and so does the 400 for a request with two ``Authorization`` headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import cookie_parser

from mockserver import api_keys
from mockserver.data.fixture import KeyFixture
from mockserver.pipeline.errors import ApiError, bad_request, unauthorized
from mockserver.sign_ins import SignIn, SignIns
from mockserver.stores.base import Store
from mockserver.stores.timestamps import parse_timestamp

AUTHORIZATION = b"authorization"
COOKIE = b"cookie"
KEY_PREFIX = api_keys.KEY_PREFIX
MISSING_OR_MALFORMED = "Unauthorized."
INVALID_KEY = "Invalid API key."
INVALID_SESSION = "Session expired or unknown; sign in again."
SESSION_PERMISSION = "full"  # a member may do everything but the owner-only operations
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


def session_token(headers: Iterable[tuple[bytes, bytes]], name: str) -> str | None:
    """The value of the session cookie ``name``, if the request carries it (in any of its ``Cookie`` headers)."""
    values = [value.decode("latin-1") for header, value in headers if header == COOKIE]
    if not values:
        return None
    return cookie_parser("; ".join(values)).get(name) or None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a request acts as: an active key, or a signed-in member in the path's project."""

    key: str  # what its rate-limit window is counted under: the key, or the member (and project)
    project_id: str  # the project it may act in ("" for a member outside the path's project)
    plan: str
    permission: str
    label: str
    role: str | None = None  # a signed-in member's role in ``project_id``; None for a key
    via_session: bool = False


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Known:
    """An active key as last read from the store: its identity, while the store's keys are at ``version``."""

    version: object
    identity: Identity
    expires: datetime | None


class KeyRegistry:
    """API keys by value, looked up in the store; only ``active`` keys (neither revoked nor expired) authenticate.

    An active key is remembered with the version of the store's keys it was read at (at most
    :data:`MAX_KNOWN` of them), so that until any key is created or revoked, through any worker, a request
    costs a version check rather than a hash and a lookup.
    """

    MAX_KNOWN = 10_000

    def __init__(self, store: Store, fixture_keys: Iterable[KeyFixture], plans: Mapping[str, str],
                 clock: Callable[[], datetime] = utc_now) -> None:
        """``plans``: each project's plan, by project id."""
        self.store = store
        self.fixture_keys = tuple(fixture_keys)
        self.plans = dict(plans)
        self.clock = clock
        self._known: dict[str, _Known] = {}

    def __len__(self) -> int:
        return len(self.fixture_keys)

    def listing(self) -> list[dict[str, str]]:
        """The fixture's keys with their current status, as ``GET /__mock/keys`` and ``hissuno-mock keys --json``
        show them (a fixture key revoked through the API shows ``revoked`` until the mock is reset)."""
        now = self.clock()
        listing = []
        for key in self.fixture_keys:
            doc = api_keys.find_by_key(self.store, key.key)
            listing.append({**key.as_dict(), "status": api_keys.status(doc, now) if doc else key.status})
        return listing

    def authenticate(self, authorization: str | None) -> Identity:
        """The identity for an ``Authorization`` header value, or raise the contract's 401."""
        credentials = _CREDENTIALS.fullmatch(authorization) if authorization else None
        if credentials is None or credentials[1].lower() != "bearer" or not credentials[2].startswith(KEY_PREFIX):
            raise unauthorized(MISSING_OR_MALFORMED)
        key = credentials[2]
        version = self.store.version(api_keys.ACCESS, api_keys.KIND)
        known = self._known.get(key)
        if known is None or known.version != version:
            known = self._read(key, version)
        if known.expires is not None and known.expires <= self.clock():
            raise unauthorized(INVALID_KEY)
        return known.identity

    def _read(self, key: str, version: object) -> _Known:
        doc = api_keys.find_by_key(self.store, key)
        plan = self.plans.get(doc["project_id"]) if doc is not None else None
        if doc is None or plan is None or api_keys.status(doc, self.clock()) != "active":
            raise unauthorized(INVALID_KEY)
        expires = parse_timestamp(doc["expires_at"]) if doc["expires_at"] else None
        known = _Known(version, Identity(key, doc["project_id"], plan, doc["permission"], doc["name"]), expires)
        if len(self._known) >= self.MAX_KNOWN:
            self._known.clear()
        self._known[key] = known
        return known


class Authenticator:
    """Keys and sessions: who a request is, for an operation that takes the session cookie or not."""

    def __init__(self, keys: KeyRegistry, sign_ins: SignIns, cookie: str) -> None:
        self.keys = keys
        self.sign_ins = sign_ins
        self.cookie = cookie

    def authenticate(self, authorization: str | None, session: str | None, project: str | None) -> Identity:
        """The identity of a request: its live sign-in for ``project`` (the path's project, on operations that
        take the cookie; None elsewhere, where the cookie is ignored), else its key; or raise the 401."""
        if project is not None and session is not None:
            signed_in = self.sign_ins.live(session)
            if signed_in is not None:
                return self.member_identity(signed_in, project)
            if authorization is None:
                raise unauthorized(INVALID_SESSION)
        return self.keys.authenticate(authorization)

    def member_identity(self, signed_in: SignIn, project: str) -> Identity:
        """A member acts in the path's project with their role there; outside their projects with none (the
        admit step's 403), counted in one window of their own so that made-up project ids add nothing."""
        member, plans = signed_in.member, self.keys.plans
        role = member.roles.get(project)
        if role is not None:
            return Identity(f"member:{member.email}:{project}", project, plans[project], SESSION_PERMISSION,
                            member.email, role, via_session=True)
        home = next(iter(member.roles))
        return Identity(f"member:{member.email}", "", plans[home], SESSION_PERMISSION, member.email,
                        via_session=True)
