"""pytest plugin: the Hissuno conformance suite inside a backend team's own test run.

Installed with the package (entry point ``pytest11``); without it, enable it with
``pytest -p conformance.pytest_plugin``. It stays inert until a test asks for one of its fixtures, and
importing it loads nothing heavy (the engine is imported when the suite first runs).

Point it at a server with ``--hissuno-base-url`` and keys (``--hissuno-api-key`` ... or
``--hissuno-mock-keys``), or override the ``hissuno_target`` fixture to test an ASGI app in-process. The main
key is checked before anything runs: a key the server refuses is an error of every test, never a pass.
A known divergence (``--hissuno-known-divergences FILE``) is an xfail::

    def test_hissuno_contract(hissuno_check):
        hissuno_check.assert_passed()        # one test per check, failing with the curl to reproduce

    def test_fully_conformant(hissuno_report):
        assert hissuno_report.failed == 0
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conformance.engine import RunOptions
    from conformance.results import CheckResult, RunReport
    from conformance.target import Target

KEY_OPTIONS = (
    ("api_key", "main key (full permission)"),
    ("project_id", "the main key's project (internal API)"),
    ("other_api_key", "a key of another project"),
    ("other_project_id", "that other project's id"),
    ("read_only_key", "a read-only key of the main project"),
    ("standard_key", "a standard key of the main project"),
    ("revoked_key", "a revoked or expired key"),
    ("rate_limit_key", "a key nothing else uses"),
    ("session_cookie", "a session cookie (name=value) of an owner of the main project"),
    ("member_session_cookie", "a session cookie (name=value) of a member (not an owner) of the main project"),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hissuno", "Hissuno API conformance")
    group.addoption("--hissuno-base-url", default=None, help="root URL of the server under test")
    for name, text in KEY_OPTIONS:
        group.addoption(f"--hissuno-{name.replace('_', '-')}", dest=f"hissuno_{name}", default=None, help=text)
    group.addoption("--hissuno-mock-keys", action="store_true", help="take missing keys from GET /__mock/keys")
    group.addoption("--hissuno-api", default="all", choices=("v1", "internal", "all"), help="API to check")
    group.addoption("--hissuno-profile", default="quick", choices=("quick", "full"), help="how thorough")
    group.addoption("--hissuno-seed", type=int, default=None, help="seed for Schemathesis' data generation")
    group.addoption("--hissuno-checks", default=None, help="comma-separated families or checks (default: all)")
    group.addoption("--hissuno-max-time", type=float, default=None, help="seconds for the whole run")
    group.addoption("--hissuno-known-divergences", default=None, help="YAML register of known divergences (they xfail)")
    group.addoption("--hissuno-trigger-url", default=None, help="where to make the server emit any webhook event")
    group.addoption("--hissuno-webhook-receiver-url", default=None, help="public URL of a tunnel to the webhook inbox")
    group.addoption("--hissuno-webhook-receiver-port", type=int, default=None, help="port of the webhook inbox")
    group.addoption("--hissuno-webhook-wait", type=float, default=None, help="seconds to wait for webhook deliveries")


def _option(config: pytest.Config, name: str) -> Any:
    """A command-line value, else the ``HISSUNO_<NAME>`` environment variable."""
    value = config.getoption(f"hissuno_{name}")
    return value if value not in (None, False) else os.environ.get(f"HISSUNO_{name.upper()}")


@pytest.fixture(scope="session")
def hissuno_target(pytestconfig: pytest.Config) -> Target:
    """The server under test, from the ``--hissuno-*`` options (override this fixture for an ASGI app)."""
    from conformance.target import SESSION_ROLES, Target, from_mock, session_cookie

    base_url = _option(pytestconfig, "base_url")
    if not base_url:
        raise pytest.UsageError("give --hissuno-base-url (or override the hissuno_target fixture)")
    keys = {name: _option(pytestconfig, name) for name, _ in KEY_OPTIONS}
    for name in SESSION_ROLES:
        keys[name] = session_cookie(keys[name], name)
    target = Target(base_url=base_url.rstrip("/"), **{**keys, "api_key": keys["api_key"] or ""},
                    trigger_url=_option(pytestconfig, "trigger_url"))
    return from_mock(target) if pytestconfig.getoption("hissuno_mock_keys") else target


@pytest.fixture(scope="session")
def hissuno_run_options(pytestconfig: pytest.Config) -> RunOptions:
    from pathlib import Path

    from conformance.budget import Budget
    from conformance.engine import APIS, RunOptions
    from conformance.profiles import PROFILES
    from conformance.register import Register, RegisterError
    from conformance.webhook_inbox import DEFAULT_WAIT, InboxSettings

    api = pytestconfig.getoption("hissuno_api")
    checks = pytestconfig.getoption("hissuno_checks")
    register_path = pytestconfig.getoption("hissuno_known_divergences")
    try:
        profile = pytestconfig.getoption("hissuno_profile")
        register = Register.load(Path(register_path), profile=profile) if register_path else None
    except RegisterError as error:
        raise pytest.UsageError(str(error)) from None
    return RunOptions(
        apis=APIS if api == "all" else (api,),
        profile=PROFILES[pytestconfig.getoption("hissuno_profile")],
        seed=pytestconfig.getoption("hissuno_seed"),
        checks=[name for name in checks.split(",") if name.strip()] if checks else None,
        budget=Budget(pytestconfig.getoption("hissuno_max_time")),
        register=register,
        webhook_inbox=InboxSettings(
            public_url=_option(pytestconfig, "webhook_receiver_url"),
            port=int(_option(pytestconfig, "webhook_receiver_port") or 0),
            wait=float(_option(pytestconfig, "webhook_wait") or DEFAULT_WAIT),
        ),
    )


@pytest.fixture(scope="session")
def hissuno_report(hissuno_target: Target, hissuno_run_options: RunOptions) -> RunReport:
    """The whole suite, run once per session, after checking that the server takes the main key."""
    from conformance.engine import execute, preflight
    from conformance.target import TargetError, probe

    try:
        probe(hissuno_target)
        if not hissuno_target.api_key:
            raise TargetError("no API key: give --hissuno-api-key (or --hissuno-mock-keys against a mock)")
        preflight(hissuno_target, hissuno_run_options.apis)
    except TargetError as error:
        pytest.fail(f"hissuno conformance cannot run: {error}", pytrace=False)
    return execute(hissuno_target, hissuno_run_options)


@dataclass
class CheckOutcome:
    """Every result of one check across operations, as a test can assert it."""

    name: str
    results: list[CheckResult] = field(default_factory=list)

    def assert_passed(self) -> None:
        """Fail with each problem and its curl; xfail when every failure is a known divergence; skip when the
        check could not run (a key was missing) or cannot apply."""
        from conformance.results import Status

        failed = [r for r in self.results if r.status is Status.FAILED]
        if failed:
            lines = [f"{self.name} failed on {len(failed)} operation(s):"]
            for result in failed:
                for problem in result.problems:
                    lines.append(f"- {result.operation}: {problem.message}")
                    if problem.curl:
                        lines.append(f"  {problem.curl}")
            raise AssertionError("\n".join(lines))
        known = [r for r in self.results if r.status is Status.KNOWN]
        if known:
            pytest.xfail(f"{self.name}: {'; '.join(sorted({r.reason for r in known}))}")
        if not any(r.status is Status.PASSED for r in self.results):
            reasons = sorted({r.reason for r in self.results}) or ["not run by the selected checks or APIs"]
            pytest.skip(f"{self.name}: {'; '.join(reasons)}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test asking for ``hissuno_check`` runs once per check of the selection."""
    if "hissuno_check" not in metafunc.fixturenames:
        return
    from conformance.checks import select

    checks = metafunc.config.getoption("hissuno_checks")
    names = sorted(select(checks.split(",") if checks else None).wanted)
    metafunc.parametrize("hissuno_check", names, ids=names, indirect=True)


@pytest.fixture
def hissuno_check(request: pytest.FixtureRequest, hissuno_report: RunReport) -> CheckOutcome:
    name = request.param
    return CheckOutcome(name, [r for r in hissuno_report.results if r.check == name])
