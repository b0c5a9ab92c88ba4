"""Dashboard sign-ins: the fixture's members and the sessions they open (``POST /__mock/session``), carried by
the session cookie the contract declares.

A sign-in is stored under the SHA-256 of its token, in the store's access namespace, so every worker knows it
and signing out ends it everywhere; the token itself travels only in the cookie. A sign-in expires after the
time it asked for (:data:`DEFAULT_TTL` by default), ``POST /__mock/reset`` ends them all, and at most
:data:`MAX_SIGN_INS` are kept: the oldest make room for a new one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mockserver.api_keys import ACCESS
from mockserver.data.fixture import MemberFixture
from mockserver.stores.base import Store
from mockserver.stores.timestamps import format_timestamp, parse_timestamp

KIND = "sign_ins"
DEFAULT_TTL = timedelta(hours=24)
MAX_TTL = timedelta(days=30)
MAX_SIGN_INS = 1_000
COOKIE_NAME = "hissuno_session"
"""The name when the contract does not say (:func:`cookie_name` reads it from the security scheme)."""
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def cookie_name(document: Mapping[str, Any]) -> str:
    """The cookie of the contract's ``sessionCookie`` scheme."""
    scheme = document.get("components", {}).get("securitySchemes", {}).get("sessionCookie", {})
    return str(scheme.get("name") or COOKIE_NAME)


@dataclass(frozen=True)
class Member:
    """A person who may sign in, with their role in each of their projects."""

    email: str
    roles: Mapping[str, str]


class Members:
    """The fixture's members by email (compared ignoring case)."""

    def __init__(self, members: Iterable[MemberFixture]) -> None:
        self._fixtures = tuple(members)
        roles: dict[str, dict[str, str]] = {}
        for member in self._fixtures:
            roles.setdefault(member.email.casefold(), {})[member.project_id] = member.role
        self._members = {email: Member(email, projects) for email, projects in roles.items()}

    def get(self, email: str) -> Member | None:
        return self._members.get(email.casefold())

    def listing(self) -> list[dict[str, str]]:
        """``[{"email", "project_id", "role"}]``, as ``GET /__mock/members`` shows them."""
        return [member.as_dict() for member in self._fixtures]


class UnknownMember(LookupError):
    """No fixture member has this email."""


@dataclass(frozen=True)
class SignIn:
    member: Member
    expires_at: datetime


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class SignIns:
    """Open, find and end sign-ins in the store."""

    def __init__(self, store: Store, members: Members, clock: Clock = utc_now) -> None:
        self.store = store
        self.members = members
        self.clock = clock

    def open(self, email: str, ttl: timedelta = DEFAULT_TTL) -> tuple[str, SignIn]:
        """A new sign-in for a member: its token (the cookie's value) and what it grants."""
        member = self.members.get(email)
        if member is None:
            raise UnknownMember(email)
        now = self.clock()
        token = secrets.token_urlsafe(32)
        expires = now + ttl
        doc = {"id": _token_id(token), "email": member.email, "created_at": format_timestamp(now),
               "expires_at": format_timestamp(expires)}
        with self.store.atomic(ACCESS):
            self._make_room(now)
            self.store.put(ACCESS, KIND, doc, announce=False)
        return token, SignIn(member, parse_timestamp(doc["expires_at"]))

    def live(self, token: str) -> SignIn | None:
        """What a cookie's token grants, if it names a sign-in that has not expired."""
        doc = self.store.get(ACCESS, KIND, _token_id(token))
        if doc is None:
            return None
        expires = parse_timestamp(doc["expires_at"])
        member = self.members.get(doc["email"])
        if member is None or expires <= self.clock():
            return None
        return SignIn(member, expires)

    def close(self, token: str) -> bool:
        """End a sign-in; whether there was one."""
        return self.store.delete(ACCESS, KIND, _token_id(token))

    def _make_room(self, now: datetime) -> None:
        """Below :data:`MAX_SIGN_INS`: the expired ones go first, then the oldest."""
        docs = self.store.all(ACCESS, KIND)
        if len(docs) < MAX_SIGN_INS:
            return
        oldest_first = sorted(docs, key=lambda doc: (parse_timestamp(doc["expires_at"]) > now, doc["created_at"]))
        for doc in oldest_first[: len(docs) - MAX_SIGN_INS + 1]:
            self.store.delete(ACCESS, KIND, doc["id"])
