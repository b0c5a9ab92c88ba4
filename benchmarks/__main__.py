"""``python -m benchmarks``: measure the mock against Prism and a bare Starlette app, print tables and ratios.

`make bench` runs the full size (a quarter of an hour on two cores); ``--quick`` is a sanity run of about a
minute. Results go to ``benchmarks/.work/results.json`` and ``results.md``; ``--update-readme`` also puts the
Markdown tables into ``benchmarks/README.md`` between its result markers.
"""

from __future__ import annotations

import json
import shlex
import sys
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

# Connexion (imported through the mock's modules) imports Starlette's TestClient, which warns about httpx.
warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from benchmarks.report import markdown, print_run  # noqa: E402
from benchmarks.run import ALL_TARGETS, BenchConfig, run_benchmarks, select  # noqa: E402

README = Path(__file__).resolve().parent / "README.md"
START_MARKER = "<!-- results:start -->"
END_MARKER = "<!-- results:end -->"

cli = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def update_readme(readme: Path, tables: str) -> None:
    """Replace what stands between the result markers (the rest of the README is hand-written)."""
    text = readme.read_text()
    start, end = text.index(START_MARKER) + len(START_MARKER), text.index(END_MARKER)
    readme.write_text(text[:start] + "\n\n" + tables + "\n" + text[end:])


@cli.command()
def main(
    quick: Annotated[bool, typer.Option("--quick", help="Small sizes for a fast sanity run.")] = False,
    only: Annotated[str | None, typer.Option(help=f"Comma-separated servers: {', '.join(ALL_TARGETS)}.")] = None,
    duration: Annotated[float | None, typer.Option(help="Seconds of load per data point.")] = None,
    connections: Annotated[str | None, typer.Option(help="Comma-separated connection counts.")] = None,
    rounds: Annotated[int | None, typer.Option(help="Interleaved rounds per point (the median counts).")] = None,
    scale_sessions: Annotated[int | None, typer.Option(help="Sessions for the scale test (0 skips it).")] = None,
    conformance: Annotated[bool, typer.Option("--conformance/--no-conformance", help="Time the suite.")] = True,
    limiter: Annotated[bool, typer.Option("--limiter/--no-limiter", help="Measure the limiter's cost.")] = True,
    write_readme: Annotated[bool, typer.Option("--update-readme", help="Put the tables in README.md.")] = False,
) -> None:
    """Run the benchmarks and print the side-by-side tables, ratios and goals."""
    config = BenchConfig.quick() if quick else BenchConfig.full()
    config = replace(config, command=shlex.join(["python", "-m", "benchmarks", *sys.argv[1:]]))
    if only:
        config = select(config, [name.strip() for name in only.split(",") if name.strip()])
    if duration is not None:
        config = replace(config, duration_s=duration)
    if rounds is not None:
        config = replace(config, rounds=max(1, rounds))
    if connections:
        config = replace(config, connections=tuple(int(c) for c in connections.split(",")))
    if scale_sessions is not None:
        config = replace(config, scale_sessions=scale_sessions or None)
    if not conformance:
        config = replace(config, conformance_profiles=())
    if not limiter:
        config = replace(config, limiter_window=None)
    run = run_benchmarks(config, progress=lambda line: typer.echo(line, err=True))
    print_run(run)
    config.work_dir.mkdir(parents=True, exist_ok=True)
    (config.work_dir / "results.json").write_text(json.dumps(run.as_dict(), indent=2))
    tables = markdown(run)
    (config.work_dir / "results.md").write_text(tables)
    if write_readme:
        update_readme(README, tables)
    typer.echo(f"results: {config.work_dir / 'results.json'} and results.md", err=True)


if __name__ == "__main__":
    cli()
