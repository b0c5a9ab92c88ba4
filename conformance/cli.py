"""``hissuno-conformance run``: check any implementation of the Hissuno API against the contract;
``hissuno-conformance webhook-receiver``: check a webhook endpoint (:mod:`conformance.receiver_check`).

Exit codes: 0 conformant, 1 at least one check failed (or a register entry is stale or expired, or coverage is
below ``--require-coverage``), 2 bad arguments or a target that cannot be used (unreachable, key refused, not a
mock for ``--mock-keys``), 130 interrupted (the reports are written, marked interrupted). Errors are one line in
the style of :mod:`contract.cli_style`, never a traceback. Every option also reads the ``HISSUNO_*`` environment
variable shown in ``--help``.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import urllib3
from rich.console import Console

from conformance import engine, receiver_check
from conformance.breaker import Breaker
from conformance.budget import Budget
from conformance.checks import catalogue
from conformance.connection import NoAnswer
from conformance.fuzzing import ERROR_CHECK
from conformance.operations import Contract, OperationFilter
from conformance.profiles import PROFILES, Profile
from conformance.recording import HarRecording
from conformance.register import Register, RegisterError
from conformance.reports import console as console_report
from conformance.reports import json as json_report
from conformance.reports import junit as junit_report
from conformance.reports import markdown as markdown_report
from conformance.reports.progress import display
from conformance.results import RunReport
from conformance.target import Target, TargetError, check_base_url, check_url, from_mock, probe
from conformance.target import session_cookie as target_session_cookie
from conformance.webhook_contract import registrations
from conformance.webhook_inbox import DEFAULT_WAIT, InboxSettings
from contract import standard_webhooks
from contract.cli_style import error_line, fail, invoke, new_app, version_option

PROGRAM = "hissuno-conformance"
LOG_WIDTH = 200

app = new_app(PROGRAM, """Conformance suite for the Hissuno API: check any implementation of the Hissuno API
against the contract.

Exit codes: 0 conformant, 1 at least one check failed (or a register entry is stale or expired, or coverage is
below --require-coverage), 2 bad arguments or a target that cannot be used (unreachable, key refused, not a mock
for --mock-keys), 130 interrupted (the reports are written, marked interrupted).""")


class Api(StrEnum):
    V1 = "v1"
    INTERNAL = "internal"
    ALL = "all"


class ProfileName(StrEnum):
    QUICK = "quick"
    FULL = "full"


class UsageProblem(Exception):
    """Arguments that cannot work together: exit code 2."""


HEADERS_VARIABLE = "HISSUNO_HEADERS"


def parse_headers(values: list[str]) -> tuple[tuple[str, str], ...]:
    """``Name: value`` strings as pairs; :class:`UsageProblem` for one that is not a header."""
    headers = []
    for value in values:
        name, colon, rest = value.strip().partition(":")
        if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
            raise UsageProblem(f"--header {value.strip()!r} is not a header: write it as 'Name: value'")
        headers.append((name.strip(), rest.strip()))
    return tuple(headers)


@app.callback()
def _root(show_version: Annotated[bool, version_option(PROGRAM)] = False) -> None:
    """Conformance suite for the Hissuno API."""


def _env(name: str) -> str:
    return f"HISSUNO_{name}"


def _per_profile(field: str) -> str:
    """A profile setting as ``--help`` shows it: ``the profile's: quick 8, full 30``."""
    return "the profile's: " + ", ".join(f"{name} {getattr(chosen, field):g}" for name, chosen in PROFILES.items())


