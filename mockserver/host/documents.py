"""The contract's documents as Connexion mounts them: one ``Specification`` per document, under its own base path.

Both documents use the same operationIds and Connexion looks operations up within a base path, so each is
mounted under its paths' common first segment (``/api``, ``/v1``); the URLs a client calls are exactly the
spec's. What ``/v1/openapi.json`` and ``/v1/openapi.yaml`` serve is not that mounted copy but the bundle itself
(:func:`contract.bundle.published`, what ``hissuno-contract bundle`` writes). The bundled documents and
Connexion's verdict on them are kept in the cache folder under a digest of their inputs.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from connexion.json_schema import resolve_refs
from connexion.spec import OpenAPISpecification

from contract import bundle, openapi31, spec

logger = logging.getLogger("mockserver.host.documents")
_CONNEXION_VERSION = importlib.metadata.version("connexion")


class Published:
    """What Connexion's ``openapi.json`` route serves (it reads ``.spec``): the bundle, whatever the mount."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.spec = document


class LoadedSpecification(OpenAPISpecification):
    """Connexion's specification, with the private copy of the document made by orjson instead of
    ``copy.deepcopy`` (several times faster; the document is plain JSON data), and serving ``published``."""

    def __init__(self, raw_spec: dict[str, Any], *, base_uri: str = "",
                 published: dict[str, Any] | None = None) -> None:
        self._raw_spec = orjson.loads(orjson.dumps(raw_spec))
        self._set_defaults(raw_spec)
        self._validate_spec(raw_spec)
        self._spec = resolve_refs(raw_spec, base_uri=base_uri)
        self._base_uri = base_uri
        self._published = published

    def with_base_path(self, base_path: str) -> Any:
        """Connexion asks for the served document this way (a deep copy with its servers rewritten)."""
        return Published(self._published) if self._published is not None else super().with_base_path(base_path)


class VerifiedSpecification(LoadedSpecification):
    """Connexion's specification of a document already known to be valid (see the module docstring)."""

    @classmethod
    def _validate_spec(cls, spec: Any) -> None:
        return None


@functools.cache
def bundled(name: str, cache_dir: Path | None = None) -> dict[str, Any]:
    """The bundled document (shared by every app of the process: read-only), from the cache when the
    source files and the bundler are the ones it was made from."""
    directory = spec.spec_dir()
    sources = (spec.document_path(name, directory), directory / spec.SHARED_FILE,
               *(Path(module.__file__) for module in (spec, bundle, openapi31)))
    digest = hashlib.sha256(name.encode())
    for source in sources:
        digest.update(source.read_bytes())
    cached = cache_dir / "bundles" / f"{name}-{digest.hexdigest()}.json" if cache_dir is not None else None
    if cached is not None and cached.exists():
        return orjson.loads(cached.read_bytes())
    document = bundle.published(spec.document_path(name, directory))
    if cached is not None:
        _write(cached, orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS))
    return document


def _write(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (another process may be reading or writing the same one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:  # a read-only home: do the work on every start, as before
        logger.debug("cannot write %s: %s", path, error)


def base_path(paths: Mapping[str, Any]) -> str:
    """The first path segment every path of a document shares (``/api``, ``/v1``)."""
    firsts = {"/" + path.strip("/").split("/", 1)[0] for path in paths}
    if len(firsts) != 1:
        raise ValueError(f"paths do not share a first segment: {sorted(firsts)}")
    return firsts.pop()


def mounted_document(name: str, cache_dir: Path | None = None) -> tuple[str, dict[str, Any]]:
    """A copy of a bundled document with its common first segment moved from the paths to the base path.

    The copy goes through orjson, which is a fast deep copy and makes every key a string (YAML reads
    response codes as integers; Connexion wants strings).
    """
    document = orjson.loads(orjson.dumps(bundled(name, cache_dir), option=orjson.OPT_NON_STR_KEYS))
    base = base_path(document["paths"])
    document["paths"] = {path[len(base):]: item for path, item in document["paths"].items()}
    document["servers"] = [{"url": base}]
    return base, document


def specification(document: dict[str, Any], cache_dir: Path | None,
                  published: dict[str, Any] | None = None) -> OpenAPISpecification:
    """Connexion's specification of ``document`` (serving ``published``), validated unless this exact document
    passed before."""
    marker = _marker(document, cache_dir)
    if marker is not None and marker.exists():
        return VerifiedSpecification(document, published=published)
    loaded = LoadedSpecification(document, published=published)  # InvalidSpecification for an invalid document
    if marker is not None:
        _write(marker, b"")
    return loaded


def _marker(document: Mapping[str, Any], cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    digest = hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS))
    digest.update(_CONNEXION_VERSION.encode())  # the verdict is Connexion's: a new version judges anew
    return cache_dir / "valid-openapi" / digest.hexdigest()
