"""API key records: the fixture's keys and the ones created on the Access page, kept in the data store.

Keys live in the store (not in the process) so that a key created, or revoked, through one worker is
accepted, or refused, by every worker from the next request on, and so that ``POST /__mock/reset`` brings the
fixture's keys back. All projects' keys share one namespace of the store (:data:`ACCESS`), because a request to
``/v1`` names no project: its key must be found by itself. A record keeps the SHA-256 of its key, never the
key, and shows its first :data:`PREFIX_LENGTH` characters.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from mockserver.data.fixture import Fixture, KeyFixture
from mockserver.stores.base import Store
from mockserver.stores.ids import ID_ALPHABET
from mockserver.stores.query import Doc, Filter, Query
from mockserver.stores.timestamps import format_timestamp, parse_timestamp

ACCESS = "@access"
"""The store namespace of keys and sign-ins: ``@`` is never in a fixture's project id."""
KIND = "api_keys"
KEY_PREFIX = "hss_"
SECRET_LENGTH = 28
PREFIX_LENGTH = 12
MAX_UNREVOKED_KEYS = 25
"""Keys a project may hold that are not revoked (an expired one counts until it is revoked), as on the real
backend: the cap on its active keys, which also bounds what revoking them all has to write."""
_UNREVOKED_READ = 1_000  # a bound on one read; the cap keeps a project far below it
KEY_ID_PREFIX = "key_"
_FIXTURE_AGE = timedelta(days=120)


def secret_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    """A fresh key: ``hss_`` and 28 random lower-case letters and digits, like the fixture's."""
    return KEY_PREFIX + "".join(secrets.choice(ID_ALPHABET) for _ in range(SECRET_LENGTH))


def record(project_id: str, name: str, key: str, permission: str, created_at: datetime,
           expires_at: datetime | None = None, revoked_at: datetime | None = None) -> Doc:
    """The stored fields of a key (without its id)."""
    return {
        "project_id": project_id,
        "name": name,
        "prefix": key[:PREFIX_LENGTH],
        "secret_hash": secret_hash(key),
        "permission": permission,
        "created_at": format_timestamp(created_at),
        "expires_at": format_timestamp(expires_at) if expires_at else None,
        "revoked_at": format_timestamp(revoked_at) if revoked_at else None,
    }


def status(doc: Mapping[str, Any], now: datetime) -> str:
    """``revoked``, ``expired`` (its expiry has passed) or ``active``."""
    if doc.get("revoked_at"):
        return "revoked"
    expires = doc.get("expires_at")
    return "expired" if expires and parse_timestamp(expires) <= now else "active"


def shown(doc: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A key as the API shows it: its prefix and state, never its hash."""
    return {"id": doc["id"], "name": doc["name"], "prefix": doc["prefix"], "permission": doc["permission"],
            "status": status(doc, now), "created_at": doc["created_at"], "expires_at": doc["expires_at"],
            "revoked_at": doc["revoked_at"]}


def fixture_documents(fixture: Fixture) -> list[Doc]:
    """The fixture's keys as records: the same whatever the seed (ids from the key, times from the anchor); a
    ``revoked`` key was revoked a week before the anchor, an ``expired`` one expired a month before it."""
    docs = []
    for index, key in enumerate(fixture.keys):
        created = fixture.anchor - _FIXTURE_AGE + timedelta(hours=index)
        docs.append({"id": fixture_key_id(key), **record(
            key.project_id, key.label, key.key, key.permission, created,
            expires_at=fixture.anchor - timedelta(days=30) if key.status == "expired" else None,
            revoked_at=fixture.anchor - timedelta(days=7) if key.status == "revoked" else None)})
    return docs


def fixture_key_id(key: KeyFixture) -> str:
    return KEY_ID_PREFIX + secret_hash(key.key)[:12]


def find_by_key(store: Store, key: str) -> Doc | None:
    """The record of a presented key, whatever its state (one indexed lookup)."""
    return store.find(ACCESS, KIND, "secret_hash", secret_hash(key))


def unrevoked_keys(store: Store, project_id: str) -> list[Doc]:
    """A project's keys that are not revoked, newest first: at most the cap, plus what a fixture gave it."""
    query = Query(filters=(Filter("project_id", "eq", project_id), Filter("revoked_at", "eq", None)),
                  sort="created_at", limit=_UNREVOKED_READ)
    return store.list(ACCESS, KIND, query).items
