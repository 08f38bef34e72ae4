"""The `bedrock-costs` command: its table of subcommands, the dispatch to each, and the installed package."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

import bedrock_costs
from bedrock_costs import commands

ROOT = Path(__file__).resolve().parents[2]
COMMAND = Path(sys.executable).with_name("bedrock-costs")


def test_the_imported_package_is_the_installed_source_tree() -> None:
    """pytest puts scripts/ first on sys.path: no stale copy of the package there may shadow src/."""
    assert Path(bedrock_costs.__file__).resolve() == ROOT / "src" / "bedrock_costs" / "__init__.py"
    assert not (ROOT / "scripts" / "bedrock_costs").exists()
    scripts = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="console_scripts")}
    assert scripts.get("bedrock-costs") == "bedrock_costs.commands:main", "run `make install` (pip install -e .)"


@pytest.mark.parametrize("name", sorted(commands.COMMANDS))
def test_each_command_has_a_main_and_its_own_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert callable(commands.load(name))
    with pytest.raises(SystemExit) as stop:
        commands.main([name, "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: bedrock-costs {name} ")


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        commands.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert all(f"\n  {name} " in out for name in commands.COMMANDS)


@pytest.mark.parametrize("argv", [[], ["no-such-command"], ["--region", "us-east-1", "validate"]])
def test_a_missing_or_unknown_command_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        commands.main(argv)
    assert stop.value.code == 2
    assert "usage: bedrock-costs" in capsys.readouterr().err


def test_options_and_subcommands_reach_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.main(["summary", "--database", str(tmp_path / "missing.duckdb"), "--days", "-1"]) == 1
    assert f"ERROR [NoDatabase]: {tmp_path / 'missing.duckdb'} does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        commands.main(["finops", "budgets", "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("usage: bedrock-costs finops budgets ")


def test_the_console_script_and_python_m_run_the_same_command() -> None:
    for command in ([str(COMMAND)], [sys.executable, "-m", "bedrock_costs"]):
        run = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        assert "budget-alerts" in run.stdout and "enable-logging" in run.stdout

