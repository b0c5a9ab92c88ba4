"""Standard Webhooks (https://www.standardwebhooks.com) signing and verification, through the reference library.

The contract's callbacks declare it, so it lives here: the mock signs its deliveries with it, the conformance
suite's sender family verifies what a server delivers, and its receiver command signs what it sends a user's
endpoint. A delivery carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
``webhook-signature`` (a space-separated list of ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``),
keyed with the base64 part of a ``whsec_`` secret. The library's ``verify`` judges signature and timestamp
together; the sender checks judge them apart (:func:`signature_matches`, :func:`timestamp_skew`) so that a stale
but well-signed delivery fails the timestamp check alone.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

from standardwebhooks import Webhook, WebhookVerificationError

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
HEADERS = (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)
SECRET_PREFIX = "whsec_"
# The reference libraries' tolerance: a receiver refuses a timestamp further than this from its clock.
TOLERANCE_SECONDS = 300
SECRET_BYTES = 32

__all__ = [
    "HEADERS",
    "ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TOLERANCE_SECONDS",
    "WebhookVerificationError",
    "check_secret",
    "new_secret",
    "sign",
    "signature_matches",
    "signed_headers",
    "timestamp_skew",
    "verify",
]


def check_secret(secret: str) -> str:
    """The secret unchanged, or ``ValueError`` saying why it is not ``whsec_`` followed by base64."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"must start with {SECRET_PREFIX!r} (Standard Webhooks)")
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        raise ValueError(f"must be {SECRET_PREFIX!r} followed by base64 (Standard Webhooks)") from None
    if not key:
        raise ValueError(f"holds no key after {SECRET_PREFIX!r}")
    return secret


def new_secret() -> str:
    """A fresh random ``whsec_`` secret (one no receiver knows)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value (``v1,<base64>``) for ``body`` sent as ``message_id`` at ``timestamp``."""
    return Webhook(secret).sign(message_id, datetime.fromtimestamp(timestamp, UTC), body)


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers of one delivery."""
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes) -> None:
    """What a receiver does: the library's verification (signature and timestamp tolerance);
    :class:`WebhookVerificationError` when it fails."""
    Webhook(secret).verify(body, dict(headers), json_parse=False)


def _lowered(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def signature_matches(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether one of the delivery's ``v1`` signatures is the library's for its id, timestamp and body, however
    old the timestamp is."""
    found = _lowered(headers)
    message_id, stamp, signatures = (found.get(name, "") for name in HEADERS)
    if not (message_id and stamp.isdigit() and signatures):
        return False
    expected = sign(secret, message_id, int(stamp), body).encode()
    return any(hmac.compare_digest(expected, candidate.encode()) for candidate in signatures.split(" "))


def timestamp_skew(headers: Mapping[str, str], received_at: float) -> float | None:
    """Seconds between ``webhook-timestamp`` and the moment the delivery arrived (``time.time()``), positive when
    the timestamp is older; None when the header is missing or not an integer."""
    stamp = _lowered(headers).get(TIMESTAMP_HEADER, "")
    return received_at - int(stamp) if stamp.isdigit() else None
