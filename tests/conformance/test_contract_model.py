"""The contract model finds lists, creates, getters and links in the spec (nothing is hard-coded)."""

from __future__ import annotations

import pytest

from conformance.operations import ENVELOPE_FIELDS, Contract


@pytest.fixture(scope="module", params=["v1", "internal"])
def contract(request: pytest.FixtureRequest) -> Contract:
    return Contract.load(request.param)


def test_every_list_answers_the_envelope(contract: Contract) -> None:
    assert contract.lists
    for listing in contract.lists:
        assert listing.method == "GET"
        assert listing.schema_required(listing.response_schema(200)) >= ENVELOPE_FIELDS


def test_creates_answer_201_and_link_to_a_list(contract: Contract) -> None:
    assert contract.creates
    for create in contract.creates:
        assert create.success_status == 201
        assert contract.list_of(create) is not None


def test_a_create_with_a_getter_link_reads_back_by_id(contract: Contract) -> None:
    linked = [c for c in contract.creates if contract.getter_of(c)]
    assert linked
    for create in linked:
        getter, parameter = contract.getter_of(create)
        assert getter.is_getter
        assert f"{{{parameter}}}" in getter.path


def test_getters_belong_to_a_collection(contract: Contract) -> None:
    for getter in contract.getters:
        collection = contract.collection_of(getter)
        assert collection is not None
        assert getter.path.startswith(collection.path + "/")


def test_limit_bounds_come_from_the_spec(contract: Contract) -> None:
    for listing in contract.lists:
        minimum, maximum = listing.limit_bounds
        assert minimum is not None and maximum is not None and minimum < maximum


def test_project_scope_only_in_the_internal_api() -> None:
    assert Contract.load("internal").is_project_scoped
    assert not Contract.load("v1").is_project_scoped


def test_url_fills_project_and_ids() -> None:
    getter = Contract.load("internal").getters[0]
    url = getter.url("proj_a", **dict.fromkeys(getter.path_parameters, "x_1"))
    assert url.startswith("/api/projects/proj_a/") and url.endswith("/x_1")


def test_import_is_a_write_with_a_list_link_but_not_a_create() -> None:
    contract = Contract.load("v1")
    bulk = [op for op in contract.creates_with_body() if not op.is_create]
    assert bulk, "the spec has a bulk write that links to a list"
    for op in bulk:
        _, query = contract.list_of(op)
        assert all(value.startswith("$request.body#") for value in query.values())
