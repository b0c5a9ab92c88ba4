"""The server under test: its base URL and the keys (and dashboard sessions) the checks use, from flags or a
mock's ``/__mock/keys`` and ``/__mock/session``.

Every key but the main one is optional; a check whose key is missing is reported as skipped, never passed.
A target can also be an ASGI app in this process (tests, the pytest plugin), reached through Schemathesis'
in-process client so that Schemathesis and our checks share one app instance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import requests

from conformance.breaker import Breaker
from conformance.budget import Budget
from conformance.client import REQUEST_TIMEOUT, Client, Credential, Recorder
from conformance.retry import RetryPolicy

MOCK_KEYS_PATH = "/__mock/keys"
MOCK_MEMBERS_PATH = "/__mock/members"
MOCK_SESSION_PATH = "/__mock/session"
MOCK_EVENTS_PATH = "/__mock/events"
# How long the reachability probe waits for an answer once connected (a server that accepts connections but
# does not answer is reachable: the run reports it, it is not a usage error).
PROBE_READ_TIMEOUT = 2.0
IN_PROCESS_URL = "http://localhost"  # the /__mock/ controls answer local names only
# Plans from the smallest to the largest limit, as the contract names them.
PLAN_ORDER = ("free", "pro", "enterprise")
RATE_LIMIT_LABEL = "rate-limit"

ROLE_VARIABLES = {
    "api_key": "HISSUNO_API_KEY",
    "other_api_key": "HISSUNO_OTHER_API_KEY",
    "read_only_key": "HISSUNO_READ_ONLY_KEY",
    "standard_key": "HISSUNO_STANDARD_KEY",
    "revoked_key": "HISSUNO_REVOKED_KEY",
    "rate_limit_key": "HISSUNO_RATE_LIMIT_KEY",
    "session_cookie": "HISSUNO_SESSION_COOKIE",
    "member_session_cookie": "HISSUNO_MEMBER_SESSION_COOKIE",
}
SESSION_ROLES = frozenset({"session_cookie", "member_session_cookie"})


class TargetError(Exception):
    """The target cannot be used as given (unreachable, not a mock, key rejected): exit code 2."""


@dataclass(frozen=True)
class Target:
    base_url: str
    api_key: str
    project_id: str | None = None
    other_api_key: str | None = None
    other_project_id: str | None = None
    read_only_key: str | None = None
    standard_key: str | None = None
    revoked_key: str | None = None
    rate_limit_key: str | None = None
    # Dashboard sessions on the main project, as Cookie header values (``name=value``): an owner's, a member's.
    session_cookie: str | None = None
    member_session_cookie: str | None = None
    app: Any = None
    # How to reach it: headers on every request (``--header``), the per-request timeout, TLS verification
    # (True, False, or the path of a CA bundle).
    headers: tuple[tuple[str, str], ...] = ()
    request_timeout: float = REQUEST_TIMEOUT
    tls_verify: bool | str = True
    # Where to make the server emit any webhook event (the mock's POST /__mock/events), if anywhere.
    trigger_url: str | None = None

    def credential(self, role: str) -> Credential | None:
        """The key (or session cookie) for a role (``api_key``, ``session_cookie``, ...) with its shell variable, if
        given."""
        value = getattr(self, role)
        return Credential(ROLE_VARIABLES[role], value, cookie=role in SESSION_ROLES) if value else None

    @property
    def main(self) -> Credential:
        return Credential(ROLE_VARIABLES["api_key"], self.api_key)

    @property
    def url(self) -> str:
        return IN_PROCESS_URL if self.app is not None else self.base_url.rstrip("/")

    def session(self) -> requests.Session:
        if self.app is not None:
            from schemathesis.python import asgi

            return asgi.get_client(self.app).__enter__()
        session = requests.Session()
        session.verify = self.tls_verify
        return session

    def client(
        self,
        retry: RetryPolicy | None = None,
        *,
        budget: Budget | None = None,
        breaker: Breaker | None = None,
        recorder: Recorder | None = None,
    ) -> Client:
        return Client(
            self.session(),
            self.url,
            retry=retry,
            display_url=self.base_url or self.url,
            timeout=self.request_timeout,
            headers=dict(self.headers),
            budget=budget,
            breaker=breaker,
            recorder=recorder,
        )

    def with_keys(self, keys: Mapping[str, str | None]) -> Target:
        """This target with the given keys filled in where no key was set explicitly."""
        missing = {name: value for name, value in keys.items() if value and not getattr(self, name)}
        return replace(self, **missing)


def session_cookie(value: str | None, option: str = "session_cookie") -> str | None:
    """A ``--session-cookie`` as the ``Cookie`` header value ``name=value``; the line ``hissuno-mock session``
    prints (``Cookie: name=value``) is taken too. :class:`TargetError` for anything else."""
    if value is None:
        return None
    pair = value.strip()
    if pair.lower().startswith("cookie:"):
        pair = pair[len("cookie:"):].strip()
    name, equals, token = pair.partition("=")
    if not equals or not name.strip() or not token or any(c.isspace() or c in ",;" for c in name):
        flag = "--" + option.replace("_", "-")
        raise TargetError(f"{flag} {value!r} is not a cookie: give NAME=VALUE, e.g. hissuno_session=... "
                          "(hissuno-mock session EMAIL prints one)")
    return f"{name.strip()}={token.strip()}"


def check_base_url(url: str) -> str:
    """The URL without a trailing slash, or :class:`TargetError` when it is not an ``http(s)://host`` URL."""
    return check_url(url, "--base-url").rstrip("/")


