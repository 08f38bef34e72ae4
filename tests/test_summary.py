"""`bedrock-costs summary` and `make run`: the summary's sections against the marts, the build line, the
database of one's own logs, and README.md's example block against a fresh build of the bundled sample."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from bedrock_costs import summary
from conftest import REPO, Project, generate, make_project

MONEY = re.compile(r"^\$\d{1,3}(,\d{3})*\.\d\d$")


def table_after(text: str, heading_start: str) -> tuple[str, list[dict[str, str]]]:
    """The heading line that starts with ``heading_start``, and the table under it as dicts. Columns are cut
    where the rule's runs of dashes are, so values with spaces stay whole; every cell must sit inside its
    column, and a column's cells all against its left edge or all against its right edge. The table ends at
    a blank line, a "... and N more" line or an indented line (the notes under the bill's table)."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(heading_start))
    rule = lines[at + 2]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    body = [lines[at + 1]]
    for line in lines[at + 3:]:
        if not line.strip() or line.startswith(("...", "  ")):
            break
        body.append(line)
    cut = [[line[a:(spans[i + 1][0] if i + 1 < len(spans) else None)] for i, (a, _) in enumerate(spans)]
           for line in body]
    for i, (a, b) in enumerate(spans):
        column = [cells[i][: b - a].ljust(b - a) for cells in cut if cells[i].strip()]
        assert all(cells[i][b - a:].strip() == "" for cells in cut), f"column {i} spills over: {cut}"
        assert all(c.startswith(c.strip()) for c in column) or all(c.endswith(c.strip()) for c in column), column
    names = [c.strip() for c in cut[0]]
    return lines[at], [dict(zip(names, (c.strip() for c in cells), strict=True)) for cells in cut[1:]]


# ---------------------------------------------------------------------------------------------
# The database of one's own logs.


def test_default_database_is_one_per_logs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mylogs").mkdir()
    digest = hashlib.sha256(str(tmp_path / "mylogs").encode()).hexdigest()[:8]
    assert summary.default_database({}) == Path("bedrock_costs.duckdb")
    assert summary.default_database({"BEDROCK_LOGS_PATH": "mylogs"}) == Path(f"bedrock_costs_{digest}.duckdb")
    # the same folder however it is written; another folder, another database
    for spelling in ("./mylogs", "mylogs/", str(tmp_path / "mylogs")):
        assert summary.default_database({"BEDROCK_LOGS_PATH": spelling}) == Path(f"bedrock_costs_{digest}.duckdb")
    assert summary.default_database({"BEDROCK_LOGS_PATH": "other"}) != Path(f"bedrock_costs_{digest}.duckdb")
    # DBT_DUCKDB_PATH wins
    both = {"BEDROCK_LOGS_PATH": "mylogs", "DBT_DUCKDB_PATH": "x.duckdb"}
    assert summary.default_database(both) == Path("x.duckdb")


# ---------------------------------------------------------------------------------------------
# The build line.


def test_build_line_counts_and_names_what_failed() -> None:
    long_name = "bedrock_costs_reconciles_with_fct_model_whatif_" + "app__team__" * 30
    results = {"elapsed_time": 12.345, "results": [
        *({"unique_id": f"seed.bedrock_costs.s{i}", "status": "success"} for i in range(6)),
        *({"unique_id": f"model.bedrock_costs.m{i}", "status": "success"} for i in range(20)),
        {"unique_id": "model.bedrock_costs.fct_broken", "status": "error"},
        *({"unique_id": f"test.bedrock_costs.t{i}.abc123", "status": "pass"} for i in range(129)),
        {"unique_id": "test.bedrock_costs.assert_all_tokens_priced", "status": "fail"},
        {"unique_id": f"test.bedrock_costs.{long_name}.0f1e2d", "status": "warn"},
        {"unique_id": "test.bedrock_costs.not_null_fct_broken_app.9a8b7c", "status": "skipped"},
        {"unique_id": "operation.bedrock_costs.bedrock_costs-on-run-end-0", "status": "success"},
        {"unique_id": "exposure.bedrock_costs.cost_report", "status": "no-op"},
    ]}
    lines = summary.build_line(results).splitlines()
    assert lines[0] == ("dbt build: 6 seeds, 21 models, 132 data tests in 12.3 s; "
                        "1 errored, 1 failed, 1 warned, 1 skipped.")
    assert lines[1:] == ["  ERROR model fct_broken", "  FAIL test assert_all_tokens_priced",
                         f"  WARN test {long_name[:71]}…"]
    assert all(len(line) <= 100 for line in lines)
    clean = {"elapsed_time": 1.0, "results": [{"unique_id": "model.p.m", "status": "success"}]}
    assert summary.build_line(clean) == "dbt build: 1 model in 1.0 s; all OK."


# ---------------------------------------------------------------------------------------------
# The sections, against the marts.


def open_copy(project: Project, to: Path) -> Path:
    project.query("checkpoint")
    shutil.copy(project.database, to)
    return to


def test_summary_sections_match_the_marts(sample: Project, tmp_path: Path) -> None:
    """Cost by app and team from another mart (the app-caller one), to the cent; callers with their role."""
    with duckdb.connect(str(open_copy(sample, tmp_path / "s.duckdb")), read_only=True) as con:
        text = summary.summary(con, days=2, top=5)
    (last,) = sample.query("select max(usage_date) from fct_daily_app_cost")[0]
    first = last - dt.timedelta(days=1)
    window = f"{first} to {last} (UTC, 2 days)"

    heading, apps = table_after(text, "Bedrock cost by app and team")
    expected = {(a, t, s): (q, c) for a, t, s, q, c in sample.query(f"""
        select app, team, attribution_source, sum(request_count), sum(cost_usd) from fct_daily_app_caller_cost
        where usage_date between date '{first}' and date '{last}' group by all""")}
    total = summary.money(sum(c for _, c in expected.values()))
    assert heading == f"Bedrock cost by app and team, {window}: total {total}"
    assert {(r["app"], r["team"], r["attributed by"]): (r["requests"], r["cost"]) for r in apps} == {
        k: (f"{q:,}", summary.money(c)) for k, (q, c) in expected.items()}
    assert [float(r["cost"].strip("$").replace(",", "")) for r in apps] == sorted(
        (round(c, 2) for _, c in expected.values()), reverse=True)
    assert {r["attributed by"] for r in apps} == {"profile", "request_metadata", "unattributed"}

    heading, callers = table_after(text, "Top ")
    assert heading == f"Top 5 callers, {window}"
    top = sample.query(f"""
        select caller_name, any_value(caller_role), any_value(caller_type), sum(cost_usd) from fct_daily_caller_cost
        where usage_date between date '{first}' and date '{last}'
        group by caller_arn, caller_name order by 4 desc limit 5""")
    assert [(r["caller"], r["cost"]) for r in callers] == [(n, summary.money(c)) for n, _, _, c in top]
    for row, (_, role, kind, _) in zip(callers, top, strict=True):
        assert row["role"] == (re.sub(r"_[0-9a-f]{16}$", "", role) if role else f"({kind.replace('_', ' ')})")
    assert all(MONEY.match(r["cost"]) for r in apps + callers)


def plant_alerts(database: Path) -> tuple[str, str]:
    """An anomaly and an over-budget app in a copy of the marts; their expected description and app."""
    with duckdb.connect(str(database)) as con:
        con.sql("delete from fct_cost_anomalies")
        con.sql("""
            insert into fct_cost_anomalies (anomaly_type, dimension, entity_key, entity_name, started_at, ended_at,
                                            cost_usd, description, usage_date)
            select 'spend_spike', 'app', 'support-chat', 'support-chat', max(usage_date) + interval 1 hour,
                   max(usage_date) + interval 3 hour, 1234.5, 'app support-chat spent $1234.50 from 01:00 to 03:00',
                   max(usage_date)
            from fct_daily_app_cost""")
        app = con.sql("""select app from fct_app_budget_status where is_current_month and monthly_budget_usd > 0
                         order by app limit 1""").fetchone()[0]
        con.execute("""update fct_app_budget_status set budget_status = 'over_budget', pct_of_budget = 123.4,
                       mtd_cost_usd = 1.234 * monthly_budget_usd where is_current_month and app = ?""", [app])
    return "app support-chat spent $1234.50 from 01:00 to 03:00", app


def test_anomalies_and_budget_alerts_appear_when_there_are_any(sample: Project, tmp_path: Path) -> None:
    database = open_copy(sample, tmp_path / "alerts.duckdb")
    description, app = plant_alerts(database)
    with duckdb.connect(str(database), read_only=True) as con:
        text = summary.summary(con, days=7, top=3)
        month_start, through, budget = con.execute("""
            select month_start_date, through_date, monthly_budget_usd from fct_app_budget_status
            where is_current_month and app = ?""", [app]).fetchone()
    heading, anomalies = table_after(text, "Cost anomalies")
    assert heading.startswith("Cost anomalies, ")
    assert anomalies[0] == {"anomaly": "spend spike", "description": description}
    heading, alerts = table_after(text, "Budget alerts")
    days = (through - month_start).days + 1
    assert heading == (f"Budget alerts, {month_start:%B %Y} month to date, {month_start} to {through} "
                       f"(UTC, {days} day{'s' if days != 1 else ''})")
    assert alerts[0]["app"] == app and alerts[0]["status"] == "over_budget"
    assert (alerts[0]["spent"], alerts[0]["budget"], alerts[0]["used"]) == (
        summary.money(1.234 * budget), summary.money(budget), "123%")
    assert all(r["status"] != "on_track" for r in alerts)

    # none of either: no section at all
    with duckdb.connect(str(database)) as con:
        con.sql("delete from fct_cost_anomalies")
        con.sql("update fct_app_budget_status set budget_status = 'on_track'")
    with duckdb.connect(str(database), read_only=True) as con:
        text = summary.summary(con, days=7, top=3)
    assert "Cost anomalies" not in text and "Budget alerts" not in text


def test_cli_prints_the_build_line_first(sample: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = open_copy(sample, tmp_path / "cli.duckdb")
    results = tmp_path / "run_results.json"
    results.write_text('{"elapsed_time": 3.21, "results": [{"unique_id": "model.p.m", "status": "success"}]}')
    assert summary.main(["--database", str(database), "--run-results", str(results)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "dbt build: 1 model in 3.2 s; all OK." and out[1] == ""
    assert out[2].startswith("Bedrock cost by app and team, ")
    assert summary.main(["--database", str(database), "--run-results", str(tmp_path / "none.json")]) == 1
    assert "ERROR [NoRunResults]" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# `make run` on one's own logs, in a copy of the project: quiet, its own database, no sample.


def make_copy(root: Path, logs: Path) -> Project:
    project = make_project(root, logs, own_copy=True)
    for name in ("Makefile", "profiles.yml.example"):
        shutil.copy2(REPO / name, project.project_dir / name)
    shutil.copy(REPO / "profiles.yml.example", project.project_dir / "profiles.yml")
    (project.project_dir / ".venv").symlink_to(REPO / ".venv")
    return project


def make(project: Project, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_DUCKDB_PATH", "BEDROCK_LOGS_PATH", "MAKEFLAGS")}
    # -o: the copy uses the repository's .venv as it is, and never reinstalls into it
    command = ["make", "--no-print-directory", "-o", "install", "-o", ".venv/.installed", "-o", "runtime",
               "-o", ".venv/.runtime", *args]
    return subprocess.run(command, cwd=project.project_dir, env={**environ, **env}, capture_output=True, text=True,
                          timeout=900)


def test_make_run_on_own_logs(tmp_path: Path) -> None:
    logs = tmp_path / "my-logs"
    generate(logs, records=3000, days=2, start="2026-11-01", seed=5)
    project = make_copy(tmp_path / "copy", logs)
    # one profile left out of the map: its calls are unmapped (a warning) and unpriced (a failing test)
    profile_map = project.project_dir / "seeds" / "profile_map.csv"
    lines = profile_map.read_text().splitlines(keepends=True)
    dropped = next(line for line in lines if line.startswith("doc-search"))
    profile_map.write_text("".join(line for line in lines if line != dropped))
    sample_dir = tmp_path / "never-generated"

    run = make(project, "run", f"SAMPLE_DIR={sample_dir}", BEDROCK_LOGS_PATH=str(logs))
    out = run.stdout.splitlines()
    digest = hashlib.sha256(str(logs.resolve()).encode()).hexdigest()[:8]
    database = f"bedrock_costs_{digest}.duckdb"
    assert not sample_dir.exists(), "BEDROCK_LOGS_PATH set: the sample is not generated"
    assert (project.project_dir / database).exists() and not (project.project_dir / "bedrock_costs.duckdb").exists()
    assert out[0] == f"Building {database} from {logs} (dbt build --quiet) ..."
    # the hook prints what the failing and warning tests found, under --quiet
    unmapped_arn = dropped.split(",")[1]
    assert any(line.startswith(f"UNMAPPED PROFILE: {unmapped_arn}") for line in out), run.stdout
    assert any(line.startswith("UNPRICED:") for line in out), run.stdout
    build = next(i for i, line in enumerate(out) if line.startswith("dbt build: "))
    # 8 seeds without a bill: model_pricing, aws_regions (the Regions int_model_rates prices), profile_map,
    # caller_map, app_budgets, model_substitutions, price_list_model_map, alert_routes (notify's routing)
    assert re.fullmatch(r"dbt build: 8 seeds, \d+ models, \d+ data tests in [\d.]+ s; \d+ failed, \d+ warned\.",
                        out[build]), out[build]
    named = out[build + 1:out.index("", build)]
    assert {"  FAIL test assert_all_tokens_priced", "  WARN test warn_unmapped_application_profiles"} <= set(named)
    # the summary follows, though a test failed; make exits non-zero, as dbt did
    assert any(line.startswith("Bedrock cost by app and team, 2026-11-01 to 2026-11-02") for line in out)
    assert "requests have no price" in run.stdout and run.returncode != 0
    # compact: no per-node progress, no adapter warning, no 400-character test names
    ours = [line for line in out if not line.startswith(("UNPRICED:", "UNMAPPED PROFILE:"))]  # the tests' own words
    assert len(out) < 70 and max(map(len, ours)) <= 150, run.stdout
    assert max(map(len, named)) <= 100
    assert "DuckLake" not in run.stdout + run.stderr and " START " not in run.stdout

    # without BEDROCK_LOGS_PATH, `make run` generates the sample (dry run: -n prints the commands)
    plan = make(project, "-n", "run", f"SAMPLE_DIR={sample_dir}").stdout
    assert "generate_sample_logs.py" in plan and str(sample_dir) in plan
    plan = make(project, "-n", "run", f"SAMPLE_DIR={sample_dir}", BEDROCK_LOGS_PATH=str(logs)).stdout
    assert "generate_sample_logs.py" not in plan


# ---------------------------------------------------------------------------------------------
# README.md's example: the summary of the bundled sample, rebuilt here.


def sample_args() -> list[str]:
    """`make sample`'s arguments, as the Makefile gives them."""
    (line,) = [line for line in (REPO / "Makefile").read_text().splitlines() if line.startswith("SAMPLE_ARGS ?=")]
    return shlex.split(line.split("?=", 1)[1])


@pytest.fixture(scope="module")
def bundled_sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The bundled sample (make sample's arguments) and, with --cur, its bill, built as `make run` builds
    them: about two minutes."""
    flags = [arg for arg in sample_args() if arg == "--cur"]
    valued = [arg for arg in sample_args() if arg not in flags]
    args = dict(zip(valued[::2], valued[1::2], strict=True))
    root = tmp_path_factory.mktemp("bundled")
    project = make_project(root / "project", root / "logs")
    generate(project.logs, int(args["--records"]), int(args["--days"]), args["--start-date"], int(args["--seed"]),
             *flags)
    if flags:
        project.default_vars = {"bedrock_costs_cur_path": str(project.logs / "cur")}
    run = project.dbt("build")
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m)
    return project


def test_readme_example_is_the_bundled_sample_summary(bundled_sample: Project, tmp_path: Path) -> None:
    """The README's block is exactly what `bedrock-costs summary` prints for the bundled sample (money to the
    cent). When this fails, the sample or the summary changed: run `make readme-example` and commit README.md."""
    defaults = summary.parse_args([])
    with duckdb.connect(str(open_copy(bundled_sample, tmp_path / "b.duckdb")), read_only=True) as con:
        fresh = summary.summary(con, defaults.days, defaults.top)
    block = summary.readme_block((REPO / "README.md").read_text(encoding="utf-8"))
    assert block == fresh, "README.md's example is stale: run `make readme-example`"


def test_the_bundled_samples_chargeback_is_the_generators(bundled_sample: Project) -> None:
    """`make run`'s chargeback, to the cent, against the generator's own allocation (bill_truth.json,
    computed by sample_cur.py from the lines it wrote, never from the marts): per billing period,
    account and app, and per kind of shared charge; and per account, the net invoice."""
    import json

    truth = json.loads((bundled_sample.logs / "ground_truth" / "bill_truth.json").read_text())
    found = {(str(p)[:7], a, app): (n, e) for p, a, app, n, e in bundled_sample.query(
        "select billing_period, account_id, app, sum(net_cost_usd), sum(estimated_cost_usd) "
        "from main.fct_bill_chargeback group by 1, 2, 3")}
    expected = {(r["billing_period"], r["account_id"], r["app"]): (r["net_cost_usd"], r["estimated_cost_usd"])
                for r in truth["chargeback"]}
    assert found.keys() == expected.keys()
    for key, amounts in expected.items():
        assert found[key] == pytest.approx(amounts, abs=0.005), key
    kinds = {(str(p)[:7], a, k, app): (b, n) for p, a, k, app, b, n in bundled_sample.query(
        "select billing_period, account_id, charge_kind, app, sum(billed_cost_usd), sum(net_cost_usd) "
        "from main.fct_daily_app_cost_billed where charge_kind <> 'token' group by 1, 2, 3, 4")}
    for row in truth["allocation"]:
        key = (row["billing_period"], row["account_id"], row["charge_kind"], row["app"])
        want = (row["billed_cost_usd"], row["net_cost_usd"])
        assert kinds.get(key, (0.0, 0.0)) == pytest.approx(want, abs=0.005), key
    for entry in truth["waterfall"]:
        net = sum(n for (p, a, _), (n, _) in found.items() if (p, a) == (entry["billing_period"], entry["account_id"]))
        assert net == pytest.approx(entry["net_bill_usd"], abs=0.005)


def test_readme_option_writes_and_checks_the_block(sample: Project, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    database = open_copy(sample, tmp_path / "r.duckdb")
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n\n{summary.README_BEGIN}\n```text\nold numbers\n```\n{summary.README_END}\n"
                      "\nafter\n")
    args = ["--database", str(database), "--readme", str(readme)]
    assert summary.main([*args, "--check"]) == 1 and "stale" in capsys.readouterr().out
    assert summary.main(args) == 0
    with duckdb.connect(str(database), read_only=True) as con:
        expected = summary.summary(con, 7, 8)
    text = readme.read_text()
    assert summary.readme_block(text) == expected
    assert text.startswith("# x\n\nbefore\n\n") and text.endswith(f"{summary.README_END}\n\nafter\n")
    assert summary.main([*args, "--check"]) == 0 and "current" in capsys.readouterr().out
