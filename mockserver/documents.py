"""The contract's documents as the mock mounts them: one Connexion ``Specification`` per document and base path.

Both documents use the same operationIds, and Connexion looks operations up by operationId within a base
path, so each document is mounted under its own base path (``/api``, ``/v1``) with that prefix taken off its
paths; the URLs a client calls are exactly the spec's.

Connexion validates a document against the OpenAPI schema every time it loads one, which was a third of the
mock's start-up. The verdict depends on nothing but the document, so it is kept like a ``.pyc``: a
document whose digest passed once (a marker file named by the digest in the cache folder) is loaded
without validating it again; a changed document is validated, and an invalid one still stops the mock.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from connexion.spec import OpenAPISpecification

from conformance import spec

logger = logging.getLogger("mockserver.documents")
_CONNEXION_VERSION = importlib.metadata.version("connexion")


class VerifiedSpecification(OpenAPISpecification):
    """Connexion's specification of a document already known to be valid (see the module docstring)."""

    @classmethod
    def _validate_spec(cls, spec: Any) -> None:
        return None


def base_path(paths: Mapping[str, Any]) -> str:
    """The first path segment every path of a document shares (``/api``, ``/v1``)."""
    firsts = {"/" + path.strip("/").split("/", 1)[0] for path in paths}
    if len(firsts) != 1:
        raise ValueError(f"paths do not share a first segment: {sorted(firsts)}")
    return firsts.pop()


def mounted_document(name: str) -> tuple[str, dict[str, Any]]:
    """A copy of a bundled document with its common first segment moved from the paths to the base path.

    The copy goes through orjson, which is a fast deep copy and makes every key a string (YAML reads
    response codes as integers; Connexion wants strings).
    """
    document = orjson.loads(orjson.dumps(spec.bundled(name), option=orjson.OPT_NON_STR_KEYS))
    base = base_path(document["paths"])
    document["paths"] = {path[len(base):]: item for path, item in document["paths"].items()}
    document["servers"] = [{"url": base}]
    return base, document


def specification(document: dict[str, Any], cache_dir: Path | None) -> OpenAPISpecification:
    """Connexion's specification of ``document``, validated unless this exact document passed before."""
    marker = _marker(document, cache_dir)
    if marker is not None and marker.exists():
        return VerifiedSpecification(document)
    loaded = OpenAPISpecification(document)  # raises InvalidSpecification for an invalid document
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError as error:  # a read-only home: validate on every start, as Connexion does
            logger.debug("cannot record the verdict in %s: %s", marker.parent, error)
    return loaded


def _marker(document: Mapping[str, Any], cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    digest = hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS))
    digest.update(_CONNEXION_VERSION.encode())  # the verdict is Connexion's: a new version judges anew
    return cache_dir / "valid-openapi" / digest.hexdigest()