@app.command()
def run(
    base_url: Annotated[str, typer.Option(metavar="URL", help="Root URL of the server under test.",
                                          envvar=_env("BASE_URL"))],
    api_key: Annotated[str | None, typer.Option(
        metavar="KEY", help="Main key (full permission). [default: none]", envvar=_env("API_KEY"))] = None,
    project_id: Annotated[str | None, typer.Option(
        metavar="ID", help="The main key's project (internal API). [default: none]", envvar=_env("PROJECT_ID"))
    ] = None,
    other_api_key: Annotated[str | None, typer.Option(
        metavar="KEY", help="A key of another project (isolation). [default: none]", envvar=_env("OTHER_API_KEY"))
    ] = None,
    other_project_id: Annotated[str | None, typer.Option(
        metavar="ID", help="That other project's id. [default: none]", envvar=_env("OTHER_PROJECT_ID"))] = None,
    read_only_key: Annotated[str | None, typer.Option(
        metavar="KEY", help="A read-only key of the main project. [default: none]", envvar=_env("READ_ONLY_KEY"))
    ] = None,
    standard_key: Annotated[str | None, typer.Option(
        metavar="KEY", help="A standard key of the main project. [default: none]", envvar=_env("STANDARD_KEY"))
    ] = None,
    revoked_key: Annotated[str | None, typer.Option(
        metavar="KEY", help="A revoked or expired key. [default: none]", envvar=_env("REVOKED_KEY"))] = None,
    rate_limit_key: Annotated[str | None, typer.Option(
        metavar="KEY", help="A key nothing else uses (it gets exhausted). [default: none]",
        envvar=_env("RATE_LIMIT_KEY"))] = None,
    session_cookie: Annotated[str | None, typer.Option(
        metavar="NAME=VALUE", help="A signed-in owner of the main project: the session cookie (internal API). "
        "[default: none]", envvar=_env("SESSION_COOKIE"))] = None,
    member_session_cookie: Annotated[str | None, typer.Option(
        metavar="NAME=VALUE", help="A signed-in member, not an owner, of the main project (owner-only "
        "operations). [default: none]", envvar=_env("MEMBER_SESSION_COOKIE"))] = None,
    mock_keys: Annotated[bool, typer.Option(
        help="Take every key and project id not given from the mock's GET /__mock/keys, and sign the main "
        "project's owner and a member in (POST /__mock/session).",
        envvar=_env("MOCK_KEYS"))] = False,
    trigger_url: Annotated[str | None, typer.Option(
        metavar="URL", help="POST {type, project_id} here to make the server emit any webhook event. [default: "
        "the mock's /__mock/events with --mock-keys, else none]", envvar=_env("TRIGGER_URL"))] = None,
    webhook_receiver_url: Annotated[str | None, typer.Option(
        metavar="URL", help="Public URL of a tunnel to the webhook inbox, for a server that cannot reach this "
        "machine. [default: the inbox's own http://127.0.0.1:PORT]", envvar=_env("WEBHOOK_RECEIVER_URL"))] = None,
    webhook_receiver_port: Annotated[int, typer.Option(
        metavar="PORT", help="Port the webhook inbox listens on, on 127.0.0.1 (the tunnel's target; 0: a free "
        "one).", min=0, max=65535, envvar=_env("WEBHOOK_RECEIVER_PORT"))] = 0,
    webhook_wait: Annotated[float, typer.Option(
        metavar="SECONDS", help="Seconds to wait for webhook deliveries and the first retry.", min=0.1,
        envvar=_env("WEBHOOK_WAIT"))] = DEFAULT_WAIT,
    api: Annotated[Api, typer.Option(help="Which API to check.", envvar=_env("API"))] = Api.ALL,
    profile: Annotated[ProfileName, typer.Option(
        help="quick (every push) or full (nightly).", envvar=_env("PROFILE"))] = ProfileName.QUICK,
    seed: Annotated[int | None, typer.Option(
        metavar="N", help="Seed for Schemathesis' data generation. [default: random, shown in the header]",
        envvar=_env("SEED"))] = None,
    checks: Annotated[str | None, typer.Option(
        metavar="NAMES", help="Comma-separated families or checks to run. [default: all]", envvar=_env("CHECKS"))
    ] = None,
    include_operation: Annotated[list[str] | None, typer.Option(
        metavar="GLOB", help="Check only operations whose operationId matches this glob (repeatable). "
        "[default: every operation]", envvar=_env("INCLUDE_OPERATION"))] = None,
    exclude_operation: Annotated[list[str] | None, typer.Option(
        metavar="GLOB", help="Skip operations whose operationId matches this glob (repeatable). [default: none]",
        envvar=_env("EXCLUDE_OPERATION"))] = None,
    header: Annotated[list[str] | None, typer.Option(
        metavar="'NAME: VALUE'", help="A header sent with every request (repeatable). [default: none]  "
        f"[env var: {HEADERS_VARIABLE}, one header per line]")] = None,
    request_timeout: Annotated[float, typer.Option(
        metavar="SECONDS", help="Seconds to wait for each answer.", min=0.1, envvar=_env("REQUEST_TIMEOUT"))
    ] = 10.0,
    tls_verify: Annotated[bool, typer.Option(
        help="Verify the server's TLS certificate.", envvar=_env("TLS_VERIFY"))] = True,
    cacert: Annotated[Path | None, typer.Option(
        metavar="FILE", help="CA bundle to verify the server's certificate with. [default: the one of "
        "requests (certifi)]", envvar=_env("CACERT"), exists=True, dir_okay=False)] = None,
    max_examples: Annotated[int | None, typer.Option(
        metavar="N", help=f"Schemathesis examples per operation. [default: {_per_profile('max_examples')}]",
        min=1, envvar=_env("MAX_EXAMPLES"))] = None,
    max_time: Annotated[float | None, typer.Option(
        metavar="SECONDS", help=f"Seconds for the whole run. [default: {_per_profile('max_time')}]", min=1,
        envvar=_env("MAX_TIME"))] = None,
    max_failures: Annotated[int, typer.Option(
        metavar="N", help="A check stops after this many failing operations, a family after this many failing "
        "checks.", min=1, envvar=_env("MAX_FAILURES"))] = engine.DEFAULT_MAX_FAILURES,
    known_divergences: Annotated[Path | None, typer.Option(
        metavar="FILE", help="YAML register of known divergences (reported, not failing). [default: none]",
        envvar=_env("KNOWN_DIVERGENCES"))] = None,
    require_coverage: Annotated[float | None, typer.Option(
        metavar="PERCENT", help="Fail when less than this percentage of applicable checks ran. [default: no "
        "minimum]", min=0, max=100, envvar=_env("REQUIRE_COVERAGE"))] = None,
    har: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Record every exchange in this HAR file. [default: none]", envvar=_env("HAR"))] = None,
    junit: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Write a JUnit XML report here. [default: none]", envvar=_env("JUNIT"))] = None,
    report: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Write a Markdown report (with readiness) here. [default: none]",
        envvar=_env("REPORT"))] = None,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE", help="Write a JSON report here. [default: none]", envvar=_env("JSON"))] = None,
    progress: Annotated[bool, typer.Option(
        help="Show progress (live in a terminal, one line per stage elsewhere).", envvar=_env("PROGRESS"))] = True,
) -> None:
    """Run the conformance checks and print a table per operation and check family with coverage and score."""
    chosen: Profile = PROFILES[profile.value]
    if max_examples is not None:
        chosen = replace(chosen, max_examples=max_examples)
    budget = Budget(max_time if max_time is not None else chosen.max_time)
    breaker = Breaker()
    # In CI logs (no terminal) rich would wrap at 80 columns; operation labels and curls need more.
    terminal = sys.stdout.isatty()
    console = Console(highlight=False, width=None if terminal else LOG_WIDTH)
    apis = ("v1", "internal") if api is Api.ALL else (api.value,)
    if not tls_verify:
        # Asked for: one warning per request would bury the report.
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    try:
        target = Target(
            base_url=check_base_url(base_url),
            api_key=api_key or "",
            project_id=project_id,
            other_api_key=other_api_key,
            other_project_id=other_project_id,
            read_only_key=read_only_key,
            standard_key=standard_key,
            revoked_key=revoked_key,
            rate_limit_key=rate_limit_key,
            session_cookie=target_session_cookie(session_cookie, "session_cookie"),
            member_session_cookie=target_session_cookie(member_session_cookie, "member_session_cookie"),
            headers=parse_headers(header or os.environ.get(HEADERS_VARIABLE, "").splitlines()),
            request_timeout=request_timeout,
            tls_verify=str(cacert) if cacert and tls_verify else tls_verify,
            trigger_url=check_url(trigger_url, "--trigger-url") if trigger_url else None,
        )
        inbox = InboxSettings(
            public_url=check_url(webhook_receiver_url, "--webhook-receiver-url") if webhook_receiver_url else None,
            port=webhook_receiver_port,
            wait=webhook_wait,
        )
        _listenable(inbox)
        selected = [name for name in (checks or "").split(",") if name.strip()]
        engine.select(selected)
        operations = _operations(apis, include_operation, exclude_operation)
        register = _register(known_divergences, apis, chosen.name)
        _writable(junit, report, json_file, har)
        target = _ready(target, apis, mock_keys, budget, breaker)
    except (TargetError, UsageProblem, RegisterError, ValueError, NoAnswer) as exc:
        fail(str(exc), engine.EXIT_UNUSABLE)
    except KeyboardInterrupt:
        # Ctrl-C while the target is probed: nothing ran, and the reports say so.
        _write_reports(RunReport(target=base_url, apis=apis, interrupted=True), junit, report, json_file)
        error_line("interrupted before any check ran")
        raise typer.Exit(engine.EXIT_INTERRUPTED) from None
    seed = seed if seed is not None else random.randrange(2**31)
    header_line = (
        f"[bold]Hissuno conformance[/] {target.base_url} · api {', '.join(apis)} · profile {chosen.name} · "
        f"seed {seed} · budget {budget.seconds:g} s"
    )
    console.print(header_line, soft_wrap=True)
    recording = HarRecording(har) if har else None
    shown = display(console, progress=progress, terminal=terminal)
    options = engine.RunOptions(
        apis=apis,
        profile=chosen,
        seed=seed,
        checks=selected or None,
        operations=operations,
        budget=budget,
        breaker=breaker,
        max_failures=max_failures,
        register=register,
        required_coverage=require_coverage / 100 if require_coverage is not None else None,
        recording=recording,
        webhook_inbox=inbox,
        listener=shown.show,
    )
    try:
        with shown:
            result = engine.follow(engine.run(target, options), shown.show)
    finally:
        if recording is not None:
            recording.close()
    console_report.print_report(result, console)
    _write_reports(result, junit, report, json_file)
    code = engine.exit_code(result)
    if code == engine.EXIT_UNUSABLE:
        fail("no check could run (every check was skipped or not applicable)", engine.EXIT_UNUSABLE)
    raise typer.Exit(code)


