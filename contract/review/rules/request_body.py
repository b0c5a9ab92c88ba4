"""Request bodies as a whole: made required, media types dropped."""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Check, Finding, Level
from contract.pointer import join
from contract.review.align import DocumentPair
from contract.review.rules.base import code, found, rule

BODY_ADDED_REQUIRED = Check("request-body-added-required", Level.BREAKING)
BODY_BECAME_REQUIRED = Check("request-body-became-required", Level.BREAKING)
BODY_ADDED_OPTIONAL = Check("request-body-added-optional", Level.INFO)
BODY_BECAME_OPTIONAL = Check("request-body-became-optional", Level.INFO)
BODY_MEDIA_TYPE_REMOVED = Check("request-body-media-type-removed", Level.BREAKING)
BODY_MEDIA_TYPE_ADDED = Check("request-body-media-type-added", Level.INFO)


@rule(BODY_BECAME_REQUIRED, BODY_ADDED_REQUIRED, BODY_ADDED_OPTIONAL, BODY_BECAME_OPTIONAL)
def request_body_requiredness(pair: DocumentPair) -> Iterator[Finding]:
    """Calls without a body fail once one is required."""
    for body in pair.request_bodies:
        after = bool(body.head and body.head.get("required"))
        if body.added:
            check = BODY_ADDED_REQUIRED if after else BODY_ADDED_OPTIONAL
            message = f"added {'a required' if after else 'an optional'} request body"
            yield found(check, pair, body.operation, body.pointer, message)
        elif body.base is not None and body.head is not None:
            before = bool(body.base.get("required"))
            if before != after:
                check = BODY_BECAME_REQUIRED if after else BODY_BECAME_OPTIONAL
                message = f"the request body became {'required' if after else 'optional'}"
                yield found(check, pair, body.operation, join(body.pointer, "required"), message)


@rule(BODY_MEDIA_TYPE_REMOVED, BODY_MEDIA_TYPE_ADDED)
def request_media_types(pair: DocumentPair) -> Iterator[Finding]:
    """Clients keep sending the content type they were told to use."""
    for body in pair.request_bodies:
        for media in pair.children(body, "content"):
            if media.removed:
                message = f"removed the media type {code(media.key)} from the request body"
                yield found(BODY_MEDIA_TYPE_REMOVED, pair, body.operation, media.pointer, message)
            elif media.added:
                message = f"added the media type {code(media.key)} to the request body"
                yield found(BODY_MEDIA_TYPE_ADDED, pair, body.operation, media.pointer, message)
