"""The pytest plugin: a backend team's own test run gets one test per check, with curls on failure."""

from __future__ import annotations

import subprocess
import sys

import pytest

CONFTEST = """
import warnings
import pytest
warnings.simplefilter("ignore")
from conformance.target import Target, from_mock
from tests.support.apps import hermetic_app

@pytest.fixture(scope="session")
def hissuno_target():
    app = hermetic_app()
    WRAP
    return from_mock(Target(base_url="", api_key="", app=app))
"""
TESTS = """
def test_contract(hissuno_check):
    hissuno_check.assert_passed()

def test_report(hissuno_report):
    assert hissuno_report.passed > 0
"""
ARGS = [
    "-p",
    "conformance.pytest_plugin",
    "--hissuno-api",
    "v1",
    "--hissuno-checks",
    "auth.missing_key,auth.revoked_key",
]


def test_one_test_per_check_passes_against_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.replace("WRAP", ""))
    pytester.makepyfile(TESTS)
    result = pytester.runpytest_subprocess(*ARGS, "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["*test_contract?auth.missing_key? PASSED*", "*test_contract?auth.revoked_key? PASSED*"]
    )


def test_a_broken_backend_fails_with_the_curl(pytester: pytest.Pytester) -> None:
    wrap = "from tests.mutants.mutants import AcceptsMissingKey; app = AcceptsMissingKey()"
    pytester.makeconftest(CONFTEST.replace("WRAP", wrap))
    pytester.makepyfile(TESTS)
    result = pytester.runpytest_subprocess(*ARGS)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*auth.missing_key failed on 10 operation(s)*", "*curl -i -X GET http://testserver/v1/sessions*"]
    )
    # A check stops after 10 failing operations (--max-failures) and says so for the rest.


def test_a_key_the_server_refuses_is_an_error_not_a_pass(pytester: pytest.Pytester) -> None:
    wrap = (
        "from dataclasses import replace; "
        "return replace(from_mock(Target(base_url='', api_key='', app=app)), api_key='hss_wrong0000')"
    )
    pytester.makeconftest(CONFTEST.replace("WRAP", wrap))
    pytester.makepyfile(TESTS)
    result = pytester.runpytest_subprocess(*ARGS)
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*hissuno conformance cannot run: the server refused the API key*"])
    assert result.ret != 0


def test_without_a_target_the_fixture_says_what_to_give(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS)
    result = pytester.runpytest_subprocess("-p", "conformance.pytest_plugin", "-k", "test_report")
    result.stdout.fnmatch_lines(["*give --hissuno-base-url*"])
    assert result.ret != 0


def test_importing_the_plugin_is_cheap_and_inert() -> None:
    heavy = "('schemathesis', 'requests', 'rich')"
    code = f"import sys, conformance.pytest_plugin; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
