"""Reconcile to the bill: the sample generator writes a CUR 2.0 export with planted differences
(`--cur`) and their amounts (ground_truth/bill_truth.json); the bill models must find every one,
to the cent. Expected values come from the generator's ground truth, or are computed here from
ground_truth/usage_hourly.csv and the export's own Parquet files, never from what the models print."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import GENERATOR, DbtRun, Project, assert_same_rows, make_project
from sample_cur import CHANNELS  # scripts/ (the test path)

CENT = 0.005
BILL_FOLDERS = ("staging/cur/", "intermediate/bill/", "marts/bill/")
# the generator's waterfall steps -> the mart's (cause, kind)
STEPS = {
    "log_estimate": ("log_estimate", "log_estimate"),
    "not_yet_billed": ("not_yet_billed", "cur_lag"),
    "token_count_gap": ("token_count_gap", "tokens"),
    "price_difference": ("price_difference", "unit_price"),
    "unlogged_traffic:batch": ("unlogged_traffic", "batch"),
    "unlogged_traffic:mantle": ("unlogged_traffic", "mantle"),
    "non_token_charges:guardrails": ("non_token_charges", "guardrails"),
    "non_token_charges:provisioned_throughput": ("non_token_charges", "provisioned_throughput"),
    "non_token_charges:knowledge_bases": ("non_token_charges", "knowledge_bases"),
    "non_token_charges:agentcore": ("non_token_charges", "agentcore"),
    "non_token_charges:tax": ("non_token_charges", "tax"),
    "discounts": ("credits_and_discounts", "discount"),
    "credits": ("credits_and_discounts", "credit"),
    "refunds": ("credits_and_discounts", "refund"),
}


@dataclass
class Bill:
    project: Project
    run: DbtRun
    truth: dict[str, Any]

    @property
    def logs(self) -> Path:
        return self.project.logs

    def rows(self, sql: str) -> list[dict[str, Any]]:
        return self.project.query_rows(sql)


def generate_with_bill(out: Path, *flags: str, records: int = 12_000, days: int = 6) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--records", str(records), "--days", str(days), "--start-date", "2026-11-01",
         "--seed", "11", "--out", str(out), "--quiet", "--workers", "2", *flags],
        check=True, capture_output=True,
    )


def build(root: Path, logs: Path, cur: Path | None) -> tuple[Project, DbtRun]:
    project = make_project(root, logs)
    if cur is not None:
        project.default_vars = {"bedrock_costs_cur_path": str(cur)}
    run = project.dbt("build")
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m)
    return project, run


@pytest.fixture(scope="module")
def billed(tmp_path_factory: pytest.TempPathFactory) -> Bill:
    """Six days of logs and their bill, with every planted difference; `dbt build` must pass."""
    root = tmp_path_factory.mktemp("bill")
    generate_with_bill(root / "logs", "--cur")
    project, run = build(root / "project", root / "logs", root / "logs" / "cur")
    truth = json.loads((root / "logs" / "ground_truth" / "bill_truth.json").read_text())
    return Bill(project, run, truth)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Bill:
    """The same month with a clean bill: the logs at list price, nothing planted."""
    root = tmp_path_factory.mktemp("clean_bill")
    generate_with_bill(root / "logs", "--cur", "--cur-clean")
    project, run = build(root / "project", root / "logs", root / "logs" / "cur")
    truth = json.loads((root / "logs" / "ground_truth" / "bill_truth.json").read_text())
    return Bill(project, run, truth)


def usage_hourly(logs: Path) -> list[dict[str, str]]:
    with (logs / "ground_truth" / "usage_hourly.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------------------------------------
# The waterfall: every planted cause, to the cent


def test_every_planted_cause_is_found_to_the_cent(billed: Bill) -> None:
    waterfall = billed.rows("select * from main.fct_bill_variance_by_cause")
    found = {(str(r["billing_period"])[:7], r["account_id"], r["cause"], r["kind"]): r["amount_usd"] for r in waterfall}
    assert billed.truth["waterfall"], "the generator planted nothing"
    checked = set()
    for expected in billed.truth["waterfall"]:
        period, account = expected["billing_period"], expected["account_id"]
        for step, amount in expected["steps"].items():
            cause, kind = STEPS[step]
            key = (period, account, cause, kind)
            assert found.get(key) == pytest.approx(amount, abs=CENT), (key, amount, found.get(key))
            checked.add(key)
        net = found[(period, account, "net_bill", "net_bill")]
        assert net == pytest.approx(expected["net_bill_usd"], abs=CENT), (period, account)
        checked.add((period, account, "net_bill", "net_bill"))
    # nothing else: every other step (the residual included) is 0
    for key, amount in found.items():
        if key not in checked:
            assert amount == pytest.approx(0, abs=CENT), (key, amount)
    # each planted cause, by name
    causes = billed.truth["causes"]
    prod = causes["batch_job"]["account_id"]
    assert found[("2026-11", prod, "unlogged_traffic", "batch")] == pytest.approx(
        causes["batch_job"]["billed_usd"], abs=CENT)
    assert found[("2026-11", prod, "unlogged_traffic", "mantle")] == pytest.approx(
        causes["mantle"]["billed_usd"], abs=CENT)
    assert found[("2026-11", prod, "non_token_charges", "guardrails")] == pytest.approx(
        causes["guardrail"]["billed_usd"], abs=CENT)
    assert found[("2026-11", prod, "non_token_charges", "provisioned_throughput")] == pytest.approx(
        causes["provisioned_throughput"]["billed_usd"], abs=CENT)
    assert found[("2026-11", prod, "price_difference", "unit_price")] == pytest.approx(
        causes["price_change"]["amount_usd"], abs=CENT)
    assert found[("2026-11", prod, "credits_and_discounts", "credit")] == pytest.approx(
        causes["credit"]["amount_usd"], abs=CENT)
    logging_off = causes["logging_off"]
    assert found[("2026-11", logging_off["account_id"], "token_count_gap", "tokens")] == pytest.approx(
        logging_off["billed_usd"], abs=CENT)
    edp = sum(amount for key, amount in found.items() if key[2:] == ("credits_and_discounts", "discount"))
    assert edp == pytest.approx(causes["edp_discount"]["amount_usd"] + causes["discount_line"]["amount_usd"], abs=CENT)
    assert found[("2026-11", prod, "credits_and_discounts", "refund")] == pytest.approx(
        causes["refund"]["amount_usd"], abs=CENT)
    for cause, kind in (("knowledge_base", "knowledge_bases"), ("agentcore", "agentcore")):
        assert found[("2026-11", prod, "non_token_charges", kind)] == pytest.approx(
            causes[cause]["billed_usd"], abs=CENT)
    taxes = sum(amount for key, amount in found.items() if key[2:] == ("non_token_charges", "tax"))
    assert taxes == pytest.approx(causes["tax"]["amount_usd"], abs=CENT) and taxes > 0


def test_waterfall_adds_up_and_its_residual_is_nil(billed: Bill) -> None:
    rows = billed.rows("select * from main.fct_bill_variance_by_cause")
    by_account: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_account[row["account_id"]].append(row)
    for account, steps in by_account.items():
        estimate = next(r["amount_usd"] for r in steps if r["cause"] == "log_estimate")
        net = next(r["amount_usd"] for r in steps if r["cause"] == "net_bill")
        causes = sum(r["amount_usd"] for r in steps if not r["is_total"])
        assert estimate + causes == pytest.approx(net, abs=1e-9), account
        assert abs(next(r["amount_usd"] for r in steps if r["cause"] == "residual")) < 1e-6, account
        last = max(steps, key=lambda r: (r["step_order"], r["kind"]))
        assert last["cause"] == "net_bill" and last["running_total_usd"] == pytest.approx(net, abs=1e-9)


def test_net_bill_is_the_exports_own(billed: Bill) -> None:
    """The net bill, read straight from the Parquet file the manifest lists (the stale file beside
    it, which the manifest no longer lists, must not count)."""
    (manifest,) = (billed.logs / "cur").rglob("*-Manifest.json")
    listed = [name.rsplit("/", 1)[-1] for name in json.loads(manifest.read_text())["dataFiles"]]
    data = manifest.parents[2] / "data" / manifest.parent.name
    assert {p.name for p in data.glob("*.parquet")} - set(listed), "the planted stale file is missing"
    files = ", ".join(f"'{data / name}'" for name in listed)
    with duckdb.connect() as con:
        expected = dict(con.sql(
            f"select line_item_usage_account_id, sum(coalesce(line_item_net_unblended_cost, line_item_unblended_cost)) "
            f"from read_parquet([{files}]) group by 1").fetchall())
    found = dict(billed.project.query(
        "select account_id, amount_usd from main.fct_bill_variance_by_cause where cause = 'net_bill'"))
    assert found.keys() == expected.keys()
    for account, amount in expected.items():
        assert found[account] == pytest.approx(amount, abs=CENT), account
    stale = billed.project.query(
        "select count(*) from main_staging.stg_cur__bedrock_lines where cur_file like '%stale%'")
    assert stale == [(0,)]


# ---------------------------------------------------------------------------------------------
# The reconciliation's rows


def test_the_cur_lag_days_are_pending_not_variance(billed: Bill) -> None:
    lag = billed.truth["causes"]["cur_lag"]
    rows = billed.rows("select usage_date, status, variance_usd, billed_cost_usd from main.fct_bill_reconciliation")
    pending_days = {str(r["usage_date"]) for r in rows if r["status"] == "pending"}
    assert pending_days == set(lag["days"])
    for row in rows:
        if str(row["usage_date"]) in lag["days"]:
            assert row["status"] == "pending" and row["variance_usd"] is None and row["billed_cost_usd"] == 0, row
    (through,) = billed.project.query("select bill_through_date from main_staging.int_bill_coverage")[0]
    assert str(through) == lag["bill_through_date"]


def test_logging_off_is_not_in_logs_and_the_price_change_is_a_variance(billed: Bill) -> None:
    off = billed.truth["causes"]["logging_off"]
    rows = billed.rows(
        f"select * from main.fct_bill_reconciliation where account_id = '{off['account_id']}' "
        f"and aws_region = '{off['aws_region']}'")
    assert rows and {r["status"] for r in rows} == {"not_in_logs"}
    assert sum(r["billed_cost_usd"] for r in rows) == pytest.approx(off["billed_usd"], abs=CENT)
    assert {str(r["usage_date"]) for r in rows} == {off["usage_date"]}
    assert {r["model_id"] for r in rows} == {off["model_id"]}

    change = billed.truth["causes"]["price_change"]
    rows = billed.rows(
        f"select * from main.fct_bill_reconciliation where model_id = '{change['model_id']}' and status <> 'pending'")
    after = [r for r in rows if str(r["usage_date"]) >= change["from_date"]]
    before = [r for r in rows if str(r["usage_date"]) < change["from_date"]]
    assert after and before
    assert {r["status"] for r in after} == {"variance"} and {r["status"] for r in before} == {"reconciled"}
    assert sum(r["price_difference_usd"] for r in after) == pytest.approx(change["amount_usd"], abs=CENT)
    assert all(abs(r["token_gap_usd"]) < 1e-9 and r["token_difference"] == 0 for r in rows)
    # every other billed row reconciles
    others = billed.rows(
        f"select status, count(*) as row_count from main.fct_bill_reconciliation "
        f"where model_id <> '{change['model_id']}' and account_id <> '{off['account_id']}' group by status")
    assert {r["status"] for r in others} == {"reconciled", "pending"}


def test_a_clean_month_reconciles_with_zero_variance(clean: Bill) -> None:
    rows = clean.rows("select * from main.fct_bill_reconciliation")
    assert rows and {r["status"] for r in rows} == {"reconciled"}
    assert max(abs(r["variance_usd"]) for r in rows) < 1e-6
    assert all(r["bill_tokens"] == r["log_tokens"] for r in rows)
    waterfall = clean.rows("select * from main.fct_bill_variance_by_cause")
    for row in waterfall:
        if not row["is_total"]:
            assert abs(row["amount_usd"]) < 1e-6, row
    estimate = sum(r["amount_usd"] for r in waterfall if r["cause"] == "log_estimate")
    expected = sum(sum(float(row[f"{kind}_cost_usd"]) for kind in ("input", "output", "cache_read", "cache_write"))
                   for row in usage_hourly(clean.logs))
    assert estimate == pytest.approx(expected, abs=CENT)
    assert clean.run.statuses().get("warn_bill_catalog_prices_stale") == "pass"


# ---------------------------------------------------------------------------------------------
# Billing channels and units


def test_both_billing_channels_and_every_pricing_unit_convert_to_the_logged_tokens(billed: Bill) -> None:
    """Marketplace Claude ('Units': millions), AmazonBedrockService ('1K tokens') and AmazonBedrock
    ('1M tokens'): the bill's tokens per channel equal the tokens the generator logged."""
    lag = set(billed.truth["causes"]["cur_lag"]["days"])
    columns = {"input": "input_tokens", "output": "output_tokens", "cache_read": "cache_read_input_tokens",
               "cache_write": "cache_write_input_tokens"}
    expected: dict[tuple[str, str], int] = defaultdict(int)
    for row in usage_hourly(billed.logs):
        if row["hour_start"][:10] not in lag and row["price_scope"] != "provisioned":  # its hours are billed
            for kind, column in columns.items():
                expected[(CHANNELS[row["model_id"]].pricing_unit, kind)] += int(row[column])
    found = billed.project.query(
        "select pricing_unit, token_type, sum(billed_tokens) from main_staging.int_bill_lines_resolved "
        "where usage_kind = 'token' and charge_category = 'usage' "
        "and not (account_id = '444455556666' and aws_region = 'us-west-2') group by 1, 2")
    assert {unit for unit, _, _ in found} == {"Units", "1K tokens", "1M tokens"}
    assert {(unit, kind): tokens for unit, kind, tokens in found} == {k: v for k, v in expected.items() if v}
    entities = dict(billed.project.query(
        "select billing_entity, count(distinct product_code) from main_staging.stg_cur__bedrock_lines group by 1"))
    assert entities.keys() == {"AWS", "AWS Marketplace"} and entities["AWS Marketplace"] > 1
    # Marketplace rows carry no product family; they are Bedrock by their product name
    resolved = dict(billed.project.query(
        "select model_resolved_by, count(*) from main_staging.int_bill_lines_resolved where usage_kind = 'token' "
        "group by 1"))
    assert resolved.keys() == {"product_model", "usage_type"}