@app.command("webhook-receiver")
def webhook_receiver(
    url: Annotated[str, typer.Option(
        metavar="URL", help="The webhook endpoint to check (it gets the deliveries).", envvar=_env("RECEIVER_URL"))],
    secret: Annotated[str, typer.Option(
        metavar="SECRET", help="The endpoint's signing secret, whsec_ + base64.", envvar=_env("WEBHOOK_SECRET"))],
    timeout: Annotated[float, typer.Option(
        metavar="SECONDS", help="Seconds a sender waits for each answer; a later one counts as none.", min=0.1,
        envvar=_env("RECEIVER_TIMEOUT"))] = receiver_check.DEFAULT_TIMEOUT,
    acknowledge_unknown_events: Annotated[bool, typer.Option(
        help="Expect 2xx for an event type the contract does not declare (acknowledged and ignored), instead of "
        "a refusal.", envvar=_env("ACKNOWLEDGE_UNKNOWN_EVENTS"))] = False,
    event_type: Annotated[str | None, typer.Option(
        metavar="TYPE", help="The contract event to send. [default: the contract's first example]",
        envvar=_env("EVENT_TYPE"))] = None,
    tls_verify: Annotated[bool, typer.Option(
        help="Verify the endpoint's TLS certificate.", envvar=_env("TLS_VERIFY"))] = True,
    cacert: Annotated[Path | None, typer.Option(
        metavar="FILE", help="CA bundle to verify the endpoint's certificate with. [default: the one of requests "
        "(certifi)]", envvar=_env("CACERT"), exists=True, dir_okay=False)] = None,
    junit: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Write a JUnit XML report here. [default: none]", envvar=_env("JUNIT"))] = None,
    report: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Write a Markdown report here. [default: none]", envvar=_env("REPORT"))] = None,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE", help="Write a JSON report here. [default: none]", envvar=_env("JSON"))] = None,
) -> None:
    """Check that a webhook endpoint acknowledges a valid Standard Webhooks delivery and refuses forged ones
    (tampered body, wrong signature, stale timestamp, replayed id, unknown event type), each in time."""
    console = Console(highlight=False, width=None if sys.stdout.isatty() else LOG_WIDTH)
    if not tls_verify:
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    try:
        endpoint = receiver_check.Endpoint(
            url=check_url(url, "--url"),
            secret=_secret(secret),
            event=_sample_event(event_type),
            timeout=timeout,
            acknowledge_unknown=acknowledge_unknown_events,
            tls_verify=str(cacert) if cacert and tls_verify else tls_verify,
        )
        _writable(junit, report, json_file)
        result = receiver_check.check(endpoint)
    except (TargetError, UsageProblem, ValueError) as exc:
        fail(str(exc), engine.EXIT_UNUSABLE)
    console.print(f"[bold]Hissuno webhook receiver check[/] {endpoint.url} · {endpoint.event['type']} · "
                  f"timeout {timeout:g} s", soft_wrap=True)
    console_report.print_report(result, console)
    _write_reports(result, junit, report, json_file)
    raise typer.Exit(engine.exit_code(result))


