"""``hissuno-contract review``: the one command a pull request needs (registered in :mod:`contract.cli`).

Exit codes: 0 safe; 1 lint errors, breaking changes to ``/v1``, a version bump too small, failed conformance
(and warnings with ``--fail-on warning``); 2 bad input (unknown ref, unreadable document, waiver file or
conformance JSON), reported in one line.
"""

from __future__ import annotations

from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from contract.cli_style import fail
from contract.lint.config import ConfigError, find_pyproject, load_config
from contract.review.conformance_results import read_conformance
from contract.review.engine import ReviewSettings
from contract.review.engine import review as run_review
from contract.review.lint_step import contract_lint
from contract.review.loader import open_snapshot
from contract.review.locate import SourceLocator
from contract.review.model import Review, ReviewInputError
from contract.review.report import github, junit, markdown
from contract.review.report import json as json_report
from contract.review.waivers import DEFAULT_FILE, load_waivers

FAIL_ON = {"breaking": "breaking", "err": "breaking", "warning": "warning", "warn": "warning"}  # oasdiff's too


class OutputFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    github = "github"
    junit = "junit"


def _fail_on(value: str) -> str:
    try:
        return FAIL_ON[value.lower()]
    except KeyError:
        raise typer.BadParameter(f"{value!r} is not one of breaking, warning (or oasdiff's ERR, WARN)") from None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReviewInputError(f"cannot write {path}: {error.strerror or error}") from None


def _render(result: Review, output_format: OutputFormat, locator: SourceLocator) -> str:
    if output_format is OutputFormat.github:
        return github.render(result, locator)
    if output_format is OutputFormat.json:
        return json_report.render(result)
    if output_format is OutputFormat.junit:
        return junit.render(result, locator)
    return markdown.render(result)


def review(
    base: Annotated[str, typer.Option(
        "--base", help="What the change starts from: a git ref (its openapi/), REF:path, a folder, a document file "
        "or an http(s) URL of a served document.", show_default=False)],
    head: Annotated[str | None, typer.Option(
        "--head", help="What it ends at, in the same forms. [default: the working tree's openapi/]",
        show_default=False)] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="markdown, json, github annotations or junit XML.", envvar="HISSUNO_CONTRACT_REVIEW_FORMAT")
    ] = OutputFormat.markdown,
    fail_on: Annotated[str, typer.Option(
        "--fail-on", metavar="[breaking|warning]", callback=_fail_on,
        help="breaking: lint errors, /v1 breaks and short version bumps fail; warning: warnings too "
        "(oasdiff's ERR and WARN are accepted).")] = "breaking",
    waivers: Annotated[Path | None, typer.Option(
        "--waivers", help=f"The waiver file. [default: {DEFAULT_FILE} in --repo, when there is one]",
        show_default=False)] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also write the JSON report to this file. "
                                                   "[default: none]",
                                                   show_default=False, envvar="HISSUNO_CONTRACT_REVIEW_JSON")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report here. [default: stdout]", show_default=False)] = None,
    conformance_json: Annotated[Path | None, typer.Option(
        "--conformance-json", help="A `hissuno-conformance run --json` result to include. [default: none]",
        show_default=False)] = None,
    strict_internal: Annotated[bool, typer.Option(
        "--strict-internal", help="Fail on breaking changes to the internal API too.")] = False,
    lint: Annotated[bool, typer.Option("--lint/--no-lint", help="Lint the head documents.")] = True,
    repo: Annotated[Path, typer.Option(
        "--repo", help="Repository whose openapi/ folder, git refs, waivers and settings are used.")] = Path("."),
) -> None:
    """Review a contract change: lint, breaking changes (oasdiff's rule ids) with a semver verdict, waivers,
    conformance. A breaking change to /v1 is never safe to merge, whatever the version bump."""
    try:
        conformance = read_conformance(conformance_json) if conformance_json is not None else None
        waiver_path = waivers if waivers is not None else repo / DEFAULT_FILE
        settings = ReviewSettings(
            strict_internal=strict_internal,
            fail_on="warning" if fail_on == "warning" else "breaking",
            waivers=load_waivers(waiver_path) if waivers is not None or waiver_path.is_file() else (),
            waiver_file=str(waiver_path),
        )
        lint_function = contract_lint(load_config(find_pyproject(repo))) if lint else None
        with ExitStack() as stack:
            base_snapshot = stack.enter_context(open_snapshot(base, repo))
            head_snapshot = stack.enter_context(open_snapshot(head, repo))
            result = run_review(base_snapshot, head_snapshot, lint=lint_function, conformance=conformance,
                                settings=settings)
            text = _render(result, output_format, SourceLocator(head_snapshot))
        if json_file is not None:
            _write(json_file, json_report.render(result))
        if output is not None:
            _write(output, text)
        else:
            typer.echo(text, nl=False)
    except (ReviewInputError, ConfigError) as error:
        fail(str(error))
    raise typer.Exit(result.exit_code)
