"""``hissuno-contract review``: the one command a pull request needs (registered in :mod:`contract.cli`).

Exit codes: 0 safe; 1 lint errors, breaking changes without the right version bump, or failed
conformance; 2 bad input (unknown ref, unreadable spec or conformance JSON), reported in one line.
"""

from __future__ import annotations

from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from contract.review.conformance_results import read_conformance
from contract.review.engine import ReviewSettings
from contract.review.engine import review as run_review
from contract.review.lint_step import contract_lint
from contract.review.loader import open_snapshot
from contract.review.locate import SourceLocator
from contract.review.model import ReviewInputError
from contract.review.report import github, markdown
from contract.review.report import json as json_report


class OutputFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    github = "github"


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReviewInputError(f"cannot write {path}: {error.strerror or error}") from None


def review(
    base: Annotated[str, typer.Option("--base", help="Git ref (its openapi/ folder), or a folder or document file.")],
    head: Annotated[
        str | None, typer.Option("--head", help="Git ref, folder or file (default: the working tree's openapi/).")
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="What to print: markdown, json or github annotations.")
    ] = OutputFormat.markdown,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also write the JSON report to this file.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")
    ] = None,
    conformance_json: Annotated[
        Path | None,
        typer.Option("--conformance-json", help="A `hissuno-conformance run --json` result to include."),
    ] = None,
    strict_internal: Annotated[
        bool, typer.Option("--strict-internal", help="Fail on breaking changes to the internal API too.")
    ] = False,
    lint: Annotated[bool, typer.Option("--lint/--no-lint", help="Lint the head documents.")] = True,
    repo: Annotated[
        Path, typer.Option("--repo", help="Repository whose openapi/ folder and git refs are used.")
    ] = Path("."),
) -> None:
    """Review the contract change: lint, breaking changes with a semver verdict for /v1, conformance."""
    try:
        conformance = read_conformance(conformance_json) if conformance_json is not None else None
        with ExitStack() as stack:
            base_snapshot = stack.enter_context(open_snapshot(base, repo))
            head_snapshot = stack.enter_context(open_snapshot(head, repo))
            result = run_review(
                base_snapshot,
                head_snapshot,
                lint=contract_lint() if lint else None,
                conformance=conformance,
                settings=ReviewSettings(strict_internal=strict_internal),
            )
            if output_format is OutputFormat.github:
                text = github.render(result, SourceLocator(head_snapshot))
            elif output_format is OutputFormat.json:
                text = json_report.render(result)
            else:
                text = markdown.render(result)
        if json_file is not None:
            _write(json_file, json_report.render(result))
        if output is not None:
            _write(output, text)
        else:
            typer.echo(text, nl=False)
    except ReviewInputError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(result.exit_code)
