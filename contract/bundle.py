"""The bundled document: one self-contained file per API, exactly what the mock serves and SDK generators read.

Shared components stay under ``components`` (referenced, not inlined), paths stay as the source writes them,
and ``servers`` lists the local mock and a placeholder for the real base URL, as the source does. The same
function makes the mock's ``/v1/openapi.json`` and ``hissuno-contract bundle``'s output, so the two cannot
drift; ``--openapi 3.1`` converts the result (:mod:`contract.openapi31`).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Literal

import yaml

from contract.openapi31 import to_openapi_31
from contract.spec import load_bundled_file

Format = Literal["json", "yaml"]
Version = Literal["3.0", "3.1"]
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def published(path: Path, openapi: Version = "3.0") -> dict[str, Any]:
    """The bundle of the document at ``path``: JSON data (string keys, dates as text), in 3.0 or 3.1."""
    document = _json_ready(load_bundled_file(path))
    return to_openapi_31(document) if openapi == "3.1" else document


def render(document: dict[str, Any], output_format: Format) -> str:
    """The document as text: two-space JSON, or block-style YAML in the document's key order."""
    if output_format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(document, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=120)


def _json_ready(node: Any) -> Any:
    """YAML data as JSON data: keys as text (``200:`` is ``"200"``), dates and times in ISO 8601."""
    if isinstance(node, dict):
        return {str(key): _json_ready(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_json_ready(value) for value in node]
    if isinstance(node, datetime.date | datetime.datetime):
        return node.isoformat()
    return node
