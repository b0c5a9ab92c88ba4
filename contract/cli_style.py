"""One look for the project's commands (``hissuno-contract``, ``hissuno-mock``, ``hissuno-conformance``).

- ``--version`` on the command itself (:func:`version_option`);
- ``--help`` in click's plain layout at 80 columns, with every default and environment variable shown: Typer's
  Rich panels read ``[default: ...]`` in a help text as markup and drop it (:func:`new_app`);
- every error as one red line, ``<prog>: error: <message>``, on stderr with its exit code (2 for bad
  arguments), never Typer's box beside it and never a traceback (:func:`fail`, :func:`error_line`,
  :func:`run`, :func:`invoke`).

Usage::

    app = new_app("hissuno-mock", "The Hissuno mock server.")

    @app.callback()
    def main(version: Annotated[bool, version_option("hissuno-mock")] = False) -> None: ...

    def entry_point() -> None:
        run(app, "hissuno-mock")
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import typer
from typer._click.core import ParameterSource
from typer._click.exceptions import BadParameter, ClickException, NoArgsIsHelpError
from typer._click.globals import get_current_context  # Typer 0.29 carries its own click

HELP_WIDTH = 80
CONTEXT_SETTINGS: dict[str, Any] = {"max_content_width": HELP_WIDTH, "help_option_names": ["-h", "--help"]}
DEBUG_ENV = "HISSUNO_DEBUG"  # set to 1 to see the traceback of an unexpected error
BAD_ARGUMENTS = 2
INTERRUPTED = 130


def new_app(prog: str, help_text: str, *, envvar_prefix: str | None = None, **options: Any) -> typer.Typer:
    """A Typer app with plain help (defaults and environment variables kept), ``-h``, no completion commands
    and no pretty tracebacks; with ``envvar_prefix``, every option also reads ``<PREFIX>_<COMMAND>_<OPTION>``
    (click's automatic environment variables, shown in ``--help``); ``options`` go to :class:`typer.Typer`."""
    context = {**CONTEXT_SETTINGS, **({"auto_envvar_prefix": envvar_prefix} if envvar_prefix else {})}
    settings = {"add_completion": False, "no_args_is_help": True, "pretty_exceptions_enable": False,
                "rich_markup_mode": None, "context_settings": context, **options}
    return typer.Typer(name=prog, help=help_text, **settings)


def package_version(distribution: str = "hissuno-contract") -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def version_option(prog: str, describe: Callable[[], str] | None = None) -> Any:
    """The ``--version`` option for an app's callback: prints ``<prog> <version>`` (or ``describe()``)."""

    def show(value: bool) -> None:
        if value:
            typer.echo(describe() if describe is not None else f"{prog} {package_version()}")
            raise typer.Exit(0)

    return typer.Option("--version", callback=show, is_eager=True, help="Show the version and exit.",
                        allow_from_autoenv=False, show_envvar=False)


def error_line(message: str) -> None:
    """Print one red ``<prog>: error: <message>`` line on stderr and go on (``prog``: the name the running
    command was invoked as); only the first line of ``message`` is kept."""
    context = get_current_context(silent=True)
    prog = context.find_root().info_name if context is not None else None
    _one_line(prog or os.path.basename(sys.argv[0] or "hissuno"), message)


def fail(message: str, code: int = BAD_ARGUMENTS) -> NoReturn:
    """:func:`error_line`, then exit with ``code``."""
    error_line(message)
    raise typer.Exit(code)


def invoke(app: typer.Typer, prog: str, args: Sequence[str] | None = None) -> int:
    """Run ``app`` as ``prog`` and return its exit code; click's usage errors become one line (exit 2)."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=list(args) if args is not None else None, prog_name=prog, standalone_mode=False)
    except NoArgsIsHelpError as error:
        typer.echo(error.ctx.get_help() if error.ctx is not None else error.format_message())
        return BAD_ARGUMENTS
    except BadParameter as error:
        return _one_line(prog, _bad_value(error), error.exit_code)
    except ClickException as error:
        return _one_line(prog, error.format_message(), error.exit_code)
    except typer.Exit as error:
        return error.exit_code
    except (typer.Abort, KeyboardInterrupt):
        return _one_line(prog, "interrupted", INTERRUPTED)
    except Exception as error:  # a bug: still one line, the traceback on request
        if os.environ.get(DEBUG_ENV):
            raise
        return _one_line(prog, f"unexpected {type(error).__name__}: {error} (set {DEBUG_ENV}=1 to see where)", 1)
    return code if isinstance(code, int) else 0


def run(app: typer.Typer, prog: str, args: Sequence[str] | None = None) -> NoReturn:
    """The console script: :func:`invoke`, then exit with its code."""
    sys.exit(invoke(app, prog, args))


def _bad_value(error: BadParameter) -> str:
    """click's message for a bad value, with the ``envvar_prefix`` variable it came from named (as click names an
    option's own ``envvar=``) and without the ``Value error, `` of Typer's pydantic conversion."""
    error.message = error.message.removeprefix("Value error, ")
    param, context = error.param, error.ctx
    if param is None or context is None or not param.name or param.envvar is not None or error.param_hint:
        return error.format_message()
    from_prefix = getattr(param, "allow_from_autoenv", False) and context.auto_envvar_prefix is not None
    if from_prefix and context.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT:
        error.param_hint = f"{param.get_error_hint()} (env var: '{context.auto_envvar_prefix}_{param.name.upper()}')"
    return error.format_message()


def _one_line(prog: str, message: str, code: int = BAD_ARGUMENTS) -> int:
    first = " ".join(message.strip().split("\n")[0].split()) or "failed"
    typer.secho(f"{prog}: error: {first}", fg=typer.colors.RED, err=True)
    return code
