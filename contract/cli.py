"""``hissuno-contract``: the command for people who change the contract, with ``lint`` and ``review``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from contract.findings import Finding
from contract.lint import lint_documents
from contract.review.cli import review
from contract.spec import DOCUMENTS

app = typer.Typer(help="Lint and review the Hissuno OpenAPI contract.", no_args_is_help=True, add_completion=False)


@app.callback()
def _group() -> None:
    """Keep ``lint`` and ``review`` as sub-commands (Typer flattens a single command otherwise)."""


@app.command()
def lint(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Folder with the documents (default: the contract's openapi/).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Validate every document (openapi-spec-validator) and check the house rules. Exit 1 on any finding."""
    if directory is not None and not directory.is_dir():
        typer.echo(f"error: {directory} is not a folder", err=True)
        raise typer.Exit(2)
    findings = lint_documents(directory)
    if as_json:
        typer.echo(json.dumps([_lint_entry(finding) for finding in findings], indent=2))
    else:
        for finding in findings:
            typer.echo(str(finding))
        verdict = "clean" if not findings else f"{len(findings)} finding(s)"
        typer.echo(f"lint: {len(DOCUMENTS)} documents, {verdict}")
    raise typer.Exit(1 if findings else 0)


def _lint_entry(finding: Finding) -> dict[str, str]:
    """One finding as ``lint --json`` prints it."""
    return {
        "document": finding.document,
        "rule": finding.rule_id,
        "pointer": finding.pointer,
        "message": finding.message,
    }


app.command("review")(review)


def main() -> None:
    """Console-script entry point."""
    app()