def _secret(value: str) -> str:
    try:
        return standard_webhooks.check_secret(value.strip())
    except ValueError as error:
        raise UsageProblem(f"--secret {error}") from None


def _sample_event(event_type: str | None) -> dict[str, Any]:
    """The contract's example delivery of ``event_type`` (the first example when None)."""
    registration = next(iter(registrations(Contract.load("v1"))), None)
    if registration is None:
        raise UsageProblem("the contract declares no webhook deliveries")
    if event_type is not None and event_type not in registration.event_types:
        raise UsageProblem(f"--event-type {event_type!r} is not an event of the contract "
                           f"({', '.join(registration.event_types)})")
    example = registration.example_for(event_type) or registration.example_for()
    if example is None:
        raise UsageProblem("the contract gives no example delivery to send")
    return {**example, "type": event_type or example.get("type")}


def _listenable(inbox: InboxSettings) -> None:
    if inbox.public_url and not inbox.port:
        raise UsageProblem("--webhook-receiver-url needs --webhook-receiver-port: the port its tunnel forwards to")
    try:
        inbox.check_port()
    except ValueError as error:
        raise UsageProblem(f"--webhook-receiver-port {inbox.port}: {error}") from None


def _operations(apis: tuple[str, ...], include: list[str] | None, exclude: list[str] | None) -> OperationFilter:
    chosen = OperationFilter(tuple(include or ()), tuple(exclude or ()))
    every = [op for api in apis for op in Contract.load(api)]
    unmatched = chosen.unmatched(every)
    if unmatched:
        ids = sorted({op.operation_id for op in every})
        raise UsageProblem(f"--include/--exclude-operation {unmatched[0]!r} matches no operationId ({', '.join(ids)})")
    if not any(chosen.matches(op) for op in every):
        raise UsageProblem("--include-operation and --exclude-operation leave no operation to check")
    return chosen


