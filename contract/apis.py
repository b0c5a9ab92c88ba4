"""Which Hissuno API a document describes, read from the document itself: its paths, its servers, its ``info``.

A file's name says nothing (a served document saved as ``served-v1.json`` is still ``/v1``), and a served
document may carry ``/v1`` in its ``servers`` rather than in its paths, as Connexion serves it. So the paths are
read through the first server's path (:func:`normalised`), and :func:`describe_api` decides from those.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

PUBLIC = "v1"
INTERNAL = "internal"
_VARIABLE = re.compile(r"\{([^{}]*)\}")
_VERSION_SEGMENT = re.compile(r"(^|/)v\d+(/|$)")


def server_path(document: Mapping[str, Any]) -> str:
    """The path of the first server's URL, its variables at their defaults (``/v1``; ``""`` for none)."""
    servers = document.get("servers")
    server = servers[0] if isinstance(servers, list) and servers and isinstance(servers[0], dict) else {}
    url = server.get("url")
    if not isinstance(url, str):
        return ""
    variables = server.get("variables") if isinstance(server.get("variables"), dict) else {}

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match[1])
        return str(variable.get("default", "")) if isinstance(variable, dict) else ""

    return urlsplit(_VARIABLE.sub(default, url)).path.rstrip("/")


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the first server's path moved into its paths (a copy when there is one to move), so a
    document served under ``servers: [{url: /v1}]`` with ``/sessions`` reads ``/v1/sessions`` like its source."""
    prefix = server_path(document)
    paths = document.get("paths")
    if not prefix or not isinstance(paths, dict) or all(str(path).startswith(prefix + "/") for path in paths):
        return document
    moved = copy.copy(document)
    moved["paths"] = {prefix + str(path): item for path, item in paths.items()}
    moved["servers"] = [{**server, "url": _without_path(server)} for server in document["servers"]
                        if isinstance(server, dict)]
    return moved


def _without_path(server: dict[str, Any]) -> str:
    url = str(server.get("url", ""))
    path = urlsplit(url).path.rstrip("/")
    return url[: len(url) - len(path)] if path and url.rstrip("/").endswith(path) else url


def describe_api(document: Mapping[str, Any]) -> str | None:
    """``v1`` (the public API), ``internal``, or None when the document does not say."""
    paths = [str(path) for path in (normalised(dict(document)).get("paths") or {})]
    if paths and all(path == "/v1" or path.startswith("/v1/") for path in paths):
        return PUBLIC
    if paths and all(path.startswith("/api/") for path in paths):
        return INTERNAL
    info = document.get("info")
    title = str(info.get("title", "")).lower() if isinstance(info, dict) else ""
    if "public" in title:
        return PUBLIC
    if "internal" in title:
        return INTERNAL
    return None


def is_versioned_path(path: str) -> bool:
    """Whether a path carries a version segment (``/v1/...``): its breaking changes are never safe to merge."""
    return bool(_VERSION_SEGMENT.search(path))
