"""``Prefer: dynamic=true`` on a list keeps the contract: 1,000 seeded draws of a list, a page and filters (values
made up from each parameter's schema), each answer judged by the project's own checks (the conformance suite's
list shape, every response check of the contract), its rows holding to the filters, and the next page of the
same query agreeing on ``total`` and sharing no row.

The main branch before issue 16 answered every dynamic list ``limit=50, offset=0`` whatever was asked: the first
draw with a ``limit`` failed the list-shape check.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from conformance.checks.envelope import list_shape_problems
from conformance.operations import Contract, Operation
from contract.spec import bundled
from mockserver.fake import SchemaFaker
from mockserver.stores.timestamps import parse_timestamp
from tests.support.client import MockClient
from tests.support.servers import PLANS, RAISED_LIMIT

DRAWS = 1000
SEED = 20260116
PAGING = ("limit", "offset")
PROJECTS = ("proj_northwind", "proj_lumen", "proj_orbital")


def lists() -> list[Operation]:
    return [op for api in ("v1", "internal") for op in Contract.load(api).lists]


def draw_query(rng: random.Random, faker: SchemaFaker, operation: Operation) -> dict[str, Any]:
    """A page (often left to its defaults) and, each with a chance of one in three, every filter the list has."""
    query: dict[str, Any] = {}
    if rng.random() < 0.8:
        query["limit"] = rng.randint(1, 100)
    if rng.random() < 0.7:
        query["offset"] = rng.choice((0, rng.randint(0, 40), rng.randint(0, 200)))
    for (where, name), parameter in operation.parameters.items():
        if where == "query" and name not in PAGING and rng.random() < 1 / 3:
            query[name] = faker(parameter["schema"], name)
    return query


def encoded(query: dict[str, Any]) -> dict[str, str]:
    """Query values as a client sends them: arrays comma-separated (``style: form, explode: false``)."""
    def one(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ",".join(map(one, value))
        return str(value)
    return {name: one(value) for name, value in query.items()}


def filter_problems(row: dict[str, Any], query: dict[str, Any]) -> Iterator[str]:
    """What a row breaks of the filters that name one of its fields (``search`` is each list's own business)."""
    for name, value in query.items():
        if name == "tags":
            if not set(value) & set(row["tags"]):
                yield f"{row['id']} has none of tags {value}"
        elif name == "show_archived":
            if not value and row["is_archived"]:
                yield f"{row['id']} is archived"
        elif name in ("date_from", "date_to"):
            created, bound = parse_timestamp(row["created_at"]), parse_timestamp(value)
            if (created < bound) if name == "date_from" else (created > bound):
                yield f"{row['id']} was created {row['created_at']}, outside {name}={value}"
        elif name == "is_champion":
            if value and row["is_champion"] is not True:
                yield f"{row['id']} is no champion"
        elif name == "stage":
            if (row.get("company") or {}).get("stage") != value:
                yield f"{row['id']}'s company is not at stage {value}"
        elif name in row and row[name] != value:
            yield f"{row['id']} has {name}={row[name]!r}, the filter asked {value!r}"
    if "show_archived" not in query and row.get("is_archived"):
        yield f"{row['id']} is archived (hidden by default)"


@pytest.fixture(scope="module")
def client(judge) -> Iterator[MockClient]:
    from tests.support.apps import hermetic_app

    raised = {plan: RAISED_LIMIT for plan in PLANS}
    mock = MockClient(hermetic_app(seed=3, rate_limits=raised), judge)  # the judge: every response check, each answer
    yield mock
    mock.close()


def test_dynamic_lists_keep_the_contract_across_1000_seeded_draws(client: MockClient) -> None:
    rng = random.Random(SEED)
    faker = SchemaFaker(bundled("v1"), random.Random(SEED), now=datetime(2026, 1, 20))
    keys = {project: next(k.key for k in client.app.mock.fixture.keys
                          if k.project_id == project and k.permission == "full") for project in PROJECTS}
    operations = lists()
    seen_rows = 0
    for _ in range(DRAWS):
        operation, project = rng.choice(operations), rng.choice(PROJECTS)
        query = draw_query(rng, faker, operation)
        path = operation.url(project)
        page = client.get(path, key=keys[project], params=encoded(query), headers={"Prefer": "dynamic=true"})
        assert page.status_code == 200, (path, query, page.text[:300])
        body = page.json()
        sent = encoded(query)
        assert list(list_shape_problems(operation, body, sent)) == [], (path, query)
        problems = [problem for row in body["data"] for problem in filter_problems(row, query)]
        assert problems == [], (path, query, problems[:3])
        following = {**sent, "offset": str(body["offset"] + body["limit"])}
        after = client.get(path, key=keys[project], params=following, headers={"Prefer": "dynamic=true"}).json()
        assert list(list_shape_problems(operation, after, following)) == [], (path, following)
        assert after["total"] == body["total"], (path, query, "the next page disagrees on total")
        assert not {row["id"] for row in after["data"]} & {row["id"] for row in body["data"]}, (path, query)
        seen_rows += len(body["data"])
    assert client.responses == 2 * DRAWS
    assert seen_rows > 5 * DRAWS, "most draws return rows (the filters are not all impossible)"


def test_the_same_seed_makes_the_same_rows(judge) -> None:
    from tests.support.apps import hermetic_app

    pages = []
    for _ in range(2):
        mock = MockClient(hermetic_app(seed=11), judge)
        key = next(k.key for k in mock.app.mock.fixture.keys if k.label == "read-only")
        pages.append(mock.get("/v1/sessions?limit=100", key=key, headers={"Prefer": "dynamic=true"}).json())
        mock.close()
    assert pages[0] == pages[1] and pages[0]["total"] > 0