# ---------------------------------------------------------------------------------------------
# Allocation


def test_the_allocation_sums_to_the_net_bill(billed: Bill) -> None:
    allocated = dict(billed.project.query(
        "select account_id, sum(net_cost_usd) from main.fct_daily_app_cost_billed group by 1"))
    for expected in billed.truth["waterfall"]:
        assert allocated[expected["account_id"]] == pytest.approx(expected["net_bill_usd"], abs=CENT)
    assert billed.run.statuses()["assert_bill_allocation_sums_to_the_bill"] == "pass"


def test_marketplace_cost_is_allocated_to_the_apps_that_spent_it(billed: Bill) -> None:
    """Marketplace lines carry no discount or credit and no planted price change: there, each app's
    billed (and net) cost per day is exactly its list-price cost in the generator's ground truth."""
    lag = set(billed.truth["causes"]["cur_lag"]["days"])
    marketplace = {model for model, channel in CHANNELS.items() if channel.marketplace}
    expected: dict[tuple[str, str], float] = defaultdict(float)
    for row in usage_hourly(billed.logs):
        if row["model_id"] in marketplace and row["hour_start"][:10] not in lag:
            expected[(row["hour_start"][:10], row["app"])] += sum(
                float(row[f"{kind}_cost_usd"]) for kind in ("input", "output", "cache_read", "cache_write"))
    models = ", ".join(f"'{model}'" for model in marketplace)
    found = {(str(day), app): cost for day, app, cost in billed.project.query(
        f"select usage_date, app, sum(net_cost_usd) from main.fct_daily_app_cost_billed "
        f"where model_id in ({models}) group by 1, 2")}
    assert found.keys() == expected.keys()
    for key, cost in expected.items():
        assert found[key] == pytest.approx(cost, abs=1e-6), key


