"""The one rate table (int_model_rates): price_crosscheck.rate_table computes it from the catalog CSV in
Python and the two agree row for row; every Region the catalog prices has its rate, so a Region only the
bill has (logging off there) is compared at the catalog's rate and a stale price there is a price
difference, not a token gap. Expected amounts are worked out by hand from seeds/model_pricing.csv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bedrock_costs.price_crosscheck import rate_table, read_catalog
from conftest import GENERATOR, REPO, Project, make_project
from sample_cur import write_parquet  # scripts/ (the test path)
from test_bill_classification import FIRST_PARTY, cur_row

CENT = 0.005
BILL_ONLY_ACCOUNT = "999900001111"
BILL_ONLY_REGION = "sa-east-1"  # SAE1: no call of the generated logs is sent there
# Claude Sonnet 4.6, in-region (`%` row): $3.30 input, $16.50 output per 1M tokens; the bill charges 20% more
INPUT_TOKENS, OUTPUT_TOKENS = 2_000_000, 100_000
CATALOG_USD = 2_000_000 * 3.30 / 1e6 + 100_000 * 16.50 / 1e6  # 6.60 + 1.65 = 8.25
BILLED_USD = 2_000_000 * 3.96 / 1e6 + 100_000 * 19.80 / 1e6  # 7.92 + 1.98 = 9.90


def logs(root: Path) -> Path:
    subprocess.run([sys.executable, str(GENERATOR), "--records", "300", "--days", "1", "--start-date", "2026-11-01",
                    "--seed", "5", "--out", str(root / "logs"), "--quiet", "--workers", "1"], check=True,
                   capture_output=True)
    return root / "logs"


@pytest.fixture(scope="module")
def bill_only_region(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The generated logs, and a hand-made bill of one account in a Region the logs never saw."""
    root = tmp_path_factory.mktemp("bill_only_region")
    base = {**FIRST_PARTY, "line_item_product_code": "AmazonBedrockService", "pricing_unit": "1K tokens",
            "line_item_usage_account_id": BILL_ONLY_ACCOUNT, "product_region_code": BILL_ONLY_REGION}
    rows = [
        cur_row(0, "SAE1-Claude4.6Sonnet-input-tokens",
                {**base, "line_item_usage_amount": INPUT_TOKENS / 1000, "line_item_unblended_cost": 7.92}),
        cur_row(1, "SAE1-Claude4.6Sonnet-output-tokens",
                {**base, "line_item_usage_amount": OUTPUT_TOKENS / 1000, "line_item_unblended_cost": 1.98}),
    ]
    write_parquet(rows, root / "cur" / "handmade" / "data" / "BILLING_PERIOD=2026-11" / "handmade-00001.snappy.parquet")
    project = make_project(root / "project", logs(root))
    project.default_vars = {"bedrock_costs_cur_path": str(root / "cur")}
    run = project.dbt("build", "--select", "+fct_bill_variance_by_cause", "+fct_bill_catalog_price_check",
                      "--indirect-selection", "cautious")
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m)
    return project


def test_the_rate_table_agrees_with_price_crosscheck_row_for_row(bill_only_region: Project) -> None:
    project = bill_only_region
    regions = [region for (region,) in project.query("select aws_region from main_staging.int_price_regions")]
    expected = {(r.model_id, r.price_scope, r.aws_region, r.region_pattern, r.above_input_tokens,
                 r.up_to_input_tokens, r.context_tier, r.token_type, r.usd_per_mtok, r.valid_from, r.valid_to)
                for r in rate_table(read_catalog(REPO / "seeds" / "model_pricing.csv"), regions)}
    rows = project.query(
        "select model_id, price_scope, aws_region, region_pattern, above_input_tokens, up_to_input_tokens, "
        "context_tier, token_type, usd_per_mtok, strftime(valid_from, '%Y-%m-%d %H:%M:%S'), "
        "strftime(valid_to, '%Y-%m-%d %H:%M:%S') from main_staging.int_model_rates")
    assert len(rows) == len(set(rows)) == len(expected) > 0
    assert set(rows) == expected


def test_every_region_of_the_catalog_has_its_rate(bill_only_region: Project) -> None:
    """Claude Sonnet 4.6 has one `%` row per scope: every Region of seeds/aws_regions.csv gets it."""
    regions = {r for (r,) in bill_only_region.query("select distinct aws_region from main.aws_regions")}
    priced = {r for (r,) in bill_only_region.query(
        "select aws_region from main_staging.int_model_rates where model_id = 'anthropic.claude-sonnet-4-6' "
        "and price_scope = 'in_region' and token_type = 'input' and usd_per_mtok = 3.3")}
    assert BILL_ONLY_REGION in regions and regions <= priced


def test_a_region_only_the_bill_has_is_compared_at_the_catalogs_rate(bill_only_region: Project) -> None:
    project = bill_only_region
    assert project.query(
        f"select count(*) from main_staging.stg_bedrock__log_lines where aws_region = '{BILL_ONLY_REGION}'") == [(0,)]
    cells = project.query_rows(
        f"select * from main_staging.int_bill_cells_compared where account_id = '{BILL_ONLY_ACCOUNT}'")
    rates = sorted((r["aws_region"], r["token_type"], round(r["reference_usd_per_mtok"], 9)) for r in cells)
    assert rates == [(BILL_ONLY_REGION, "input", 3.3), (BILL_ONLY_REGION, "output", 16.5)]
    waterfall = {r["cause"]: r["amount_usd"] for r in project.query_rows(
        f"select cause, sum(amount_usd) as amount_usd from main.fct_bill_variance_by_cause "
        f"where account_id = '{BILL_ONLY_ACCOUNT}' group by cause")}
    # logging off there: the tokens are a gap at the catalog's price, the 20% more a price difference
    assert waterfall["log_estimate"] == pytest.approx(0, abs=CENT)
    assert waterfall["token_count_gap"] == pytest.approx(CATALOG_USD, abs=CENT)
    assert waterfall["price_difference"] == pytest.approx(BILLED_USD - CATALOG_USD, abs=CENT)
    assert waterfall["net_bill"] == pytest.approx(BILLED_USD, abs=CENT)
    assert waterfall["residual"] == pytest.approx(0, abs=1e-9)


def test_a_stale_price_in_a_region_only_the_bill_has_is_reported(bill_only_region: Project) -> None:
    checks = bill_only_region.query_rows(
        f"select * from main.fct_bill_catalog_price_check where aws_region = '{BILL_ONLY_REGION}'")
    assert {(r["token_type"], r["status"]) for r in checks} == {("input", "stale"), ("output", "stale")}
    by_type = {r["token_type"]: r for r in checks}
    assert by_type["input"]["catalog_usd_per_mtok"] == pytest.approx(3.30)
    assert by_type["input"]["billed_usd_per_mtok"] == pytest.approx(3.96)
    assert by_type["output"]["difference_pct"] == pytest.approx(20.0)
