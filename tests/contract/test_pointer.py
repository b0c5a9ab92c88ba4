"""JSON pointers and local ``$ref``s: the one helper lint, review and the loaders share."""

from __future__ import annotations

import pytest

from contract.pointer import deref, join, pointer, resolve, split

DOCUMENT = {
    "paths": {"/v1/sessions": {"get": {"parameters": [{"$ref": "#/components/parameters/Limit"}]}}},
    "components": {
        "parameters": {"Limit": {"name": "limit"}, "Alias": {"$ref": "#/components/parameters/Limit"}},
        "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}},
        "odd~name/x": {"value": 1},
    },
}


def test_keys_with_slash_and_tilde_round_trip() -> None:
    built = pointer("paths", "/v1/sessions", "a~b")
    assert built == "/paths/~1v1~1sessions/a~0b"
    assert split(built) == ["paths", "/v1/sessions", "a~b"]
    assert join(built, "get") == built + "/get"


def test_the_root_is_slash_and_splits_to_nothing() -> None:
    assert pointer() == "/"
    assert split("/") == [] and split("") == []


def test_resolve_follows_a_chain_of_refs() -> None:
    assert resolve(DOCUMENT, {"$ref": "#/components/parameters/Alias"}) == {"name": "limit"}
    assert resolve(DOCUMENT, {"$ref": "#/components/odd~0name~1x"}) == {"value": 1}
    assert resolve(DOCUMENT, {"$ref": "#/paths/~1v1~1sessions/get/parameters/0"}) == {"name": "limit"}


def test_resolve_leaves_anything_but_a_local_ref_alone() -> None:
    external = {"$ref": "components.yaml#/components/parameters/Limit"}
    assert resolve(DOCUMENT, external) is external
    assert resolve(DOCUMENT, [1]) == [1]


def test_resolve_of_a_dangling_ref_is_a_key_error_and_a_cycle_a_value_error() -> None:
    with pytest.raises(KeyError):
        resolve(DOCUMENT, {"$ref": "#/components/parameters/Nope"})
    with pytest.raises(ValueError, match="circular"):
        resolve(DOCUMENT, {"$ref": "#/components/schemas/A"})


def test_deref_reports_where_the_ref_led() -> None:
    node, where = deref(DOCUMENT, {"$ref": "#/components/parameters/Alias"}, "/paths/x")
    assert node == {"name": "limit"} and where == "/components/parameters/Limit"
    assert deref(DOCUMENT, {"name": "inline"}, "/here") == ({"name": "inline"}, "/here")


def test_deref_of_a_dangling_ref_or_a_cycle_is_an_empty_node() -> None:
    assert deref(DOCUMENT, {"$ref": "#/components/parameters/Nope"}, "/x") == ({}, "/components/parameters/Nope")
    node, where = deref(DOCUMENT, {"$ref": "#/components/schemas/A"}, "/x")
    assert node == {} and where.startswith("/components/schemas/")