def _register(path: Path | None, apis: tuple[str, ...], profile: str) -> Register | None:
    if path is None:
        return None
    register = Register.load(path, profile=profile)
    operations = {api: [(op.operation_id, op.label) for op in Contract.load(api)] for api in apis}
    register.validate([*catalogue(), ERROR_CHECK], operations)
    return register


def _writable(*paths: Path | None) -> None:
    """Create the folders the reports go to now, so a run never ends without its reports."""
    for path in paths:
        if path is None:
            continue
        if path.is_dir():
            raise UsageProblem(f"{path} is a folder: give a file name for the report")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageProblem(f"cannot create the folder for {path}: {error.strerror or error}") from None


def _write_reports(result: RunReport, junit: Path | None, report: Path | None, json_file: Path | None) -> None:
    for path, writer in ((junit, junit_report.write), (report, markdown_report.write), (json_file, json_report.write)):
        if path is None:
            continue
        try:
            writer(result, path)
        except OSError as error:
            error_line(f"cannot write {path}: {error.strerror or error}")


def _ready(target: Target, apis: tuple[str, ...], mock_keys: bool, budget: Budget, breaker: Breaker) -> Target:
    """The target with its keys complete and checked, or a one-line reason why it cannot be used."""
    if not probe(target):
        breaker.unanswered("the reachability probe got no answer")
    if mock_keys:
        target = from_mock(target)
    if not target.api_key:
        raise UsageProblem("--api-key is required (or --mock-keys against a mock)")
    if "internal" in apis and not target.project_id:
        raise UsageProblem("the internal API needs --project-id (or pass --api v1)")
    engine.preflight(target, apis, target.client(budget=budget, breaker=breaker))
    return target


def run_cli(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (usage errors become one line and code 2)."""
    return invoke(app, PROGRAM, argv)


def main() -> None:
    code = run_cli()
    if code == engine.EXIT_INTERRUPTED:
        # The reports are written; a worker thread of Schemathesis still finishing a request or waiting out a
        # 429 must not hold the exit (Ctrl-C stops the command at once).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
