"""A HAR recording of every exchange of a run (``--har FILE``): Schemathesis' requests and our checks' alike.

Schemathesis writes its own exchanges with its ``HarWriter`` (the one behind ``schemathesis run --report har``);
our checks' exchanges are added as HAR entries of the same shape, and the file is written sorted by time when
the run ends (also when it is interrupted). Keys are replaced by ``[Filtered]``, so the file can be kept as a CI
artifact.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from schemathesis.config import OutputConfig, SanitizationConfig
from schemathesis.reporting.har import HarWriter

from conformance.client import Exchange

FILTERED = "[Filtered]"
SECRET_NAMES = ("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api_key",
                "access_token")  # fmt: skip


class HarRecording:
    """Collects a run's exchanges; :meth:`close` writes them to ``path`` as one HAR 1.2 file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._buffer = StringIO()
        sanitization = SanitizationConfig(keys_to_sanitize=SECRET_NAMES, replacement=FILTERED)
        self._writer = HarWriter(self._buffer, OutputConfig(sanitization=sanitization))
        self._writer.open()
        self._ours: list[dict[str, Any]] = []
        self._closed = False

    def scenario(self, recorder: Any) -> None:
        """A Schemathesis scenario's exchanges (a ``ScenarioFinished`` event's recorder)."""
        self._writer.write(recorder)

    def add(self, exchange: Exchange) -> None:
        """One exchange of our own checks."""
        started = time.time() - (time.monotonic() - exchange.sent_at) if exchange.sent_at else time.time()
        elapsed = round(max(0.0, exchange.received_at - exchange.sent_at) * 1000, 2)
        self._ours.append(
            {
                "startedDateTime": datetime.fromtimestamp(started, UTC).isoformat(),
                "time": elapsed,
                "request": _request(exchange),
                "response": _response(exchange),
                "cache": {},
                "timings": {"send": 0, "wait": elapsed, "receive": 0},
                "comment": "hissuno-conformance check",
            }
        )

    def close(self) -> int:
        """Write the file (once); returns how many exchanges it holds."""
        if self._closed:
            return 0
        self._closed = True
        self._writer.close()
        document = json.loads(self._buffer.getvalue())
        entries = document["log"].get("entries", []) + self._ours
        entries.sort(key=lambda entry: entry.get("startedDateTime", ""))
        document["log"]["entries"] = entries
        document["log"]["creator"] = {"name": "hissuno-conformance", "version": _version()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        return len(entries)


def _request(exchange: Exchange) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": _masked_url(exchange.url),
        "httpVersion": "HTTP/1.1",
        "headers": _records(exchange.request_headers),
        "queryString": _records(dict(_query(exchange.url))),
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(exchange.body or b""),
    }
    if exchange.body is not None:
        mime = exchange.request_headers.get("Content-Type", "")
        request["postData"] = {"mimeType": mime, "text": exchange.body.decode("utf-8", "replace")}
    return request


def _response(exchange: Exchange) -> dict[str, Any]:
    return {
        "status": exchange.status,
        "statusText": "",
        "httpVersion": "HTTP/1.1",
        "headers": _records(exchange.headers),
        "cookies": [],
        "content": {"size": len(exchange.content), "mimeType": exchange.content_type, "text": exchange.text},
        "redirectURL": exchange.headers.get("Location", ""),
        "headersSize": -1,
        "bodySize": len(exchange.content),
    }


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _masked_url(url: str) -> str:
    """The URL with secrets in its query (``?api_key=``) replaced."""
    parts = urlsplit(url)
    query = [(name, FILTERED if name.lower() in SECRET_NAMES else value) for name, value in _query(url)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _records(headers: Any) -> list[dict[str, str]]:
    return [
        {"name": name, "value": FILTERED if name.lower() in SECRET_NAMES else str(value)}
        for name, value in headers.items()
    ]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hissuno-contract")
    except PackageNotFoundError:
        return "0"
