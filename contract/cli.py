"""``hissuno-contract``: the command for people who change the contract: ``lint``, ``review`` and ``bundle``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from contract.cli_style import fail, new_app, package_version, run, version_option
from contract.findings import Finding, Level
from contract.lint.config import ConfigError, find_pyproject, load_config
from contract.lint.runner import LintInputError, lint_paths
from contract.review.cli import review
from contract.spec import DOCUMENTS, spec_dir

PROG = "hissuno-contract"
app = new_app(PROG, "Lint, review and bundle the Hissuno OpenAPI contract.", envvar_prefix="HISSUNO_CONTRACT")


def _describe_version() -> str:
    from contract.spec import bundled

    apis = ", ".join(f"{name} {bundled(name)['info']['version']}" for name in DOCUMENTS)
    return f"{PROG} {package_version()} (contract: {apis})"


@app.callback()
def _group(
    version: Annotated[bool, version_option(PROG, _describe_version)] = False,
) -> None:
    """Lint, review and bundle the Hissuno OpenAPI contract."""


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


@app.command()
def lint(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH",
        help="Documents or folders to lint (a checkout's openapi/ is found). [default: the contract's openapi/]",
        show_default=False)] = None,
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="A folder of documents, the same as giving it as a PATH. [default: none]",
        envvar="HISSUNO_CONTRACT_LINT_DIR")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.",
                                          envvar="HISSUNO_CONTRACT_LINT_JSON")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", help="A pyproject.toml whose [tool.hissuno-contract] table sets rule levels. [default: the "
        "nearest one above the linted folder, then above the working directory]", show_default=False)] = None,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Exit 1 on findings of this level or worse.")
    ] = FailOn.error,
) -> None:
    """Check every document: OpenAPI validity (what Spectral and openapi-spec-validator check) and the house
    rules. Exit 1 on findings, 2 on unusable input."""
    targets = [*(paths or []), *([directory] if directory is not None else [])] or [spec_dir()]
    try:
        start = targets[0] if targets[0].is_dir() else targets[0].parent
        settings = load_config(config if config is not None else find_pyproject(start, Path.cwd()))
        findings = lint_paths(targets, settings)
    except (LintInputError, ConfigError) as error:
        fail(str(error))
    if as_json:
        typer.echo(json.dumps([_lint_entry(finding) for finding in findings], indent=2))
    else:
        for finding in findings:
            typer.echo(str(finding))
        typer.echo(f"lint: {_summary(findings)}")
    failing = {Level.ERROR} | ({Level.WARNING} if fail_on is FailOn.warning else set())
    raise typer.Exit(1 if any(finding.level in failing for finding in findings) else 0)


def _summary(findings: list[Finding]) -> str:
    documents = len({finding.document for finding in findings})
    if not findings:
        return "clean"
    errors = sum(1 for finding in findings if finding.level is Level.ERROR)
    return f"{errors} error(s), {len(findings) - errors} warning(s) in {documents} document(s)"


def _lint_entry(finding: Finding) -> dict[str, object]:
    """One finding as ``lint --json`` prints it."""
    return {
        "document": finding.document,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "rule": finding.rule_id,
        "level": finding.level.value,
        "pointer": finding.pointer,
        "message": finding.message,
    }


class Api(StrEnum):
    v1 = "v1"
    internal = "internal"


class OutputFormat(StrEnum):
    yaml = "yaml"
    json = "json"


class OpenAPIVersion(StrEnum):
    v30 = "3.0"
    v31 = "3.1"


@app.command()
def bundle(
    api: Annotated[Api, typer.Option("--api", help="Which API: the document that describes it (read from its "
                                     "paths, servers and info) is bundled.")] = Api.v1,
    source: Annotated[Path | None, typer.Option(
        "--from", help="A document, or a folder of documents. [default: the contract's openapi/]",
        show_default=False, envvar="HISSUNO_CONTRACT_BUNDLE_FROM")] = None,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", help="json or yaml. [default: from the -o file's suffix, else yaml]", show_default=False,
        envvar="HISSUNO_CONTRACT_BUNDLE_FORMAT")] = None,
    openapi: Annotated[OpenAPIVersion, typer.Option(
        "--openapi", help="3.1 converts the bundle (nullable to type arrays, callbacks to webhooks).")
    ] = OpenAPIVersion.v30,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the document to this file. [default: stdout]", show_default=False)] = None,
) -> None:
    """Write one self-contained document of an API: shared components kept under components, paths as in the
    source, the servers of the source. Exit 1 (nothing written) when the document has OpenAPI errors."""
    from contract.bundle import published, render
    from contract.bundle_selection import BundleInputError, select_document

    try:
        path, findings = select_document(api.value, source or spec_dir())
    except (BundleInputError, LintInputError, ConfigError) as error:
        fail(str(error))
    if any(finding.level is Level.ERROR for finding in findings):
        for finding in findings:
            typer.echo(str(finding), err=True)
        fail(f"bundle: {path} has {len(findings)} OpenAPI finding(s); nothing written", 1)
    chosen = output_format or (OutputFormat.json if output and output.suffix == ".json" else OutputFormat.yaml)
    text = render(published(path, openapi.value), chosen.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


app.command("review")(review)


def main() -> None:
    """Console-script entry point."""
    run(app, PROG)