def test_bill_only_charges_go_to_unattributed_with_the_bills_caller(billed: Bill) -> None:
    off = billed.truth["causes"]["logging_off"]
    rows = billed.rows(
        f"select * from main.fct_daily_app_cost_billed where account_id = '{off['account_id']}' "
        f"and aws_region = '{off['aws_region']}'")
    assert {(r["app"], r["caller_arn"], r["allocation_basis"]) for r in rows} == {
        ("unattributed", off["caller_arn"], "bill_principal")}
    kinds = {r[0] for r in billed.project.query("select distinct charge_kind from main.fct_daily_app_cost_billed")}
    assert {"token", "batch", "mantle", "guardrails", "provisioned_throughput", "discount", "credit"} <= kinds


def test_focus_view_bills_what_was_allocated(billed: Bill) -> None:
    ((focus_total,),) = billed.project.query('select sum("BilledCost") from main.fct_focus_allocated_cost')
    ((net,),) = billed.project.query("select sum(net_cost_usd) from main.fct_daily_app_cost_billed")
    assert focus_total == pytest.approx(net, abs=1e-6)
    categories = {r[0] for r in billed.project.query(
        'select distinct "ChargeCategory" from main.fct_focus_allocated_cost')}
    assert categories == {"Usage", "Credit", "Tax"}
    ((tags,),) = billed.project.query(
        """select "Tags"['app'] from main.fct_focus_allocated_cost where "x_App" = 'support-chat' limit 1""")
    assert tags == "support-chat"