def check_url(url: str, option: str) -> str:
    """The URL as given, or :class:`TargetError` (naming ``option``) when it is not an ``http(s)://host`` URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        hint = f" (did you mean http://{url.strip()}?)" if "://" not in url else ""
        raise TargetError(f"{option} {url!r} is not an http:// or https:// URL{hint}")
    return url.strip()


def probe(target: Target) -> bool:
    """Whether the server answers at the base URL; :class:`TargetError` when nothing can be reached.

    A server that accepts the connection but does not answer within :data:`PROBE_READ_TIMEOUT` is reachable
    (False): the run goes on and reports it."""
    if target.app is not None:
        return True
    try:
        requests.get(
            f"{target.url}/",
            timeout=(target.request_timeout, min(PROBE_READ_TIMEOUT, target.request_timeout)),
            allow_redirects=False,
            verify=target.tls_verify,
            headers=dict(target.headers),
        )
    except requests.ReadTimeout:
        return False
    except requests.RequestException as exc:
        raise TargetError(f"cannot reach {target.url}: {_reason(exc)}") from None
    return True


def fetch_mock_keys(target: Target) -> list[dict[str, Any]]:
    """The mock's key table (``GET /__mock/keys``)."""
    session = target.session()
    try:
        response = session.get(f"{target.url}{MOCK_KEYS_PATH}", timeout=target.request_timeout, verify=session.verify)
    except requests.RequestException as exc:
        raise TargetError(f"cannot reach {target.url}: {_reason(exc)}") from None
    if response.status_code != 200:
        raise TargetError(
            f"{target.url}{MOCK_KEYS_PATH} answered {response.status_code}: is this a Hissuno mock? "
            "Pass the keys with --api-key and friends instead of --mock-keys."
        )
    try:
        entries = response.json()
    except ValueError:
        raise TargetError(f"{target.url}{MOCK_KEYS_PATH} did not answer JSON") from None
    if not isinstance(entries, list) or not all(isinstance(item, dict) for item in entries):
        raise TargetError(f"{target.url}{MOCK_KEYS_PATH} did not answer a list of keys")
    return entries


def _plan_rank(plan: str) -> int:
    return PLAN_ORDER.index(plan) if plan in PLAN_ORDER else len(PLAN_ORDER) // 2


