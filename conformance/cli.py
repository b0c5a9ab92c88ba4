"""``hissuno-conformance run``: check any implementation of the Hissuno API against the contract.

Exit codes: 0 conformant, 1 at least one check failed, 2 bad arguments or a target that cannot be used
(unreachable, key refused, not a mock for ``--mock-keys``). Errors are one line, never a traceback.
"""

from __future__ import annotations

import random
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer.exceptions import TyperException

from conformance import engine
from conformance.connection import NoAnswer
from conformance.profiles import PROFILES
from conformance.reports import console as console_report
from conformance.reports import json as json_report
from conformance.reports import junit as junit_report
from conformance.reports import markdown as markdown_report
from conformance.target import Target, TargetError, from_mock, probe

PROGRAM = "hissuno-conformance"
LOG_WIDTH = 160

app = typer.Typer(add_completion=False, help=__doc__, no_args_is_help=True)


class Api(StrEnum):
    V1 = "v1"
    INTERNAL = "internal"
    ALL = "all"


class ProfileName(StrEnum):
    QUICK = "quick"
    FULL = "full"


class UsageProblem(Exception):
    """Arguments that cannot work together: exit code 2."""


@app.callback()
def _root() -> None:
    """Conformance suite for the Hissuno API."""


@app.command()
def run(
    base_url: Annotated[str, typer.Option(help="Root URL of the server under test.", envvar="HISSUNO_BASE_URL")],
    api_key: Annotated[str | None, typer.Option(help="Main key (full permission).", envvar="HISSUNO_API_KEY")] = None,
    project_id: Annotated[str | None, typer.Option(help="The main key's project (internal API).")] = None,
    other_api_key: Annotated[
        str | None, typer.Option(help="A key of another project (isolation).", envvar="HISSUNO_OTHER_API_KEY")
    ] = None,
    other_project_id: Annotated[str | None, typer.Option(help="That other project's id.")] = None,
    read_only_key: Annotated[
        str | None, typer.Option(help="A read-only key of the main project.", envvar="HISSUNO_READ_ONLY_KEY")
    ] = None,
    standard_key: Annotated[
        str | None, typer.Option(help="A standard key of the main project.", envvar="HISSUNO_STANDARD_KEY")
    ] = None,
    revoked_key: Annotated[
        str | None, typer.Option(help="A revoked or expired key.", envvar="HISSUNO_REVOKED_KEY")
    ] = None,
    rate_limit_key: Annotated[
        str | None, typer.Option(help="A key nothing else uses (it gets exhausted).", envvar="HISSUNO_RATE_LIMIT_KEY")
    ] = None,
    mock_keys: Annotated[bool, typer.Option(help="Take every key not given from the mock's GET /__mock/keys.")] = False,
    api: Annotated[Api, typer.Option(help="Which API to check.")] = Api.ALL,
    profile: Annotated[ProfileName, typer.Option(help="quick (every push) or full (nightly).")] = ProfileName.QUICK,
    seed: Annotated[int | None, typer.Option(help="Seed for Schemathesis' data generation.")] = None,
    checks: Annotated[
        str | None, typer.Option(help="Comma-separated families or checks to run (default: all).")
    ] = None,
    junit: Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")] = None,
    report: Annotated[Path | None, typer.Option(help="Write a Markdown report here.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write a JSON report here.")] = None,
    progress: Annotated[bool, typer.Option(help="Show live progress.")] = True,
) -> None:
    """Run the conformance checks and print a table per operation and check family with a score."""
    # In CI logs (no terminal) rich would wrap at 80 columns; operation labels and curls need more.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else LOG_WIDTH)
    apis = ("v1", "internal") if api is Api.ALL else (api.value,)
    target = Target(
        base_url=base_url.rstrip("/"),
        api_key=api_key or "",
        project_id=project_id,
        other_api_key=other_api_key,
        other_project_id=other_project_id,
        read_only_key=read_only_key,
        standard_key=standard_key,
        revoked_key=revoked_key,
        rate_limit_key=rate_limit_key,
    )
    try:
        selected = [name for name in (checks or "").split(",") if name.strip()]
        engine.select(selected)
        target = _ready(target, apis, mock_keys)
    except (TargetError, UsageProblem, ValueError, NoAnswer) as exc:
        _fail(str(exc))
    seed = seed if seed is not None else random.randrange(2**31)
    header = f"[bold]Hissuno conformance[/] {target.base_url} · api {', '.join(apis)} · profile {profile} · seed {seed}"
    console.print(header, soft_wrap=True)
    options = engine.RunOptions(apis=apis, profile=PROFILES[profile.value], seed=seed, checks=selected or None)
    try:
        result = console_report.consume(engine.run(target, options), console, live=progress)
    except NoAnswer as exc:
        _fail(f"the server stopped answering: {exc}")
    if junit:
        junit_report.write(result, junit)
    if report:
        markdown_report.write(result, report)
    if json_file:
        json_report.write(result, json_file)
    code = engine.exit_code(result)
    if code == engine.EXIT_UNUSABLE:
        _fail("no check could run (every check was skipped)")
    raise typer.Exit(code)


def _ready(target: Target, apis: tuple[str, ...], mock_keys: bool) -> Target:
    """The target with its keys complete and checked, or a one-line reason why it cannot be used."""
    probe(target)
    if mock_keys:
        target = from_mock(target)
    if not target.api_key:
        raise UsageProblem("--api-key is required (or --mock-keys against a mock)")
    if "internal" in apis and not target.project_id:
        raise UsageProblem("the internal API needs --project-id (or pass --api v1)")
    engine.preflight(target, apis)
    return target


def _fail(message: str) -> None:
    print(f"{PROGRAM}: error: {message}", file=sys.stderr)
    raise typer.Exit(engine.EXIT_UNUSABLE)


def run_cli(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (usage errors become one line and code 2)."""
    try:
        code = app(args=argv, prog_name=PROGRAM, standalone_mode=False)
    except TyperException as exc:
        print(f"{PROGRAM}: error: {exc.format_message()}", file=sys.stderr)
        return engine.EXIT_UNUSABLE
    except typer.Abort:
        print(f"{PROGRAM}: interrupted", file=sys.stderr)
        return 130
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run_cli())
