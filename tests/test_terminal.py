"""Text from the logs is printed inert: a caller name or a metadata claim holding ESC]0;...BEL (retitle
the terminal), ESC[2J (clear it), a C1 control or a bidirectional override reaches the terminal as a
visible escape, in every output of `summary`, the table formatter, `report`, `export`, `budget-alerts`,
`notify` and the ERROR line (bedrock_costs/terminal.py)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import duckdb
import pytest

from bedrock_costs import budget_alerts, export, report, summary
from bedrock_costs.cli import print_error
from bedrock_costs.tables import table
from bedrock_costs.terminal import printable
from conftest import Project

HOSTILE = "evil\x1b]0;owned\x07\x1b[2J\x9b31m\u202ereversed\u2028next"
SHOWN = "evil\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202ereversed\\u2028next"


def raw_controls(text: str) -> list[str]:
    """Every character a terminal would act on, but the line breaks between lines."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


def test_printable_escapes_what_a_terminal_acts_on() -> None:
    assert printable(HOSTILE) == SHOWN
    assert printable("a\tb\r\nc") == "a\\tb\\r\\nc"
    assert printable("line one\nline two\x1b", keep_newlines=True) == "line one\nline two\\x1b"
    for plain in ("maria.garcia@example.com", "ünïcödé 日本語 ✓", "arn:aws:sts::1:assumed-role/r/s", ""):
        assert printable(plain) == plain
    assert printable(3.5) == "3.5"


def test_the_table_escapes_each_cell_and_keeps_its_columns() -> None:
    text = table(["caller", "cost"], [[HOSTILE, "$1.00"], ["plain", "$22.00"]], {1})
    assert not raw_controls(text)
    lines = text.splitlines()
    assert lines[2].startswith(SHOWN) and lines[2].endswith("  $1.00")
    assert len(lines[2]) == len(lines[3]) == len(lines[1])  # widths measured on what is printed


@pytest.fixture(scope="module")
def planted(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample whose top caller's name, an anomaly's description and an app's name hold
    control characters (a caller name comes from the logs; a description quotes it)."""
    sample.query("checkpoint")
    database = tmp_path_factory.mktemp("hostile") / "bedrock_costs.duckdb"
    shutil.copy(sample.database, database)
    with duckdb.connect(str(database)) as con:
        (arn,) = con.sql("select caller_arn from fct_daily_caller_cost group by 1 order by sum(cost_usd) desc "
                         "limit 1").fetchone()
        for mart in ("fct_daily_caller_cost", "fct_daily_app_caller_cost"):
            con.execute(f"update {mart} set caller_name = ? where caller_arn = ?", [HOSTILE, arn])
        con.execute("update fct_cost_anomalies set description = ? || description", [HOSTILE])
        con.execute("""update fct_app_budget_status set app = ?, budget_status = 'over_budget',
                       highest_threshold_crossed_pct = 100 where app = 'doc-search'""", [HOSTILE])
    return database


def test_the_summary_prints_planted_names_inert(planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert summary.main(["--database", str(planted), "--days", "0", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert not raw_controls(out), [hex(ord(c)) for c in raw_controls(out)]
    assert SHOWN in out  # the caller, the anomaly and the budget alert, as they were logged
    assert out.count(SHOWN) >= 3


def test_budget_alerts_report_and_export_print_planted_names_inert(planted: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert budget_alerts.main(["--database", str(planted)]) == 1
    assert report.main(["--database", str(planted), "--out", str(tmp_path / "r.html")]) == 0
    assert export.main(["--database", str(planted), "--out", str(tmp_path / "x")]) == 0
    printed = capsys.readouterr()
    assert not raw_controls(printed.out + printed.err)
    assert SHOWN in printed.out


def test_notify_prints_planted_names_inert(planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bedrock_costs import notify

    assert notify.main(["--database", str(planted), "--dry-run"]) == 0
    printed = capsys.readouterr()
    assert not raw_controls(printed.out + printed.err)
    assert f"NEW budget: app {SHOWN}, reached 100%" in printed.out  # the budget alert
    assert f"Found: {SHOWN}" in printed.out  # an anomaly's description


def test_the_error_line_is_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / f"{HOSTILE}.duckdb"
    assert summary.main(["--database", str(missing)]) == 1
    err = capsys.readouterr().err
    assert not raw_controls(err) and err.startswith("ERROR [NoDatabase]: ") and SHOWN in err
    print_error("Code\x1b[2J", HOSTILE)
    assert capsys.readouterr().err == f"ERROR [Code\\x1b[2J]: {SHOWN}\n"