# ---------------------------------------------------------------------------------------------
# Where the bill knows more, and the catalog checking itself


def test_the_bill_names_the_stale_catalog_price_the_tag_and_the_callers(billed: Bill) -> None:
    statuses = billed.run.statuses()
    for test in ("warn_bill_catalog_prices_stale", "warn_bill_profile_tags_differ", "warn_bill_callers_differ"):
        assert statuses[test] == "warn", test
    change = billed.truth["causes"]["price_change"]
    stale = billed.project.query(
        "select distinct model_id, min(usage_date) from main.fct_bill_catalog_price_check where status = 'stale' "
        "group by 1")
    assert [(model, str(day)) for model, day in stale] == [(change["model_id"], change["from_date"])]

    mismatch = billed.truth["causes"]["tag_mismatch"]
    differs = billed.rows("select * from main.fct_bill_profile_tag_comparison where status <> 'matches'")
    assert [(r["profile_arn"], r["tag_key"], r["bill_value"], r["profile_map_value"]) for r in differs] == [
        (mismatch["profile_arn"], mismatch["tag_key"], mismatch["bill_value"], mismatch["profile_map_value"])]

    callers = {r["caller_arn"]: r for r in billed.rows("select * from main.fct_bill_caller_comparison")}
    off = billed.truth["causes"]["logging_off"]
    assert callers[off["caller_arn"]]["status"] == "not_in_logs"
    assert callers[off["caller_arn"]]["billed_cost_usd"] == pytest.approx(off["billed_usd"], abs=CENT)
    differing = {arn for arn, r in callers.items() if r["status"] == "differs"}
    assert differing and all("analytics-airflow" in arn for arn in differing)  # the price-changed model's callers


