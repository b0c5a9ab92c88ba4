"""Where the SDKs and the proofs' inputs are, and what the document the SDKs were generated from declares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixture.yaml"
SDKS = REPO / "sdks"
BUNDLE = SDKS / "v1.json"
TYPESCRIPT = SDKS / "typescript"


def declared_error_statuses() -> list[int]:
    """Every 4xx/5xx status some /v1 operation declares, read from the document the SDKs were generated from."""
    document: dict[str, Any] = json.loads(BUNDLE.read_text(encoding="utf-8"))
    statuses = {
        int(status)
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "responses" in operation
        for status in operation["responses"]
        if status.isdigit() and int(status) >= 400
    }
    return sorted(statuses)


def declared_event_types() -> list[str]:
    """Every webhook event type the document declares."""
    document: dict[str, Any] = json.loads(BUNDLE.read_text(encoding="utf-8"))
    types: list[str] = document["components"]["schemas"]["EventType"]["enum"]
    return types


def example_resource(schema: str) -> dict[str, Any]:
    """The first example in the document the SDKs were generated from that is a whole ``schema`` object: its ``id``
    has the schema's prefix and it has every required property."""
    document: dict[str, Any] = json.loads(BUNDLE.read_text(encoding="utf-8"))
    declared = document["components"]["schemas"][schema]
    prefix = declared["properties"]["id"]["pattern"].removeprefix("^").split("_")[0] + "_"
    found = [value for value in walk(document) if str(value.get("id", "")).startswith(prefix)
             and set(declared["required"]) <= set(value)]
    assert found, f"the document has no example of a whole {schema}"
    return found[0]


def walk(node: Any) -> list[dict[str, Any]]:
    """Every object in a JSON document, depth first."""
    if isinstance(node, list):
        return [found for item in node for found in walk(item)]
    if not isinstance(node, dict):
        return []
    return [node, *(found for value in node.values() for found in walk(value))]
