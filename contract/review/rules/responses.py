"""Responses as a whole: status codes, media types and (non-rate-limit) headers."""

from __future__ import annotations

from collections.abc import Iterator

from contract.findings import Check, Finding, Level
from contract.review.align import DocumentPair, NodePair
from contract.review.rules.base import code, found, rule
from contract.review.rules.ratelimit import is_rate_limit_header

SUCCESS_STATUS_REMOVED = Check("response-success-status-removed", Level.BREAKING)
NON_SUCCESS_STATUS_REMOVED = Check("response-non-success-status-removed", Level.BREAKING)
SUCCESS_STATUS_ADDED = Check("response-success-status-added", Level.WARNING)
NON_SUCCESS_STATUS_ADDED = Check("response-non-success-status-added", Level.INFO)
MEDIA_TYPE_REMOVED = Check("response-media-type-removed", Level.BREAKING)
MEDIA_TYPE_ADDED = Check("response-media-type-added", Level.INFO)
REQUIRED_HEADER_REMOVED = Check("required-response-header-removed", Level.BREAKING)
OPTIONAL_HEADER_REMOVED = Check("optional-response-header-removed", Level.WARNING)
HEADER_BECAME_OPTIONAL = Check("response-header-became-optional", Level.BREAKING)
HEADER_ADDED = Check("response-header-added", Level.INFO)


def is_success(status: str) -> bool:
    return status[:1] in "123" and status != "default"


@rule(SUCCESS_STATUS_REMOVED, NON_SUCCESS_STATUS_REMOVED)
def status_removed(pair: DocumentPair) -> Iterator[Finding]:
    """Clients branch on status codes; one that disappears means an answer they do not handle."""
    for response in pair.responses:
        if response.removed:
            success = is_success(response.key)
            check = SUCCESS_STATUS_REMOVED if success else NON_SUCCESS_STATUS_REMOVED
            kind = "success" if success else "non-success"
            message = f"removed the {kind} response with the status {response.key}"
            yield found(check, pair, response.operation, response.pointer, message)


@rule(SUCCESS_STATUS_ADDED, NON_SUCCESS_STATUS_ADDED)
def status_added(pair: DocumentPair) -> Iterator[Finding]:
    """A new success status may replace the one clients expect (a warning); a new error is an addition."""
    for response in pair.responses:
        if response.added:
            success = is_success(response.key)
            check = SUCCESS_STATUS_ADDED if success else NON_SUCCESS_STATUS_ADDED
            kind = "success" if success else "non-success"
            message = f"added the {kind} response with the status {response.key}"
            yield found(check, pair, response.operation, response.pointer, message)


@rule(MEDIA_TYPE_REMOVED, MEDIA_TYPE_ADDED)
def response_media_types(pair: DocumentPair) -> Iterator[Finding]:
    """A client asking for a media type that is gone gets nothing it can parse."""
    for response in pair.responses:
        for media in pair.children(response, "content"):
            if media.removed:
                message = f"removed the media type {code(media.key)} for the response with the status {response.key}"
                yield found(MEDIA_TYPE_REMOVED, pair, response.operation, media.pointer, message)
            elif media.added:
                message = f"added the media type {code(media.key)} for the response with the status {response.key}"
                yield found(MEDIA_TYPE_ADDED, pair, response.operation, media.pointer, message)


def _header_required(header: dict | None) -> bool:
    return bool(header and header.get("required"))


def _header_change(response: NodePair, header: NodePair) -> tuple[Check, str] | None:
    name, status = code(header.key), response.key
    if header.removed:
        if _header_required(header.base):
            return REQUIRED_HEADER_REMOVED, f"removed the required response header {name} for the status {status}"
        return OPTIONAL_HEADER_REMOVED, f"removed the optional response header {name} for the status {status}"
    if header.added:
        return HEADER_ADDED, f"added the response header {name} for the status {status}"
    if _header_required(header.base) and not _header_required(header.head):
        return HEADER_BECAME_OPTIONAL, f"the response header {name} became optional for the status {status}"
    return None


@rule(REQUIRED_HEADER_REMOVED, OPTIONAL_HEADER_REMOVED, HEADER_BECAME_OPTIONAL, HEADER_ADDED)
def response_headers(pair: DocumentPair) -> Iterator[Finding]:
    """Headers clients read (``Location``...). Rate-limit headers have their own rule."""
    for response in pair.responses:
        for header in pair.children(response, "headers"):
            if is_rate_limit_header(header.key):
                continue
            change = _header_change(response, header)
            if change is not None:
                yield found(change[0], pair, response.operation, header.pointer, change[1])
