"""The three commands look alike (``contract.cli_style``), run as a user runs them, at 80 columns: ``--version``,
``--help`` of every command with each option's default and environment variable, and a bad argument or variable
as one ``<prog>: error: ...`` line on stderr with exit code 2, never Typer's box.

The commands are read from the apps, so a command added later is checked too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from typing import Any

import pytest
import typer

from conformance.cli import app as conformance_app
from contract.cli import app as contract_app
from mockserver.cli import cli as mock_app

APPS: dict[str, typer.Typer] = {
    "hissuno-contract": contract_app,
    "hissuno-mock": mock_app,
    "hissuno-conformance": conformance_app,
}
VARIABLE_PREFIX = {"hissuno-contract": "HISSUNO_CONTRACT_", "hissuno-mock": "HISSUNO_MOCK_",
                   "hissuno-conformance": "HISSUNO_"}
WIDTH = 80
BOX = ("╭", "│", "╰")


def commands(prog: str) -> dict[str, Any]:
    return typer.main.get_command(APPS[prog]).commands  # type: ignore[attr-defined,no-any-return]


COMMANDS = [(prog, name) for prog in APPS for name in commands(prog)]


def command_line(prog: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it, in an 80-column terminal."""
    script = os.path.join(os.path.dirname(sys.executable), prog)
    environment = {**os.environ, "COLUMNS": str(WIDTH), **env}
    return subprocess.run([script, *args], capture_output=True, text=True, timeout=120, env=environment,
                          check=False)


def assert_one_error_line(completed: subprocess.CompletedProcess[str], prog: str, said: str) -> None:
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: ") and said in lines[0], completed.stderr
    assert not any(mark in completed.stderr for mark in BOX) and "Traceback" not in completed.stderr


def option_blocks(help_text: str) -> dict[str, str]:
    """The help of each option, keyed by each of its flags (``--tls-verify / --no-tls-verify``: both)."""
    section = help_text.split("Options:\n", 1)[1]
    blocks: dict[str, str] = {}
    flags: list[str] = []
    for line in section.splitlines():
        if line.startswith("  -"):
            flags = [word.rstrip(",") for word in line.split("  ", 2)[1].split() if word.startswith("-")]
            for flag in flags:
                blocks[flag] = line
        elif line.strip():
            for flag in flags:
                blocks[flag] += " " + line.strip()
    return {flag: " ".join(block.split()) for flag, block in blocks.items()}


@pytest.mark.parametrize("prog", APPS)
def test_version(prog: str) -> None:
    completed = command_line(prog, "--version")
    assert completed.returncode == 0 and completed.stderr == ""
    assert completed.stdout.startswith(f"{prog} {version('hissuno-contract')}")
    assert completed.stdout.count("\n") == 1


@pytest.mark.parametrize("prog", APPS)
def test_top_level_help_lists_every_command_at_80_columns(prog: str) -> None:
    completed = command_line(prog, "--help")
    assert completed.returncode == 0 and completed.stderr == ""
    assert max(len(line) for line in completed.stdout.splitlines()) <= WIDTH, completed.stdout
    assert not any(mark in completed.stdout for mark in BOX)
    assert "--version" in completed.stdout and "-h, --help" in completed.stdout
    listed = completed.stdout.split("Commands:\n", 1)[1].split()
    assert set(commands(prog)) <= set(listed)


@pytest.mark.parametrize(("prog", "name"), COMMANDS)
def test_help_shows_every_default_and_variable_at_80_columns(prog: str, name: str) -> None:
    completed = command_line(prog, name, "--help")
    assert completed.returncode == 0 and completed.stderr == ""
    assert max(len(line) for line in completed.stdout.splitlines()) <= WIDTH, completed.stdout
    assert not any(mark in completed.stdout for mark in BOX)
    blocks = option_blocks(completed.stdout)
    options = [param for param in commands(prog)[name].params if param.param_type_name == "option"]
    for option in options:
        block = blocks[option.opts[0]]
        assert re.search(rf"env var: {VARIABLE_PREFIX[prog]}[A-Z_]+", block), block
        if option.envvar:
            assert f"env var: {option.envvar}" in block, block
        flag_off = option.is_flag and option.default is False and not option.secondary_opts
        assert re.search(r"default: \S", block) or option.required or flag_off, block
        if option.required:
            assert "required" in block, block


@pytest.mark.parametrize(("prog", "name"), COMMANDS)
def test_an_unknown_option_is_one_line_and_exit_2(prog: str, name: str) -> None:
    assert_one_error_line(command_line(prog, name, "--no-such-option"), prog, "No such option: --no-such-option")


@pytest.mark.parametrize("prog", APPS)
def test_an_unknown_command_is_one_line_and_exit_2(prog: str) -> None:
    assert_one_error_line(command_line(prog, "no-such-command"), prog, "No such command 'no-such-command'")


@pytest.mark.parametrize(("prog", "args", "variable", "value"), [
    ("hissuno-contract", ["lint"], "HISSUNO_CONTRACT_LINT_FAIL_ON", "loud"),
    ("hissuno-mock", ["serve"], "HISSUNO_MOCK_PORT", "http"),
    ("hissuno-mock", ["keys"], "HISSUNO_MOCK_KEYS_JSON", "sometimes"),
    ("hissuno-conformance", ["run", "--base-url", "http://127.0.0.1:9"], "HISSUNO_API", "v3"),
    ("hissuno-conformance", ["run"], "HISSUNO_REQUEST_TIMEOUT", "0"),
])
def test_a_bad_variable_is_one_line_naming_it_and_exit_2(prog: str, args: list[str], variable: str,
                                                         value: str) -> None:
    completed = command_line(prog, *args, **{variable: value, "HISSUNO_BASE_URL": "http://127.0.0.1:9"})
    assert_one_error_line(completed, prog, f"(env var: '{variable}')")
    assert "Value error" not in completed.stderr, "Typer's pydantic prefix is dropped"
