"""`bedrock-costs export`: each report section as CSV, JSON and Parquet for a period, under the column
names docs/exports.md lists; the numbers against sums queried here from the marts themselves."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bedrock_costs import export
from conftest import REPO, Project
from test_bill_output import billed  # noqa: F401 (the billed fixture)

BILL = {"bill_waterfall", "bill_status", "chargeback", "bill_unattributed"}  # the shared sample has no CUR export


@pytest.fixture(scope="module")
def database(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    sample.query("checkpoint")
    copy = tmp_path_factory.mktemp("export") / "bedrock_costs.duckdb"
    shutil.copy(sample.database, copy)
    return copy


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def marts(database: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def exported(database: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every section in every format, for 3-4 Nov (--from/--to)."""
    out = tmp_path_factory.mktemp("exported")
    for fmt in export.FORMATS:
        assert export.main(["--database", str(database), "--format", fmt, "--out", str(out / fmt),
                            "--from", "2026-11-03", "--to", "2026-11-04"]) == 0
    return {fmt: out / fmt for fmt in export.FORMATS}


def test_every_section_in_every_format_with_its_declared_columns(exported: dict[str, Path]) -> None:
    for name, section in export.SECTIONS.items():
        names = [c.name for c in section.columns]
        if name in BILL:
            assert not list(exported["csv"].glob(f"{name}.*")), "no bill marts, no bill file"
            continue
        with (exported["csv"] / f"{name}.csv").open(newline="") as handle:
            assert next(csv.reader(handle)) == names, name
        rows = json.loads((exported["json"] / f"{name}.json").read_text())
        assert all(list(row) == names for row in rows), name
        with duckdb.connect() as con:
            described = con.execute("select name, type from parquet_schema(?) where name <> 'duckdb_schema'",
                                    [str(exported["parquet"] / f"{name}.parquet")]).fetchall()
            parquet_rows = con.execute("select count(*) from read_parquet(?)",
                                       [str(exported["parquet"] / f"{name}.parquet")]).fetchone()
        assert [n for n, _ in described] == names, name
        assert parquet_rows == (len(rows),), name
        assert len(read_csv(exported["csv"] / f"{name}.csv")) == len(rows), name


def test_apps_and_callers_match_the_marts(exported: dict[str, Path], database: Path) -> None:
    first, last = dt.date(2026, 11, 3), dt.date(2026, 11, 4)
    apps = {(r["app"], r["team"], r["attribution_source"]): r for r in read_csv(exported["csv"] / "apps.csv")}
    expected = {(a, t, s): (q, c) for a, t, s, q, c in marts(database, """
        select app, team, attribution_source, sum(request_count), sum(cost_usd) from main.fct_daily_app_caller_cost
        where usage_date between ? and ? group by all""", [first, last])}
    assert apps.keys() >= expected.keys()
    for key, (requests, cost) in expected.items():
        assert int(apps[key]["request_count"]) == requests, key
        assert float(apps[key]["cost_usd"]) == pytest.approx(cost, abs=1e-9), key
        assert (apps[key]["period_start"], apps[key]["period_end"]) == ("2026-11-03", "2026-11-04")
    # the period before (1-2 Nov) is in the data: previous_cost_usd is set
    before = dict(marts(database, """select app, sum(cost_usd) from main.fct_daily_app_cost
                                     where usage_date between date '2026-11-01' and date '2026-11-02' group by 1"""))
    for app, cost in before.items():
        shown = sum(float(r["previous_cost_usd"]) for (a, *_), r in apps.items() if a == app)
        assert shown == pytest.approx(cost, abs=1e-9), app

    callers = json.loads((exported["json"] / "callers.json").read_text())
    expected_callers = dict(marts(database, """select caller_arn, sum(cost_usd) from main.fct_daily_caller_cost
                                               where usage_date between ? and ? group by 1""", [first, last]))
    assert {c["caller_arn"]: pytest.approx(c["cost_usd"], abs=1e-9) for c in callers} == expected_callers
    assert [c["cost_usd"] for c in callers] == sorted((c["cost_usd"] for c in callers), reverse=True)

    (totals,) = json.loads((exported["json"] / "totals.json").read_text())
    ((requests, cost),) = marts(database, "select sum(request_count), sum(cost_usd) from main.fct_daily_caller_cost "
                                          "where usage_date between ? and ?", [first, last])
    assert totals["request_count"] == requests and totals["priced_cost_usd"] == pytest.approx(cost, abs=1e-9)
    roles = json.loads((exported["json"] / "roles.json").read_text())
    assert sum(r["cost_usd"] for r in roles) == pytest.approx(cost, abs=1e-9)
    assert sum(r["caller_count"] for r in roles) == len(callers)


