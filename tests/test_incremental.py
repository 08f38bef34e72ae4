"""Incremental runs: adding a day and building incrementally gives exactly the full-refresh marts,
and the staging read is pruned to the lookback window's day folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Project, generate, make_project

MARTS = ["fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost"]


def canonical(rows: list[dict]) -> list[tuple]:
    """Rows as sortable tuples, cost rounded to 1e-9 (sums of doubles depend on order)."""
    out = []
    for row in rows:
        cost = row["cost_usd"]
        out.append(tuple((k, round(v, 9) if k == "cost_usd" and v is not None else str(v))
                         for k, v in sorted(row.items())))
        del cost
    return sorted(out)


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project, str]:
    root = tmp_path_factory.mktemp("incremental")
    logs = root / "logs"
    generate(logs, records=12_000, days=6, start="2026-11-01", seed=5)
    project = make_project(root / "incremental", logs)
    assert project.dbt("build").success
    generate(logs, records=2_000, days=1, start="2026-11-07", seed=5)
    run = project.dbt("build")
    assert run.success
    staging_sql = (project.root / "target" / "compiled" / "bedrock_costs" / "models" / "staging" / "bedrock"
                   / "base" / "base_bedrock__log_lines.sql").read_text()
    full = make_project(root / "full", logs)
    assert full.dbt("build", "--full-refresh").success
    return project, full, staging_sql


@pytest.mark.parametrize("mart", MARTS)
def test_incremental_equals_full_refresh(incremental: tuple[Project, Project, str], mart: str) -> None:
    project, full, _ = incremental
    assert canonical(project.mart(mart)) == canonical(full.mart(mart))


def test_new_day_is_in_the_marts(incremental: tuple[Project, Project, str]) -> None:
    project, _, _ = incremental
    (days,), = project.query("select count(distinct usage_date) from main.fct_daily_app_cost")
    assert days == 7


def test_incremental_staging_reads_only_the_lookback_window(incremental: tuple[Project, Project, str]) -> None:
    """Last built day 2026-11-06, lookback 3: day folders from 2026/11/03 on, none before."""
    _, _, staging_sql = incremental
    for day in ("2026/11/03", "2026/11/04", "2026/11/05", "2026/11/06", "2026/11/07"):
        assert f"/{day}/[0-2][0-9]/*.json.gz" in staging_sql
    for day in ("2026/11/01", "2026/11/02"):
        assert f"/{day}/" not in staging_sql


def test_building_twice_changes_nothing(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    generate(logs, records=3_000, days=2, start="2026-11-01", seed=9)
    project = make_project(tmp_path / "p", logs)
    assert project.dbt("build").success
    before = {mart: canonical(project.mart(mart)) for mart in MARTS}
    assert project.dbt("build").success
    assert {mart: canonical(project.mart(mart)) for mart in MARTS} == before
