"""The command table: every entry loads a real command, `--help` imports no command module, and
`--version` answers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from supportqa.cli.app import COMMANDS, load_command
from tests.cli.conftest import Runner


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_loads_and_has_its_own_help(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    assert (command.help or "").strip(), f"{name} has no help text of its own"


def test_help_lists_every_command_without_importing_any_command_module() -> None:
    code = (
        "import sys\n"
        "from supportqa.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('supportqa.cli.', 'sqlalchemy',"
        " 'polars', 'alembic')) and m != 'supportqa.cli.app')\n"
        "print('LOADED', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "LOADED []" in done.stdout
    for name in COMMANDS:
        assert f" {name} " in done.stdout


def test_version_prints_the_installed_version(cli: Runner) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out.startswith("supportqa ")


def test_an_unknown_command_is_a_usage_error_not_a_traceback(cli: Runner) -> None:
    result = cli("scroe")
    assert result.code == 2
    assert "Traceback" not in result.err
