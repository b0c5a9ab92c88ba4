"""Webhook deliveries verified with the Standard Webhooks library and read as their typed event.

The one call a receiver makes, like Stripe's ``constructEvent``: :func:`verify` checks the ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature`` headers against the raw body and the webhook's ``whsec_`` secret
(the timestamp within 5 minutes of this clock), then returns the body as the class of its event type
(:data:`WebhookEvent`, one class per type, narrowed by ``event.type`` or ``match``). Anything else raises
:class:`WebhookVerificationError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import standardwebhooks

from hissuno.errors import HissunoError
from hissuno.webhook_events import PARSERS, WebhookEvent

__all__ = ["WebhookEvent", "WebhookVerificationError", "verify"]


class WebhookVerificationError(HissunoError, standardwebhooks.WebhookVerificationError):
    """The delivery is not one to trust: a header missing, a signature that does not match the body and secret, a
    timestamp more than 5 minutes away, or a signed body that is no event this SDK version knows."""


def verify(payload: bytes | str, headers: Mapping[str, str], secret: str) -> WebhookEvent:
    """The delivery's event, typed by its ``type``, once its signature holds.

    ``payload`` is the request body exactly as received (bytes, before any JSON parsing), ``headers`` the request's
    headers (any mapping; names in any case), ``secret`` the ``whsec_...`` returned when the webhook was created.
    """
    try:
        standardwebhooks.Webhook(secret).verify(payload, {name.lower(): value for name, value in headers.items()},
                                                json_parse=False)
    except standardwebhooks.WebhookVerificationError as error:
        raise WebhookVerificationError(f"webhook delivery refused: {error}") from None
    return parse_event(payload)


def parse_event(payload: bytes | str) -> WebhookEvent:
    """A verified body as the class of its event type."""
    try:
        body: Any = json.loads(payload)
    except ValueError:
        raise WebhookVerificationError("the signed body is not JSON") from None
    event_type = body.get("type") if isinstance(body, dict) else None
    if not isinstance(event_type, str) or event_type not in PARSERS:
        raise WebhookVerificationError(f"the signed body is no event type this SDK knows: {event_type!r}")
    try:
        return PARSERS[event_type](body)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise WebhookVerificationError(f"the signed {event_type} body does not match its schema: {error!r}") from None
