"""The lists ``Prefer: dynamic=true`` answers: the mock's own list handlers over rows made up from the contract's
schemas, so a made-up page honours ``limit``, ``offset`` and every filter, and its ``total`` agrees with every
other page of the same query.

A project's rows of a kind are made on the first such request, from a generator seeded with the mock's seed, the
project and the kind (the same seed makes the same rows), and kept in a store of their own, apart from the
project's data; the list operations and their item schemas are read from the contract.
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from contract.pointer import resolve
from contract.spec import operations
from mockserver import api_keys
from mockserver.fake import SchemaFaker
from mockserver.handlers import operation_table
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import SCHEMA_OF_KIND, Views
from mockserver.stores.memory import MemoryStore

Doc = dict[str, Any]
Handler = Callable[[Call], Reply]
ROWS_PER_KIND = (20, 120)
"""How many rows a project's made-up list holds, drawn per project and kind: a few pages of the default 50."""
COMPANIES = "companies"
MADE_UP_SCHEMAS = {**SCHEMA_OF_KIND, api_keys.KIND: "ApiKey"}
"""The item schema of each kind a made-up list may hold."""
NAMESPACE_OF_KIND = {api_keys.KIND: api_keys.ACCESS}
"""Kinds stored outside their project's namespace (with a ``project_id`` field), as the real handlers read them."""


def list_kinds(document: Mapping[str, Any]) -> dict[str, str]:
    """``{operationId: kind}`` of every list the document declares, by the item schema of its ``data``."""
    kind_of_schema = {name: kind for kind, name in MADE_UP_SCHEMAS.items()}
    found: dict[str, str] = {}
    for _, method, operation in operations(document):
        schema = _success_schema(document, operation) if method == "get" else {}
        items = _data_items(document, schema)
        name = items.get("$ref", "").rsplit("/", 1)[-1] if isinstance(items, Mapping) else ""
        if name in kind_of_schema:
            found[operation["operationId"]] = kind_of_schema[name]
    return found


def _success_schema(document: Mapping[str, Any], operation: Mapping[str, Any]) -> Mapping[str, Any]:
    response = resolve(document, operation.get("responses", {}).get("200", {}))
    return resolve(document, response.get("content", {}).get("application/json", {}).get("schema", {}))


def _data_items(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Any:
    """The ``items`` of the envelope's ``data`` (its ``allOf`` parts looked through)."""
    for part in [schema, *(resolve(document, p) for p in schema.get("allOf", ()))]:
        data = resolve(document, part.get("properties", {}).get("data", {}))
        if data.get("items"):
            return data["items"]
    return {}


def made_up_rows(faker: SchemaFaker, schema: Mapping[str, Any], count: int) -> list[Doc]:
    """``count`` instances of ``schema``, each id made unique (digits appended keep an id's pattern)."""
    rows: list[Doc] = []
    taken: set[str] = set()
    for index in range(count):
        row = faker(schema)
        if row["id"] in taken:
            row["id"] = f"{row['id']}{index}"
        taken.add(row["id"])
        rows.append(row)
    return rows


def companies_of(customers: Iterable[Doc]) -> list[Doc]:
    """The companies made-up customers show, stored by domain as the customers list looks them up."""
    return [{**customer["company"], "id": customer["company"]["domain"]}
            for customer in customers if isinstance(customer.get("company"), dict)]


class MadeUpLists:
    """The list handlers of the made-up rows, one store per project and kind, built on first use."""

    def __init__(self, document: Mapping[str, Any], seed: int, now: datetime | None = None,
                 views: Views | None = None) -> None:
        """``document``: the contract whose schemas the rows follow; ``now``: the moment their dates lead up to;
        ``views``: what the lists show of a row (by default read from ``document``)."""
        self.document = document
        self.seed = seed
        self.now = now
        self.views = views or Views(document)
        self.kinds = list_kinds(document)
        self._tables: dict[tuple[str, str], dict[str, Handler]] = {}
        self._lock = threading.Lock()

    def handlers(self) -> dict[str, Handler]:
        """``{operationId: handler}`` for every list of the contract."""
        return {operation_id: functools.partial(self._answer, operation_id, kind)
                for operation_id, kind in self.kinds.items()}

    def _answer(self, operation_id: str, kind: str, call: Call) -> Reply:
        return self._table(call.project_id, kind)[operation_id](call)

    def _table(self, project_id: str, kind: str) -> dict[str, Handler]:
        with self._lock:
            table = self._tables.get((project_id, kind))
            if table is None:
                namespace = NAMESPACE_OF_KIND.get(kind, project_id)
                store = MemoryStore({namespace: self._dataset(project_id, kind)}, seed=self.seed)
                table = self._tables[(project_id, kind)] = operation_table(store, self.views)
            return table

    def _dataset(self, project_id: str, kind: str) -> dict[str, list[Doc]]:
        rng = random.Random(f"{self.seed}:{project_id}:{kind}")
        faker = SchemaFaker(self.document, rng, now=self.now)
        schema = self.document["components"]["schemas"][MADE_UP_SCHEMAS[kind]]
        rows = made_up_rows(faker, schema, rng.randint(*ROWS_PER_KIND))
        if kind in NAMESPACE_OF_KIND:
            rows = [{**row, "project_id": project_id} for row in rows]
        return {kind: rows, COMPANIES: companies_of(rows)} if kind == "customers" else {kind: rows}
