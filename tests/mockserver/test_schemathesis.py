"""Schemathesis against both documents, in-process: no server error and no response that breaks the spec.

Positive and negative cases are generated (bounded, so the run stays under a minute); every response is
checked for server errors and for conformance (status code, content type, headers, body). Checks about
how requests are judged (``negative_data_rejection``) are the conformance suite's business: the contract
ignores unknown query parameters on purpose, and this test adds the key to every case, negative or not.
"""

from __future__ import annotations

import copy
import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from contract.spec import bundled
from mockserver.app import create_app
from mockserver.settings import Settings

warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

PROJECT = "proj_orbital"
FULL_KEY = "hss_muw53n5b06v05byohcbmrmjojy88"
APP = create_app(Settings(seed=3, rate_limits={"enterprise": "1000000/minute"}))



def load(name: str):
    schema = schemathesis.openapi.from_dict(copy.deepcopy(bundled(name)))  # Schemathesis edits the dict
    schema.app = APP
    return schema


internal = load("internal")
v1 = load("v1")
CHECKS = [not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance]
BOUNDS = settings(max_examples=30, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                         HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True, scope="module")
def _fresh_state():
    """Start from the seeded data, and leave it seeded for whoever comes next."""
    APP.mock.store.reset()
    yield
    APP.mock.store.reset()


@internal.parametrize()
@BOUNDS
def test_internal_document(case) -> None:
    if "projectId" in (case.path_parameters or {}):
        case.path_parameters["projectId"] = PROJECT
    case.call_and_validate(headers={"Authorization": f"Bearer {FULL_KEY}"}, checks=CHECKS)


@v1.parametrize()
@BOUNDS
def test_v1_document(case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {FULL_KEY}"}, checks=CHECKS)