# ---------------------------------------------------------------------------------------------
# Without a bill


def test_without_a_cur_the_project_builds_as_before(billed: Bill, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """No BEDROCK_CUR_PATH and no table var: no bill model is built, every test passes, and the
    marts are the same as with the bill."""
    monkeypatch.delenv("BEDROCK_CUR_PATH", raising=False)
    project, run = build(tmp_path / "project", billed.logs, None)
    results = getattr(run.result.result, "results", None) or []
    built = {r.node.original_file_path for r in results}
    assert not [path for path in built if any(folder in path for folder in BILL_FOLDERS) or "bill" in Path(path).name]
    assert {str(r.status) for r in results} <= {"success", "pass", "no-op"}
    for mart in ("fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost"):
        assert_same_rows(project.mart(mart), billed.project.mart(mart), mart)


def test_the_generator_without_cur_writes_what_it_always_did(tmp_path: Path) -> None:
    """--cur only adds the export and bill_truth.json: the logs and the other ground truth are the
    same, line for line (gzip headers carry a time, so the decompressed content is compared)."""
    import gzip

    generate_with_bill(tmp_path / "plain", records=2_000, days=4)
    generate_with_bill(tmp_path / "billed", "--cur", records=2_000, days=4)
    plain = {p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*") if p.is_file()}
    billed = {p.relative_to(tmp_path / "billed") for p in (tmp_path / "billed").rglob("*") if p.is_file()}
    assert not [p for p in plain if p.parts[0] == "cur" or p.name == "bill_truth.json"]
    assert billed - plain and all(p.parts[0] == "cur" or p.name == "bill_truth.json" for p in billed - plain)
    for path in plain:
        a, b = tmp_path / "plain" / path, tmp_path / "billed" / path
        read = gzip.open if path.suffix == ".gz" else open
        with read(a, "rb") as left, read(b, "rb") as right:
            assert left.read() == right.read(), path


def test_the_waterfall_carries_each_causes_words_and_order(billed: Bill) -> None:
    """The causes' labels come from seeds/bill_causes.csv with the mart, so a reader keeps no list of its own:
    the summary's words (label) and the report chart's (short label), written here by hand."""
    expected = {
        "log_estimate": (0, "estimate at list price (the logs)", "estimate"),
        "not_yet_billed": (1, "not billed yet (CUR lag)", "not billed yet"),
        "token_count_gap": (2, "token-count gaps (logging off or late)", "token gaps"),
        "price_difference": (3, "price differences (catalog vs bill)", "prices"),
        "unlogged_traffic": (4, "traffic the logs never see", "unlogged traffic"),
        "non_token_charges": (5, "non-token charges", "non-token"),
        "credits_and_discounts": (7, "discounts and credits", "discounts, credits"),
        "residual": (8, "residual", "residual"),
        "net_bill": (9, "net bill", "net bill"),
    }
    rows = billed.rows("select * from main.fct_bill_variance_by_cause")
    found = {r["cause"]: (r["cause_order"], r["cause_label"], r["cause_short_label"]) for r in rows}
    assert found == expected
    assert all(r["step_order"] == r["cause_order"] for r in rows)
    described = {(r["cause"], r["kind"]): r["description"] for r in rows}
    assert described[("unlogged_traffic", "batch")] == "traffic invocation logs never see (batch)"
    assert described[("credits_and_discounts", "credit")] == "credits on the bill"
