"""The `bedrock-costs` command: its table of subcommands, the dispatch to each, and the installed package."""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

import bedrock_costs
from bedrock_costs import commands
from bedrock_costs.cli import ExitCode

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



# --- exit codes: one per outcome, in every --help and in the docs -------------------------------

def test_exit_codes_are_distinct() -> None:
    values = [member.value for member in ExitCode]
    assert len(values) == len(set(values)) == len(ExitCode.__members__)  # no alias hides an outcome
    assert ExitCode.DELIVERY_FAILED not in (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE)


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        commands.main([*argv, "--help"])
    return capsys.readouterr().out


def _epilog_codes(text: str) -> dict[int, str]:
    """The ``exit codes:`` block of a --help text, as code -> meaning."""
    block = text.split("\nexit codes:\n", 1)[1]
    codes: dict[int, str] = {}
    for line in block.splitlines():
        match = re.match(r"\s+(\d+)  (.+)", line)
        if match:
            codes[int(match[1])] = match[2]
        elif line.startswith(" ") and codes:  # a meaning wrapped onto the next line
            codes[max(codes)] += " " + line.strip()
        else:
            break
    return codes


@pytest.mark.parametrize("argv", [[name] for name in sorted(commands.COMMANDS) if name != "finops"]
                         + [["finops", "tags"], ["finops", "budgets"]])
def test_every_help_lists_its_exit_codes(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    codes = _epilog_codes(_help(argv, capsys))
    assert {ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.INTERRUPTED} <= set(codes)
    assert (ExitCode.DELIVERY_FAILED in codes) == (argv in (["budget-alerts"], ["notify"]))


def test_budget_alerts_help_tells_over_budget_from_delivery_failed(capsys: pytest.CaptureFixture[str]) -> None:
    codes = _epilog_codes(_help(["budget-alerts"], capsys))
    assert "over an alert threshold" in codes[1]
    assert "SNS" in codes[4] and "not delivered" in codes[4]


def test_onboarding_doc_has_the_exit_code_table() -> None:
    doc = (ROOT / "docs" / "onboarding.md").read_text()
    rows = dict(re.findall(r"^ *\| (\d+) \| `(\w+)` \|", doc, flags=re.MULTILINE))
    assert rows == {str(member.value): member.name for member in ExitCode}


# --- every option of every command says what it does --------------------------------------------

class _Parsed(Exception):
    """Raised in place of parsing: carries the parser a command built."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        super().__init__(parser.prog)
        self.parser = parser


def parser_of(name: str, monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    """The parser ``bedrock-costs <name>`` builds, caught at its first parse."""
    def capture(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        raise _Parsed(self)

    with monkeypatch.context() as patch:
        patch.setattr(argparse.ArgumentParser, "parse_known_args", capture)
        with pytest.raises(_Parsed) as parsed:
            commands.load(name)([])
    return parsed.value.parser


def undocumented(parser: argparse.ArgumentParser) -> list[str]:
    """Every option, positional and subcommand of ``parser`` (and its subcommands) without help text."""
    missing: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                missing += [] if helps.get(name) else [f"{sub.prog} (subcommand)"]
                missing += undocumented(sub)
        elif not action.help or action.help == argparse.SUPPRESS:
            missing.append(f"{parser.prog} {'/'.join(action.option_strings) or action.dest}")
    return missing


# Commands whose parser lives in a module another change owns; drop the entry once it has help text
# (not strict: that fix may land first, and must not fail this suite).
NOT_YET: dict[str, str] = {}


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(strict=False, reason=NOT_YET[name]))
                                  if name in NOT_YET else name for name in sorted(commands.COMMANDS)])
def test_every_option_has_help(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert undocumented(parser_of(name, monkeypatch)) == []


def test_the_walk_finds_an_option_without_help() -> None:
    parser = argparse.ArgumentParser(prog="x")
    parser.add_argument("--said", help="it")
    sub = parser.add_subparsers(dest="command").add_parser("y")
    sub.add_argument("--silent")
    assert undocumented(parser) == ["x y (subcommand)", "x y --silent"]
