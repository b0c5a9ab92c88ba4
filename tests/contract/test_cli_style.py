"""One look for the commands (``contract.cli_style``), proven on ``hissuno-contract``: ``--version``, help at 80
columns with every default and environment variable, and every error as one red line with its exit code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Annotated, Any

import pytest
import typer

from contract.cli import app
from contract.cli_style import fail, new_app, run, version_option

PROG = "hissuno-contract"
COMMANDS = ("lint", "review", "bundle")


def command_line(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it."""
    script = os.path.join(os.path.dirname(sys.executable), PROG)
    environment = {**os.environ, "COLUMNS": "80", **env}
    return subprocess.run([script, *args], capture_output=True, text=True, timeout=120, env=environment,
                          check=False)


def test_version_names_the_package_and_the_contracts_versions() -> None:
    from contract.spec import bundled

    completed = command_line("--version")
    assert completed.returncode == 0 and completed.stderr == ""
    v1, internal = bundled("v1")["info"]["version"], bundled("internal")["info"]["version"]
    assert re.fullmatch(rf"{PROG} \S+ \(contract: internal {internal}, v1 {v1}\)\n", completed.stdout)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["lint", "--nope"], "No such option: --nope"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["review"], "Missing option '--base'"),
        (["bundle", "--api", "v3"], "Invalid value for '--api'"),
        (["lint", "/no/such/folder"], "/no/such/folder: no such file or folder"),
    ],
)
def test_bad_arguments_are_one_red_line_and_exit_2_never_a_box(args: list[str], said: str) -> None:
    completed = command_line(*args)
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{PROG}: error: ") and said in lines[0], completed.stderr
    assert "╭" not in completed.stderr + completed.stdout and "Traceback" not in completed.stderr


def _click_options(name: str) -> dict[str, Any]:
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    return {param.opts[0]: param for param in command.params if param.param_type_name == "option"}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_variable_of_our_own_is_spelled_after_its_flag(name: str) -> None:
    """(``--help`` of every command, with its defaults and variables: ``tests/cli/test_commands.py``.)"""
    named = {flag: option.envvar for flag, option in _click_options(name).items() if option.envvar}
    for flag, variable in named.items():
        assert variable.startswith("HISSUNO_CONTRACT_"), variable
        assert variable.endswith(flag.lstrip("-").replace("-", "_").upper()), variable


def test_an_option_reads_its_environment_variable() -> None:
    completed = command_line("lint", HISSUNO_CONTRACT_LINT_FAIL_ON="loud")
    assert completed.returncode == 2 and completed.stderr == (
        "hissuno-contract: error: Invalid value for '--fail-on' (env var: 'HISSUNO_CONTRACT_LINT_FAIL_ON'): "
        "'loud' is not one of 'error', 'warning'.\n")


def _toy_app() -> typer.Typer:
    toy = new_app("toy", "A toy command.")

    @toy.callback()
    def main(version: Annotated[bool, version_option("toy", lambda: "toy 9.9")] = False) -> None:
        """A toy command."""

    @toy.command()
    def refuse() -> None:
        fail("the input is bad")

    @toy.command()
    def crash() -> None:
        raise RuntimeError("a bug")

    return toy


@pytest.mark.parametrize(("args", "code", "said"), [
    (["refuse"], 2, "toy: error: the input is bad"),
    (["crash"], 1, "toy: error: unexpected RuntimeError: a bug (set HISSUNO_DEBUG=1 to see where)"),
])
def test_run_turns_failures_into_one_line(args: list[str], code: int, said: str,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HISSUNO_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        run(_toy_app(), "toy", args)
    captured = capsys.readouterr()
    assert exited.value.code == code and captured.err.strip() == said and captured.out == ""


def test_the_debug_switch_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HISSUNO_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug"):
        run(_toy_app(), "toy", ["crash"])


def test_version_option_prints_the_description(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(_toy_app(), "toy", ["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out == "toy 9.9\n"


def test_invoke_returns_the_code_and_the_line_is_red_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from contract import cli_style

    written: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(cli_style.typer, "secho", lambda text, **style: written.append((text, style)))
    assert cli_style.invoke(_toy_app(), "toy", ["refuse"]) == 2
    assert written == [("toy: error: the input is bad", {"fg": typer.colors.RED, "err": True})]


def test_an_interrupt_exits_130_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    from contract.cli_style import invoke

    toy = _toy_app()

    @toy.command()
    def wait() -> None:
        raise KeyboardInterrupt

    assert invoke(toy, "toy", ["wait"]) == 130
    assert "Traceback" not in capsys.readouterr().err