def choose_mock_keys(entries: Iterable[Mapping[str, Any]]) -> dict[str, str | None]:
    """Pick the keys each check needs from the mock's key table.

    The main key is a ``full`` key on the largest plan, so the run itself is not throttled; the other
    project's key, the read-only, standard and revoked keys come from around it; the rate-limit check
    gets the dedicated ``rate-limit`` key on the smallest plan, so it needs the fewest requests.
    """
    keys = list(entries)
    active = [k for k in keys if k.get("status") == "active" and k.get("label") != RATE_LIMIT_LABEL]
    full = [k for k in active if k.get("permission") == "full"]
    if not full:
        raise TargetError("the mock lists no active key with the 'full' permission")
    main = max(full, key=lambda k: _plan_rank(str(k.get("plan"))))
    project = main.get("project_id")

    def first(candidates: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
        return next(iter(candidates), None)

    others = [k for k in active if k.get("project_id") != project]
    other = first(k for k in others if k.get("permission") == "full") or first(others)
    same_project = [k for k in active if k.get("project_id") == project]
    read_only = first(k for k in same_project if k.get("permission") == "read-only")
    standard = first(k for k in same_project if k.get("permission") == "standard")
    inactive = [k for k in keys if k.get("status") in ("revoked", "expired")]
    revoked = first(k for k in inactive if k.get("project_id") == project) or first(inactive)
    limited = [k for k in keys if k.get("status") == "active" and k.get("label") == RATE_LIMIT_LABEL]
    rate_limit = min(limited, key=lambda k: _plan_rank(str(k.get("plan"))), default=None)

    def key(entry: Mapping[str, Any] | None) -> str | None:
        return str(entry["key"]) if entry else None

    return {
        "api_key": key(main),
        "project_id": str(project) if project else None,
        "other_api_key": key(other),
        "other_project_id": str(other["project_id"]) if other else None,
        "read_only_key": key(read_only),
        "standard_key": key(standard),
        "revoked_key": key(revoked),
        "rate_limit_key": key(rate_limit),
    }


def sign_in_to_mock(target: Target, project_id: str | None) -> dict[str, str | None]:
    """Session cookies of the project's owner and of one of its members, signed in through the mock's
    ``POST /__mock/session``; none when the mock has no members (or no such control)."""
    if not project_id:
        return {}
    session = target.session()
    try:
        listed = session.get(f"{target.url}{MOCK_MEMBERS_PATH}", timeout=target.request_timeout)
        members = listed.json() if listed.status_code == 200 else []
    except (requests.RequestException, ValueError):
        return {}
    cookies: dict[str, str | None] = {}
    for role, wanted in (("session_cookie", "owner"), ("member_session_cookie", "member")):
        email = next((m.get("email") for m in members if isinstance(m, dict)
                      and m.get("project_id") == project_id and m.get("role") == wanted), None)
        if email is None:
            continue
        try:
            answer = session.post(f"{target.url}{MOCK_SESSION_PATH}", json={"email": email},
                                  timeout=target.request_timeout)
        except requests.RequestException:
            continue
        pair = answer.headers.get("set-cookie", "").split(";", 1)[0]
        cookies[role] = pair if answer.status_code == 200 and "=" in pair else None
    return cookies


def from_mock(target: Target) -> Target:
    """The target with every key it lacks taken from the mock's ``/__mock/keys``, the main project's owner and a
    member signed in (``/__mock/session``) unless their session cookies were given, and the mock's event trigger
    (``POST /__mock/events``) unless another was given."""
    keyed = target.with_keys(choose_mock_keys(fetch_mock_keys(target)))
    signed_in = keyed.with_keys(sign_in_to_mock(keyed, keyed.project_id))
    return replace(signed_in, trigger_url=target.trigger_url or f"{target.url}{MOCK_EVENTS_PATH}")


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "Temporary failure in name resolution",
        "timed out",
        "No route to host",
        "CERTIFICATE_VERIFY_FAILED",
    ):
        if marker in text:
            return marker.lower().replace("_", " ")
    return type(exc).__name__