def test_savings_count_one_option_per_spend(exported: dict[str, Path], database: Path) -> None:
    savings = json.loads((exported["json"] / "savings.json").read_text())
    assert len(savings) == marts(database, "select count(*) from main.fct_model_whatif")[0][0]
    spends: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in savings:
        key = tuple(row[k] for k in ("app", "team", "model_id", "price_scope", "geography"))
        spends.setdefault(key, []).append(row)
    for options in spends.values():
        ranks = sorted(o["option_rank"] for o in options)
        assert ranks == list(range(1, len(options) + 1)) and {o["option_count"] for o in options} == {len(options)}
        best = next(o for o in options if o["option_rank"] == 1)
        assert best["saving_usd"] == max(o["saving_usd"] for o in options)


def test_period_options(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export.main(["--database", str(database), "--out", str(tmp_path), "--section", "daily",
                        "--days", "1"]) == 0
    assert {r["usage_date"] for r in read_csv(tmp_path / "daily.csv")} == {"2026-11-04"}
    assert "2026-11-04 to 2026-11-04 (UTC, 1 day)" in capsys.readouterr().out
    # the default fits the data: 2 of 4 days, against the 2 before
    assert export.main(["--database", str(database), "--out", str(tmp_path), "--section", "totals"]) == 0
    (totals,) = read_csv(tmp_path / "totals.csv")
    assert (totals["period_start"], totals["previous_period_start"]) == ("2026-11-03", "2026-11-01")
    assert totals["previous_priced_cost_usd"] != ""
    assert export.main(["--database", str(database), "--out", str(tmp_path), "--days", "2",
                        "--from", "2026-11-01"]) == 2
    assert export.main(["--database", str(database), "--out", str(tmp_path), "--from", "2026-11-04",
                        "--to", "2026-11-01"]) == 2
    assert "ERROR [InvalidInput]" in capsys.readouterr().err
    assert export.main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert all(f"{name}:" in listed for name in export.SECTIONS)


def test_docs_list_every_section_and_column() -> None:
    doc = (REPO / "docs" / "exports.md").read_text(encoding="utf-8")
    inside = doc.split(export.DOCS_BEGIN, 1)[1].split(export.DOCS_END, 1)[0].strip()
    assert inside == export.markdown(), "docs/exports.md is stale: paste export.markdown() between its markers"


def test_the_bill_sections_with_a_cur_export(billed: Any, tmp_path: Path) -> None:  # noqa: F811 (the fixture)
    """With the bill marts: the waterfall of every billing period in the period, to the mart's cent."""
    assert export.main(["--database", str(billed.database), "--out", str(tmp_path), "--format", "json",
                        "--section", "bill_waterfall", "--section", "bill_status", "--days", "0"]) == 0
    waterfall = json.loads((tmp_path / "bill_waterfall.json").read_text())
    expected = {(str(p), c, k): a for p, c, k, a in billed.query(
        "select billing_period, cause, kind, sum(amount_usd) from main.fct_bill_variance_by_cause group by all")}
    assert {(r["billing_period"], r["cause"], r["kind"]): pytest.approx(r["amount_usd"], abs=1e-9)
            for r in waterfall} == expected
    status = json.loads((tmp_path / "bill_status.json").read_text())
    counts = dict(billed.query("select cast(billing_period as varchar), count(*) from main.fct_bill_reconciliation "
                               "group by 1"))
    assert {r["billing_period"]: sum(r[f"{s}_count"] for s in ("reconciled", "variance", "not_in_logs",
                                                                 "not_in_bill", "pending")) for r in status} == counts
    assert export.main(["--database", str(billed.database), "--out", str(tmp_path), "--format", "json",
                        "--section", "chargeback", "--days", "0"]) == 0
    net: dict[tuple[str, str], float] = {}
    for row in json.loads((tmp_path / "chargeback.json").read_text()):
        key = (row["billing_period"], row["account_id"])
        net[key] = net.get(key, 0.0) + row["net_cost_usd"]
    invoice = {(str(p), a): pytest.approx(n, abs=1e-6) for p, a, n in billed.query(
        "select billing_period, account_id, sum(net_cost_usd) from main.fct_bill_chargeback group by all")}
    assert net == invoice and net
