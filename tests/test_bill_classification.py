"""Every Bedrock line of a bill is classified, and nothing goes silent: a hand-made CUR 2.0 export
with one line of each form (the usage types of docs/bill.md, each pricing unit, a line no rule
knows), and the expected classification of each, written here by hand."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from conftest import GENERATOR, DbtRun, Project, make_project
from sample_cur import COLUMNS, write_parquet  # scripts/ (the test path)

PROD = "111122223333"
FIRST_PARTY = {"bill_billing_entity": "AWS", "product_product_family": "Amazon Bedrock"}
MARKETPLACE = {"bill_billing_entity": "AWS Marketplace", "product_product_family": None, "product_servicecode": ""}

# usage type -> (overrides, expected: usage_kind, line_kind, token_type, tokens, price_scope, service_tier,
#                context_tier, cache_write_ttl, model_id)
LINES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    # Marketplace Claude, 'Units' with the unit in the description: 0.02645 million = 26,450 tokens
    ("USE1-MP:USE1_InputTokenCount-Units",
     {**MARKETPLACE, "line_item_product_code": "4a524th30q694o538qndh9ucht", "pricing_unit": "Units",
      "line_item_line_item_description": "AWS Marketplace software usage|us-east-1|Million Input Tokens",
      "line_item_usage_amount": 0.02645,
      "product": {"product_name": "Claude Sonnet 4.5 (Amazon Bedrock Edition)"}},
     {"usage_kind": "token", "token_type": "input", "billed_tokens": 26_450, "price_scope": "regional",
      "model_id": "anthropic.claude-sonnet-4-5-20250929-v1:0", "model_resolved_by": "product_name"}),
    # Marketplace, 'Units' without 'Million' in the description (still millions), snake_case, 1-hour cache write
    ("USE1-MP:USE1_cache_write_tokens_1h_global_standard-Units",
     {**MARKETPLACE, "line_item_product_code": "7zgyu5r4d1w8k2q6", "pricing_unit": "Units",
      "line_item_line_item_description": "AWS Marketplace software usage|us-east-1|Cache Write Tokens 1h",
      "line_item_usage_amount": 0.5, "product": {"product_name": "Claude Opus 4.7 (Amazon Bedrock Edition)",
                                                 "model": "Claude Opus 4.7"}},
     {"usage_kind": "token", "token_type": "cache_write", "cache_write_ttl": "1h", "billed_tokens": 500_000,
      "price_scope": "global", "model_id": "anthropic.claude-opus-4-7", "model_resolved_by": "product_model"}),
    # first-party '1K tokens', global, the usage-type name resolving the model
    ("USE1-Claude4.6Sonnet-output-tokens-cross-region-global",
     {**FIRST_PARTY, "line_item_product_code": "AmazonBedrockService", "pricing_unit": "1K tokens",
      "line_item_usage_amount": 12.5},
     {"usage_kind": "token", "token_type": "output", "billed_tokens": 12_500, "price_scope": "global",
      "model_id": "anthropic.claude-sonnet-4-6", "model_resolved_by": "usage_type"}),
    # first-party '1M tokens', flex tier, cache read
    ("USE1-Nova2.0Lite-cache-read-input-token-count-flex",
     {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock", "pricing_unit": "1M tokens",
      "line_item_usage_amount": 0.75},
     {"usage_kind": "token", "token_type": "cache_read", "billed_tokens": 750_000, "service_tier": "flex",
      "model_id": "amazon.nova-2-lite-v1:0"}),
    # long context, latency optimized
    ("USE1-NovaPro-output-tokens-latency-optimized",
     {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock", "pricing_unit": "1K tokens",
      "line_item_usage_amount": 2.0},
     {"usage_kind": "token", "token_type": "output", "billed_tokens": 2_000, "service_tier": "latency_optimized",
      "model_id": "amazon.nova-pro-v1:0"}),
    ("USE1-Claude4.5Sonnet-input-tokens-long-context",
     {**FIRST_PARTY, "line_item_product_code": "AmazonBedrockService", "pricing_unit": "1K tokens",
      "line_item_usage_amount": 250.0},
     {"usage_kind": "token", "token_type": "input", "billed_tokens": 250_000, "context_tier": "long_context",
      "model_id": "anthropic.claude-sonnet-4-5-20250929-v1:0"}),
    # mantle and batch: tokens the logs never see
    ("USW2-anthropic.claude-opus-4-8-mantle-cache-write-tokens-global-standard",
     {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock", "pricing_unit": "1M tokens",
      "line_item_usage_amount": 0.001},
     {"usage_kind": "mantle", "token_type": "cache_write", "billed_tokens": 1_000, "price_scope": "global",
      "model_id": "anthropic.claude-opus-4-8"}),
    ("APN1-NovaPro-input-tokens-batch",
     {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock", "pricing_unit": "1K tokens",
      "line_item_usage_amount": 3.0},
     {"usage_kind": "batch", "token_type": "input", "billed_tokens": 3_000, "service_tier": "batch",
      "model_id": "amazon.nova-pro-v1:0", "aws_region": "ap-northeast-1"}),
    # what is not tokens
    ("USE1-BedrockKnowledgeBase-searchunits", {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock"},
     {"usage_kind": "knowledge_bases", "token_type": None, "billed_tokens": None}),
    ("USE1-Guardrail-ContentPolicyTextUnits", {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock"},
     {"usage_kind": "guardrails"}),
    ("USE1-Claude3Haiku-ProvisionedThroughput-ModelUnits", {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock"},
     {"usage_kind": "provisioned_throughput"}),
    ("USE1-Runtime-vCPU-Hours", {"line_item_product_code": "AmazonBedrockAgentCore", "bill_billing_entity": "AWS"},
     {"usage_kind": "agentcore"}),
    ("USE1-MP:USE1_ClaudeConsumptionUnits-Units",
     {**MARKETPLACE, "line_item_product_code": "c1aud3pl4tf0rm", "product": {"product_name": "Claude Platform on AWS"}},
     {"usage_kind": "claude_platform"}),
    ("USE1-Tax", {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock", "line_item_line_item_type": "Tax"},
     {"line_kind": "tax", "charge_category": "tax"}),
    # no rule knows these: named by the test
    ("USE1-Bedrock-Teleportation-Widgets", {**FIRST_PARTY, "line_item_product_code": "AmazonBedrock"},
     {"usage_kind": "unclassified", "line_kind": "unclassified"}),
    ("USE1-Claude9.9Mystery-input-tokens",
     {**FIRST_PARTY, "line_item_product_code": "AmazonBedrockService", "pricing_unit": "1K tokens",
      "line_item_usage_amount": 1.0},
     {"usage_kind": "token", "model_id": None}),
]
NOT_BEDROCK = ("USE1-BoxUsage:m7g.large", {"line_item_product_code": "AmazonEC2", "bill_billing_entity": "AWS",
                                           "product_product_family": "Compute Instance"})


def cur_row(index: int, usage_type: str, overrides: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name, _ in COLUMNS}
    row.update({
        "bill_billing_period_start_date": "2026-11-01T00:00:00Z",
        "bill_billing_period_end_date": "2026-12-01T00:00:00Z",
        "bill_payer_account_id": PROD, "bill_bill_type": "Anniversary", "identity_line_item_id": f"line-{index}",
        "identity_time_interval": "2026-11-01T10:00:00Z/2026-11-01T11:00:00Z",
        "line_item_usage_start_date": "2026-11-01T10:00:00Z", "line_item_usage_end_date": "2026-11-01T11:00:00Z",
        "line_item_usage_account_id": PROD, "line_item_line_item_type": "Usage", "line_item_usage_type": usage_type,
        "line_item_usage_amount": 1.0, "line_item_unblended_cost": 0.01 * (index + 1), "pricing_unit": "Units",
        "line_item_line_item_description": "", "product": {}, "resource_tags": {}, "tags": {}, "cost_category": {},
        "discount": {}, "product_region_code": "us-east-1",
    })
    row.update(overrides)
    return row


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, DbtRun]:
    root = tmp_path_factory.mktemp("classification")
    subprocess.run([sys.executable, str(GENERATOR), "--records", "300", "--days", "1", "--start-date", "2026-11-01",
                    "--seed", "3", "--out", str(root / "logs"), "--quiet", "--workers", "1"], check=True,
                   capture_output=True)
    rows = [cur_row(i, usage_type, overrides) for i, (usage_type, overrides, _) in enumerate(LINES)]
    rows.append(cur_row(len(rows), *NOT_BEDROCK))
    # an export without a manifest, as a copy of the data folder alone would be
    write_parquet(rows, root / "cur" / "handmade" / "data" / "BILLING_PERIOD=2026-11" / "handmade-00001.snappy.parquet")
    project = make_project(root / "project", root / "logs")
    project.default_vars = {"bedrock_costs_cur_path": str(root / "cur")}
    run = project.dbt("build", "--select", "+int_bill_lines_resolved", "assert_bill_lines_classified")
    return project, run


def test_every_line_is_classified_as_expected(classified: tuple[Project, DbtRun]) -> None:
    project, _ = classified
    found = {row["usage_type"]: row for row in project.query_rows("select * from main_staging.int_bill_lines_resolved")}
    assert NOT_BEDROCK[0] not in found, "an EC2 line was taken for Bedrock"
    assert set(found) == {usage_type for usage_type, _, _ in LINES}
    for usage_type, _, expected in LINES:
        for column, value in expected.items():
            assert found[usage_type][column] == value, (usage_type, column, found[usage_type][column], value)
    assert found["USE1-Tax"]["gross_cost_usd"] > 0
    assert {row["line_kind"] for row in found.values()} >= {"token", "mantle", "batch", "tax", "unclassified"}


def test_nothing_unclassified_goes_silent(classified: tuple[Project, DbtRun]) -> None:
    project, run = classified
    assert not run.success
    assert run.statuses()["assert_bill_lines_classified"] == "fail"
    results = getattr(run.result.result, "results", None) or []
    (test,) = [r for r in results if r.node.name == "assert_bill_lines_classified"]
    messages = sorted(row["message"] for row in project.query_rows(test.node.compiled_code))
    assert len(messages) == 2
    assert messages[0].startswith("UNCLASSIFIED BILL LINE: USE1-Bedrock-Teleportation-Widgets (AmazonBedrock, Units)")
    assert "no rule classifies this usage type" in messages[0]
    assert messages[1].startswith("UNCLASSIFIED BILL LINE: USE1-Claude9.9Mystery-input-tokens (AmazonBedrockService")
    assert "seeds/cur_usage_type_models.csv" in messages[1]


def test_a_waterfall_shows_the_unclassified_cost(classified: tuple[Project, DbtRun]) -> None:
    project, _ = classified
    run = project.dbt("build", "--select", "+fct_bill_variance_by_cause", "--indirect-selection", "cautious",
                      vars={"bedrock_costs_fail_on_unclassified_bill_lines": False})
    assert run.success
    rows = {(r["cause"], r["kind"]): r["amount_usd"] for r in project.query_rows(
        "select * from main.fct_bill_variance_by_cause")}
    widgets = next(i for i, (usage_type, _, _) in enumerate(LINES) if usage_type.endswith("Teleportation-Widgets"))
    assert rows[("unclassified", "unclassified")] == pytest.approx(0.01 * (widgets + 1))
    assert ("unlogged_traffic", "claude_platform") in rows and ("non_token_charges", "agentcore") in rows
    assert abs(rows[("residual", "residual")]) < 1e-9
