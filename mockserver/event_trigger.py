"""Fires any webhook event the contract declares, on demand (``POST /__mock/events``, ``hissuno-mock trigger``),
as ``stripe trigger`` does for Stripe: the one way to see ``issue.upvoted`` or ``knowledge_source.failed`` arrive
without first causing them.

The event types and the payload schema come from the ``callbacks`` of the v1 document. The event's ``data`` is
the project's newest object of the event's resource as the API shows it (``issue.*``: its newest issue), or the
contract's example of that resource when the project has none, with the caller's ``data`` fields on top; the
whole event must match the declared payload before anything is sent. It then goes to the project's webhooks
exactly as an event an operation caused (:class:`~mockserver.webhooks.WebhookRelay`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import jsonschema_rs

from contract.openapi31 import to_openapi_31
from contract.pointer import escape, resolve
from mockserver.stores.base import EVENT_NAMES, Store
from mockserver.stores.query import Doc
from mockserver.webhooks import WebhookRelay, new_event

JSON = "application/json"
MAX_PROBLEMS = 5
_KINDS = {name: kind for kind, name in EVENT_NAMES.items()}


class TriggerRefused(Exception):
    """An event that cannot be fired as asked: its status (404, 422) and a message saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def schema_name(resource: str) -> str:
    """``knowledge_source`` -> ``KnowledgeSource`` (the contract's name for the resource)."""
    return "".join(part.capitalize() for part in resource.split("_"))


class EventTrigger:
    """Builds, checks and fires one event of a declared type for a project."""

    def __init__(self, document: Mapping[str, Any], store: Store, present: Callable[[str, Doc], Doc],
                 relay: WebhookRelay, projects: Sequence[str]) -> None:
        self.document = document
        self.store = store
        self.present = present
        self.relay = relay
        self.projects = list(projects)
        self.converted = to_openapi_31(dict(document))
        payload = _payload_pointer(self.converted)
        self.validator = self._validator(payload)
        self.event_types = _event_types(self.converted, payload)
        self.resource_validators: dict[str, Any] = {}

    async def fire(self, event_type: Any, project_id: Any = None, data: Any = None) -> dict[str, Any]:
        """Fire ``event_type`` in ``project_id`` (the first project by default): ``{"event", "project_id",
        "deliveries"}`` (how many deliveries were queued); :class:`TriggerRefused` when it cannot be."""
        project = self._project(project_id)
        if event_type not in self.event_types:
            raise TriggerRefused(422, f"Unknown event type {event_type!r}: the contract declares "
                                      f"{', '.join(self.event_types)}.")
        if data is not None and not isinstance(data, dict):
            raise TriggerRefused(422, "The data must be a JSON object (fields to set on the event's data).")
        resource = event_type.split(".", 1)[0]
        current = await self.store.run(lambda: self._newest(project, resource))
        event = new_event(event_type, {**(current or self._example(resource)), **(data or {})})
        problems = self._problems(resource, event)
        if problems:
            raise TriggerRefused(422, f"The {event_type} event would not match the contract: {'; '.join(problems)}.")
        return {"event": event, "project_id": project, "deliveries": self.relay.deliver(project, event)}

    def _problems(self, resource: str, event: dict[str, Any]) -> list[str]:
        """Where the event breaks the declared payload: its data judged as its resource first (the payload's
        ``anyOf`` of every resource would only say that no branch matched), then the whole event."""
        name = schema_name(resource)
        if name in (self.converted.get("components", {}).get("schemas") or {}):
            if name not in self.resource_validators:
                self.resource_validators[name] = self._validator(f"#/components/schemas/{escape(name)}")
            found = list(islice(self.resource_validators[name].iter_errors(event["data"]), MAX_PROBLEMS))
            if found:
                return [f"data/{'/'.join(map(str, e.instance_path))}: {e.message}".replace("/:", ":")
                        for e in found]
        return [f"{'/'.join(map(str, e.instance_path)) or 'event'}: {e.message}"
                for e in islice(self.validator.iter_errors(event), MAX_PROBLEMS)]

    def _validator(self, pointer: str) -> Any:
        return jsonschema_rs.Draft202012Validator({**self.converted, "$ref": pointer}, validate_formats=True)

    def _project(self, project_id: Any) -> str:
        if project_id is None:
            return self.projects[0]
        if project_id not in self.projects:
            raise TriggerRefused(404, f"No project {project_id!r}: the mock has {', '.join(self.projects)}.")
        return str(project_id)

    def _newest(self, project_id: str, resource: str) -> Doc | None:
        kind = _KINDS.get(resource)
        docs = self.store.all(project_id, kind) if kind else []
        if not docs:
            return None
        newest = max(docs, key=lambda doc: (doc.get("created_at") or "", doc["id"]))
        return self.present(kind or "", newest)

    def _example(self, resource: str) -> dict[str, Any]:
        """The contract's first example of the resource (as a response shows it, or a list's first row)."""
        name = schema_name(resource)
        for schema, value in _response_examples(self.document):
            ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
            if ref == f"#/components/schemas/{name}" and isinstance(value, dict):
                return copy.deepcopy(value)
            rows = value.get("data") if isinstance(value, dict) else None
            if ref == f"#/components/schemas/{name}List" and isinstance(rows, list) and rows:
                return copy.deepcopy(rows[0])
        raise TriggerRefused(422, f"The project has no {resource} and the contract has no example of one.")


def _payload_pointer(document: Mapping[str, Any]) -> str:
    """Where the schema of the declared deliveries is, in the 3.1 document (its first webhook's body)."""
    for name, item in (document.get("webhooks") or {}).items():
        if JSON in ((item.get("post") or {}).get("requestBody") or {}).get("content", {}):
            return f"#/webhooks/{escape(name)}/post/requestBody/content/{escape(JSON)}/schema"
    raise ValueError("the document declares no webhook deliveries (callbacks)")


def _event_types(document: Mapping[str, Any], pointer: str) -> tuple[str, ...]:
    """The ``type`` values the payload schema allows."""
    schema = resolve(document, {"$ref": pointer})
    kind = resolve(document, (schema.get("properties") or {}).get("type", {}))
    return tuple(value for value in kind.get("enum", ()) if isinstance(value, str) and re.match(r"^\w+\.\w+$", value))


def _response_examples(document: Mapping[str, Any]) -> Iterator[tuple[Any, Any]]:
    """``(schema, example value)`` of every JSON response example of the document."""
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in (operation.get("responses") or {}).values():
                media = (resolve(document, response).get("content") or {}).get(JSON) or {}
                if "example" in media:
                    yield media.get("schema"), media["example"]
                for example in (media.get("examples") or {}).values():
                    yield media.get("schema"), resolve(document, example).get("value")
