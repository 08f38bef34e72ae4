"""What the commands say about themselves is true: help without module internals, a description for
every subcommand, the exit code the help promises for a missing region, and one meaning of --days
(0: all the data) in `summary`, `report` and `export`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bedrock_costs import commands, report, summary
from conftest import Project


def help_text(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        commands.main([*argv, "--help"])
    return capsys.readouterr().out


def test_report_help_speaks_to_its_user(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(["report"], capsys)
    assert "``" not in text and "dataclasses" not in text and "this module" not in text
    assert "--target" in text and "fits the data" in text and "0 for all of it" in text


@pytest.mark.parametrize("name", ["tags", "budgets"])
def test_each_finops_subcommand_has_a_description(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = help_text(["finops", name], capsys).split("\n\n")
    assert lines[0].startswith(f"usage: bedrock-costs finops {name}")
    assert not lines[1].startswith("options:") and len(lines[1]) > 60, "a sentence before the options"


def test_no_region_is_exit_3_as_the_help_says(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    help_3 = help_text(["validate"], capsys)
    assert "3  no AWS credentials, unknown --profile, or no region" in help_3
    assert commands.main(["validate", "--dry-run"]) == 3
    assert capsys.readouterr().err.startswith("ERROR [NoRegion]: no AWS region")


@pytest.fixture(scope="module")
def database(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    sample.query("checkpoint")
    copy = tmp_path_factory.mktemp("cli") / "bedrock_costs.duckdb"
    shutil.copy(sample.database, copy)
    return copy


def test_days_0_is_all_the_data_everywhere(database: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert summary.main(["--database", str(database), "--days", "0"]) == 0
    assert capsys.readouterr().out.startswith("Bedrock cost by app and team, 2026-11-01 to 2026-11-04 (UTC, 4 days)")
    assert report.main(["--database", str(database), "--out", str(tmp_path / "r.html"), "--days", "0"]) == 0
    assert "01 Nov 2026 to 04 Nov 2026 (UTC, 4 days)" in capsys.readouterr().out
    for command in (summary.main, report.main):
        assert command(["--database", str(database), "--days", "-1", "--out", str(tmp_path / "r.html")]
                       if command is report.main else ["--database", str(database), "--days", "-1"]) == 2
        assert "ERROR [InvalidInput]: --days takes 0 (all the data) or more" in capsys.readouterr().err


def test_the_report_window_fits_the_data(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --days, 2 of the sample's 4 days, so the 2 before are there to compare with."""
    assert report.main(["--database", str(database), "--out", str(tmp_path / "r.html")]) == 0
    out = capsys.readouterr().out
    assert "03 Nov 2026 to 04 Nov 2026 (UTC, 2 days)" in out and "change vs the previous 2 days" in out
    assert "no data before" not in out
