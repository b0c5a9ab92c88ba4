"""``Customer.company`` may be null, and the contract says so in a way every tool reads alike.

It used to be ``allOf: [Company]`` + ``nullable: true`` with no ``type``: OpenAPI 3.0.3 ignores such a
``nullable``, Spectral calls it an error, and the mock's own ``--validate-responses`` answered 500 for a
customer imported without a company. The proof runs that exact request.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from openapi_schema_validator import OAS30Validator

from contract.spec import load_bundled
from mockserver.app import create_app
from mockserver.settings import Settings

STANDARD_KEY = "hss_ivw74krcwb07bolzkrhcsuvrz8wj"  # proj_northwind, standard (fixtures/default.yaml)


async def _import_then_list(app: object) -> tuple[int, dict]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        headers = {"Authorization": f"Bearer {STANDARD_KEY}"}
        imported = await client.post(
            "/v1/customers/import", headers=headers, json={"customers": [{"email": "solo@example.com"}]}
        )
        assert imported.status_code == 200, imported.text
        listed = await client.get("/v1/customers", headers=headers, params={"search": "solo@example.com"})
        return listed.status_code, listed.json()


@pytest.mark.filterwarnings("ignore:.*starlette.testclient.*")
def test_a_customer_without_a_company_passes_the_mocks_response_validation() -> None:
    status, body = asyncio.run(_import_then_list(create_app(Settings(validate_responses=True, cache_dir=Path("off")))))
    assert status == 200, body
    assert [customer["company"] for customer in body["data"]] == [None]


@pytest.mark.parametrize("name", ["v1", "internal"])
def test_company_accepts_null_and_a_company_but_not_anything_else(name: str) -> None:
    document = load_bundled(name)
    schema = {**document, **document["components"]["schemas"]["Customer"]["properties"]["company"]}
    validator = OAS30Validator(schema)
    assert validator.is_valid(None)
    assert validator.is_valid({"name": "Northwind", "domain": "northwind.io", "stage": "active"})
    assert not validator.is_valid({"name": "Northwind"})
    assert not validator.is_valid("Northwind")
