"""CLI hygiene: a version, readable boolean flags, every command in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from pipeline import __version__
from flows.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def command_names(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names += command_names(command, f"{prefix}{name} ")
    return names


COMMANDS = command_names(get_command(app))


def test_version_flag_prints_the_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_boolean_flags_as_pairs_not_as_bool_values(command):
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output


def test_every_top_level_command_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {m.group(1) for m in re.finditer(r"^\| `praxis ([a-z-]+)", readme, re.MULTILINE)}
    assert {name for name in COMMANDS if " " not in name} <= table


def test_publish_without_the_public_variant_says_it_does_nothing(tmp_path):
    result = runner.invoke(app, ["publish", "--no-public", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "only the public variant" in result.output
