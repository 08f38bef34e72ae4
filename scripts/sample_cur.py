"""Write a CUR 2.0 export of the sample's Bedrock bill, consistent with its invocation logs.

The sample generator (``scripts/generate_sample_logs.py --cur``) calls :func:`write_cur` after it
has written the logs and ``ground_truth/usage_hourly.csv``: the calls it generated, per UTC hour at
the grain a bill line can be matched at. Every logged token becomes billed usage, the way AWS Data
Exports delivers CUR 2.0 (see docs/bill.md for the sources of each format):

    <out>/cur/<export>/data/BILLING_PERIOD=YYYY-MM/<export>-00001.snappy.parquet
    <out>/cur/<export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json

Grain, per line item type:

* ``Usage`` token lines: hourly, one per hour x usage account x region x usage type x resource x
  IAM principal (``INCLUDE_RESOURCES`` and ``INCLUDE_IAM_PRINCIPAL_DATA`` on). Claude models up to
  4.5 are billed by AWS Marketplace ("... (Amazon Bedrock Edition)", ``pricing_unit`` ``Units``:
  millions of tokens); Claude 4.6 and later by ``AmazonBedrockService`` (``1K tokens``); Nova,
  Titan and Llama by ``AmazonBedrock`` (``1M tokens``).
* ``EdpDiscount``: hourly, one beside each first-party usage line (Marketplace is not discounted).
* ``Credit``: daily, per usage type and resource, until the credit is used up.
* Provisioned throughput and mantle: hourly; batch and guardrails: daily.

With ``planted=True`` (the default) the bill differs from the logs on purpose, and
``ground_truth/bill_truth.json`` holds each difference with its amount: a day with logging off in
one region, a batch job, mantle traffic, a guardrail charge, provisioned throughput hours, a
mid-month price change the catalog lacks, an EDP discount, a credit, a tag that differs from
profile_map.csv, a stale data file the manifest no longer lists, and the last two days not billed
yet (CUR lag). With ``planted=False`` the bill is exactly the logs at list price (a clean month).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from bedrock_costs.arns import foundation_model_arn

EXPORT_NAME = "bedrock-costs-cur"
EXPORT_BUCKET = "example-cur-exports"  # the S3 URIs the manifests list (mapped back onto the local copy)
PAYER = "111122223333"
ACCOUNT_NAMES = {"111122223333": "prod", "444455556666": "sandbox", "777788889999": "govcloud-analytics"}

TOKEN_KINDS = ("input", "output", "cache_read", "cache_write")

REGION_CODES = {
    "us-east-1": "USE1", "us-east-2": "USE2", "us-west-1": "USW1", "us-west-2": "USW2",
    "eu-west-1": "EUW1", "eu-west-2": "EUW2", "eu-west-3": "EUW3", "eu-central-1": "EUC1",
    "eu-north-1": "EUN1", "ap-northeast-1": "APN1", "ap-southeast-1": "APS1", "ap-southeast-2": "APS2",
    "ap-south-1": "APS3", "us-gov-west-1": "UGW1", "us-gov-east-1": "UGE1",
}
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)", "eu-west-1": "EU (Ireland)",
    "ap-southeast-2": "Asia Pacific (Sydney)", "us-gov-west-1": "AWS GovCloud (US-West)",
}

# first-party usage-type fragments, Marketplace dimensions and Marketplace description units
FIRST_PARTY_FRAGMENTS = {"input": "input-tokens", "output": "output-tokens",
                         "cache_read": "cache-read-input-token-count", "cache_write": "cache-write-input-token-count"}
MARKETPLACE_DIMENSIONS = {"input": "InputTokenCount", "output": "OutputTokenCount",
                          "cache_read": "CacheReadInputTokenCount", "cache_write": "CacheWriteInputTokenCount"}
MARKETPLACE_UNITS = {"input": "Million Input Tokens", "output": "Million Response Tokens",
                     "cache_read": "Million Cache Read Input Tokens",
                     "cache_write": "Million Cache Write Input Tokens"}
INFERENCE_TYPES = {"input": "Input tokens", "output": "Output tokens", "cache_read": "Cache read input tokens",
                   "cache_write": "Cache write input tokens"}
TOKENS_PER_UNIT = {"1K tokens": 1_000, "1M tokens": 1_000_000, "Units": 1_000_000}


@dataclass(frozen=True)
class Channel:
    """How AWS bills one model: who, under which product code, names and unit."""

    billing_entity: str  # AWS | AWS Marketplace
    product_code: str
    product_name: str  # product['product_name']
    model_name: str | None  # product['model'] (None: this channel's rows do not carry the key)
    usage_type_key: str | None  # the first-party usage-type model name; None on Marketplace
    pricing_unit: str
    provider: str
    display_name: str = ""  # the model's name in line descriptions

    @property
    def marketplace(self) -> bool:
        return self.billing_entity == "AWS Marketplace"


def _marketplace(code: str, name: str) -> Channel:
    return Channel("AWS Marketplace", code, f"{name} (Amazon Bedrock Edition)", name, None, "Units", "Anthropic",
                   name)


def _service(key: str, name: str) -> Channel:
    # first-party Claude: its rows do not carry product['model'] here, so the usage-type name resolves it
    return Channel("AWS", "AmazonBedrockService", "Amazon Bedrock Service", None, key, "1K tokens", "Anthropic",
                   name)


def _bedrock(key: str, name: str | None, provider: str) -> Channel:
    return Channel("AWS", "AmazonBedrock", "Amazon Bedrock", name, key, "1M tokens", provider, name or key)


CHANNELS: dict[str, Channel] = {
    "anthropic.claude-sonnet-4-5-20250929-v1:0": _marketplace("b9u6n2kkm1x4f3p8d5q7r0t2aw", "Claude Sonnet 4.5"),
    "anthropic.claude-haiku-4-5-20251001-v1:0": _marketplace("c4x8v1m5n9b2k6j3h7g0f4d8sq", "Claude Haiku 4.5"),
    "anthropic.claude-opus-4-5-20251101-v1:0": _marketplace("d7p2q9w4e6r1t8y3u5i0o7l2ke", "Claude Opus 4.5"),
    "anthropic.claude-opus-4-1-20250805-v1:0": _marketplace("e3m6n1b8v4c9x2z7a5s0d3f6gr", "Claude Opus 4.1"),
    "anthropic.claude-sonnet-4-20250514-v1:0": _marketplace("f8h2j5k9l3z6x1c4v7b0n8m2qt", "Claude Sonnet 4"),
    "anthropic.claude-3-5-haiku-20241022-v1:0": _marketplace("g1w5e8r2t6y9u3i7o0p4a1s5dy", "Claude 3.5 Haiku"),
    "anthropic.claude-3-haiku-20240307-v1:0": _marketplace("h6k9l2z5x8c1v4b7n0m3q6w9eu", "Claude 3 Haiku"),
    "anthropic.claude-sonnet-4-6": _service("Claude4.6Sonnet", "Claude Sonnet 4.6"),
    "anthropic.claude-opus-4-6-v1": _service("Claude4.6Opus", "Claude Opus 4.6"),
    "anthropic.claude-opus-4-7": _service("Claude4.7Opus", "Claude Opus 4.7"),
    "amazon.nova-pro-v1:0": _bedrock("NovaPro", "Nova Pro", "Amazon"),
    "amazon.nova-lite-v1:0": _bedrock("NovaLite", "Nova Lite", "Amazon"),
    "amazon.nova-micro-v1:0": _bedrock("NovaMicro", "Nova Micro", "Amazon"),
    "amazon.titan-embed-text-v2:0": _bedrock("TitanEmbeddingV2-Text", None, "Amazon"),
    "meta.llama3-3-70b-instruct-v1:0": _bedrock("Llama3.3-70B-Instruct", "Llama 3.3 70B", "Meta"),
}

# What was planted, and where (all in the first-party channel unless said otherwise)
PRICE_CHANGE_MODEL = "amazon.nova-pro-v1:0"
PRICE_CHANGE_FACTOR = 1.10  # AWS raised the list price by 10% mid-month; the catalog still has the old one
EDP_DISCOUNT_RATE = 0.03
CREDIT_USD = 5.0
LOGGING_OFF_ACCOUNT, LOGGING_OFF_REGION = "444455556666", "us-west-2"
LOGGING_OFF_MODEL = "anthropic.claude-sonnet-4-6"
LOGGING_OFF_CALLER = "arn:aws:sts::444455556666:assumed-role/prototype-runner/notebook-7"
LOGGING_OFF_HOURLY = {"input": 60_000, "output": 12_000, "cache_read": 150_000}
BATCH_MODEL = "anthropic.claude-sonnet-4-6"
BATCH_CALLER = "arn:aws:sts::111122223333:assumed-role/batch-inference-role/nightly-summaries"
BATCH_TOKENS = {"input": 4_000_000, "output": 800_000}
BATCH_DISCOUNT = 0.5  # batch inference bills at half the on-demand rate
MANTLE_MODEL, MANTLE_KEY = "openai.gpt-oss-120b-1:0", "openai.gpt-oss-120b"
MANTLE_CALLER = "arn:aws:sts::111122223333:assumed-role/agents-platform/responses-api"
MANTLE_HOURLY = {"input": 300_000, "output": 100_000}
MANTLE_HOURS = range(9, 18)
GUARDRAIL_TEXT_UNITS, GUARDRAIL_USD_PER_UNIT = 24_000, 0.00015
PT_HOURS, PT_USD_PER_HOUR = range(8, 16), 20.0
PT_ARN = "arn:aws:bedrock:us-west-2:111122223333:provisioned-model/nv7pro2k9x1q"
TAG_MISMATCH_PROFILE_NAME, TAG_MISMATCH_KEY, TAG_MISMATCH_VALUE = "report-summarizer", "team", "analytics-eng"
# Who owns each planted shared charge, and how the bill (or the seeds) say so: docs/bill.md, "Allocating
# every billed dollar". The seeds must agree (tests/test_bill.py checks profile_map.csv and caller_map.csv).
GATEWAY_CALLER = "arn:aws:sts::111122223333:assumed-role/llm-gateway/litellm-proxy"
BATCH_JOB_ARN = "arn:aws:bedrock:us-east-1:111122223333:model-invocation-job/nightly-summaries-7k2p"
BATCH_TAGS = {"user_app": "support-chat", "user_team": "customer-experience", "user_cost_center": "CC-1001",
              "user_environment": "prod"}
MANTLE_OWNER = "agent-builder"  # caller_map.csv: the principal's session (responses-api) -> its app
PT_OWNER = "analytics"  # profile_map.csv: the provisioned model's ARN -> its owner (the idle hours)
PT_REFUND_USD = 20.0  # an hour refunded after an outage
KB_ARN = "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB7DOCS01"
KB_TAGS = {"user_app": "doc-search", "user_team": "knowledge", "user_cost_center": "CC-3001",
           "user_environment": "prod"}
KB_SEARCH_UNITS, KB_USD_PER_UNIT = 4_000, 0.0005
AGENTCORE_CALLER = "arn:aws:sts::111122223333:assumed-role/agentcore-runtime/support-agent"
AGENTCORE_VCPU_HOURS, AGENTCORE_USD_PER_VCPU_HOUR = 50.0, 0.0895
GUARDRAIL_BUNDLED_DISCOUNT_USD = 0.40  # a discount line of its own on the guardrail's usage type
TAX_RATE = 0.08  # on each account's first-party (AWS) charges of a period, one Tax line

# (column, DuckDB type) of the export, in the order AWS writes them; maps as MAP types
COLUMNS: tuple[tuple[str, str], ...] = (
    ("bill_bill_type", "VARCHAR"), ("bill_billing_entity", "VARCHAR"),
    ("bill_billing_period_end_date", "TIMESTAMP"), ("bill_billing_period_start_date", "TIMESTAMP"),
    ("bill_invoice_id", "VARCHAR"), ("bill_invoicing_entity", "VARCHAR"), ("bill_payer_account_id", "VARCHAR"),
    ("bill_payer_account_name", "VARCHAR"), ("cost_category", "MAP(VARCHAR, VARCHAR)"),
    ("discount", "MAP(VARCHAR, DOUBLE)"), ("discount_bundled_discount", "DOUBLE"),
    ("discount_total_discount", "DOUBLE"), ("identity_line_item_id", "VARCHAR"),
    ("identity_time_interval", "VARCHAR"), ("line_item_availability_zone", "VARCHAR"),
    ("line_item_blended_cost", "DOUBLE"), ("line_item_blended_rate", "VARCHAR"),
    ("line_item_currency_code", "VARCHAR"), ("line_item_iam_principal", "VARCHAR"),
    ("line_item_legal_entity", "VARCHAR"), ("line_item_line_item_description", "VARCHAR"),
    ("line_item_line_item_type", "VARCHAR"), ("line_item_net_unblended_cost", "DOUBLE"),
    ("line_item_net_unblended_rate", "VARCHAR"), ("line_item_operation", "VARCHAR"),
    ("line_item_product_code", "VARCHAR"), ("line_item_resource_id", "VARCHAR"),
    ("line_item_tax_type", "VARCHAR"), ("line_item_unblended_cost", "DOUBLE"),
    ("line_item_unblended_rate", "VARCHAR"), ("line_item_usage_account_id", "VARCHAR"),
    ("line_item_usage_account_name", "VARCHAR"), ("line_item_usage_amount", "DOUBLE"),
    ("line_item_usage_end_date", "TIMESTAMP"), ("line_item_usage_start_date", "TIMESTAMP"),
    ("line_item_usage_type", "VARCHAR"), ("line_item_user_identifier", "VARCHAR"),
    ("pricing_currency", "VARCHAR"), ("pricing_public_on_demand_cost", "DOUBLE"),
    ("pricing_public_on_demand_rate", "VARCHAR"), ("pricing_rate_code", "VARCHAR"),
    ("pricing_term", "VARCHAR"), ("pricing_unit", "VARCHAR"), ("product", "MAP(VARCHAR, VARCHAR)"),
    ("product_location", "VARCHAR"), ("product_operation", "VARCHAR"), ("product_pricing_unit", "VARCHAR"),
    ("product_product_family", "VARCHAR"), ("product_region_code", "VARCHAR"),
    ("product_servicecode", "VARCHAR"), ("product_sku", "VARCHAR"), ("product_usagetype", "VARCHAR"),
    ("resource_tags", "MAP(VARCHAR, VARCHAR)"), ("tags", "MAP(VARCHAR, VARCHAR)"),
)


# ---------------------------------------------------------------------------------------------
# Prices: the list price AWS bills, which is the catalog's (seeds/model_pricing.csv) unless planted


@dataclass(frozen=True)
class Rate:
    region_pattern: str
    effective_from: datetime
    effective_to: datetime | None
    usd_per_mtok: dict[str, float | None]


def load_rates(pricing: Path) -> dict[tuple[str, str], list[Rate]]:
    """Standard-tier (above_input_tokens = 0) rates per (model, scope) from the catalog CSV."""
    rates: dict[tuple[str, str], list[Rate]] = defaultdict(list)
    with pricing.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if int(row.get("above_input_tokens") or 0):
                continue
            columns = {"input": "input_usd_per_mtok", "output": "output_usd_per_mtok",
                       "cache_read": "cache_read_usd_per_mtok", "cache_write": "cache_write_usd_per_mtok"}
            rates[(row["model_id"], row["price_scope"])].append(Rate(
                row.get("region_pattern") or "%",
                datetime.fromisoformat(row["effective_from"]),
                datetime.fromisoformat(row["effective_to"]) if row["effective_to"].strip() else None,
                {kind: float(row[column]) if row[column].strip() else None for kind, column in columns.items()},
            ))
    return dict(rates)


def list_rate(rates: Mapping[tuple[str, str], list[Rate]], model: str, scope: str, region: str, day: date,
              kind: str) -> float:
    """USD per 1M tokens of ``kind``: the longest matching region pattern, in force on ``day``."""
    def matches(pattern: str) -> bool:
        return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("%")), region) is not None

    at = datetime(day.year, day.month, day.day)
    rows = [rate for rate in rates.get((model, scope), []) if matches(rate.region_pattern)]
    if rows:
        longest = max(len(rate.region_pattern) for rate in rows)
        for rate in rows:
            in_force = rate.effective_from <= at and (rate.effective_to is None or at < rate.effective_to)
            value = rate.usd_per_mtok[kind]
            if len(rate.region_pattern) == longest and in_force and value is not None:
                return value
    raise ValueError(f"no catalog rate for {model} ({scope}, {region}, {day}, {kind})")


# ---------------------------------------------------------------------------------------------
# Lines


@dataclass
class Truth:
    """What the bill holds and what was planted, per billing period and usage account."""

    waterfall: dict[tuple[str, str], dict[str, float]] = field(default_factory=lambda: defaultdict(
        lambda: defaultdict(float)))
    planted: dict[str, Any] = field(default_factory=dict)

    def add(self, period: str, account: str, step: str, amount: float) -> None:
        self.waterfall[(period, account)][step] += amount


def _hour(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def _period(at: datetime) -> str:
    return at.strftime("%Y-%m")


def _period_bounds(period: str) -> tuple[datetime, datetime]:
    start = datetime.strptime(period + "-01", "%Y-%m-%d")
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _line_id(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:40]


def _rate_text(value: float) -> str:
    return f"{value:.10f}".rstrip("0").rstrip(".") or "0"


def _region_code(region: str) -> str:
    return REGION_CODES.get(region, region.upper().replace("-", "")[:4])


@dataclass(frozen=True)
class LineMeta:
    """What the generator knows of a line it wrote: its kind (a discount, credit, refund or tax line is
    that kind), the kind of usage it is or discounts, its reconciliation cell (on-demand tokens: day,
    account, region, model, token type) and, for a shared charge, who the bill or the seeds name as its
    owner and how (resource_tags, profile_map, caller_map)."""

    line_kind: str
    usage_kind: str
    cell: tuple[str, str, str, str, str] | None = None
    owner: tuple[str, str] | None = None


class LineWriter:
    """Collects CUR 2.0 rows (dicts keyed by COLUMNS) and the truth behind them."""

    def __init__(self, planted: bool) -> None:
        self.rows: list[dict[str, Any]] = []
        self.meta: dict[str, LineMeta] = {}  # identity_line_item_id -> what the line is
        self.truth = Truth()
        self.planted = planted

    def add(self, row: dict[str, Any], meta: LineMeta) -> dict[str, Any]:
        self.rows.append(row)
        self.meta[row["identity_line_item_id"]] = meta
        return row

    def row(self, *, start: datetime, end: datetime, account: str, channel: Channel, usage_type: str,
            operation: str, line_type: str, description: str, amount: float, cost: float, rate: float,
            pricing_unit: str, region: str, resource: str | None, principal: str | None,
            product: dict[str, str], meta: LineMeta, net_cost: float | None = None, discount: float = 0.0,
            tags: Mapping[str, str] | None = None, public_cost: float | None = None) -> dict[str, Any]:
        period = _period(start)
        period_start, period_end = _period_bounds(period)
        row: dict[str, Any] = {
            "bill_bill_type": "Anniversary",
            "bill_billing_entity": channel.billing_entity,
            "bill_billing_period_end_date": _iso(period_end),
            "bill_billing_period_start_date": _iso(period_start),
            "bill_invoice_id": "",
            "bill_invoicing_entity": "Amazon Web Services, Inc.",
            "bill_payer_account_id": PAYER,
            "bill_payer_account_name": "prod",
            "cost_category": {},
            "discount": {"edp_discount": discount} if discount else {},
            "discount_bundled_discount": 0.0,
            "discount_total_discount": discount,
            "identity_line_item_id": _line_id(start, account, usage_type, resource, principal, line_type),
            "identity_time_interval": f"{_iso(start)}/{_iso(end)}",
            "line_item_availability_zone": "",
            "line_item_blended_cost": cost,
            "line_item_blended_rate": _rate_text(rate),
            "line_item_currency_code": "USD",
            "line_item_iam_principal": principal,
            "line_item_legal_entity": "Anthropic, PBC" if channel.marketplace else "Amazon Web Services, Inc.",
            "line_item_line_item_description": description,
            "line_item_line_item_type": line_type,
            "line_item_net_unblended_cost": cost + discount if net_cost is None else net_cost,
            "line_item_net_unblended_rate": _rate_text(rate),
            "line_item_operation": operation,
            "line_item_product_code": channel.product_code,
            "line_item_resource_id": resource,
            "line_item_tax_type": "",
            "line_item_unblended_cost": cost,
            "line_item_unblended_rate": _rate_text(rate),
            "line_item_usage_account_id": account,
            "line_item_usage_account_name": ACCOUNT_NAMES.get(account, account),
            "line_item_usage_amount": amount,
            "line_item_usage_end_date": _iso(end),
            "line_item_usage_start_date": _iso(start),
            "line_item_usage_type": usage_type,
            "line_item_user_identifier": None,
            "pricing_currency": "USD",
            # Marketplace rows carry no public on-demand cost (0.0), AWS's carry the list cost
            "pricing_public_on_demand_cost": 0.0 if channel.marketplace else (
                cost if public_cost is None else public_cost),
            "pricing_public_on_demand_rate": "" if channel.marketplace else _rate_text(rate),
            "pricing_rate_code": "",
            "pricing_term": "OnDemand",
            "pricing_unit": pricing_unit,
            "product": {k: v for k, v in product.items() if v},
            "product_location": REGION_NAMES.get(region, region),
            "product_operation": operation,
            "product_pricing_unit": None,
            "product_product_family": None if channel.marketplace else "Amazon Bedrock",
            "product_region_code": region,
            "product_servicecode": "" if channel.marketplace else channel.product_code,
            "product_sku": _line_id(usage_type, channel.product_code)[:16].upper(),
            "product_usagetype": usage_type,
            "resource_tags": dict(tags or {}),
            "tags": {},
        }
        return self.add(row, meta)


def token_usage_type(channel: Channel, region: str, kind: str, scope: str, tier: str, batch: bool = False) -> str:
    prefix = _region_code(region)
    if channel.marketplace:
        variant = ("_LCtx" if tier == "long_context" else "") + ("_Global" if scope == "global" else "") + (
            "_Batch" if batch else "")
        return f"{prefix}-MP:{prefix}_{MARKETPLACE_DIMENSIONS[kind]}{variant}-Units"
    usage_type = f"{prefix}-{channel.usage_type_key}-{FIRST_PARTY_FRAGMENTS[kind]}"
    if tier == "long_context":
        usage_type += "-long-context"
    if batch:
        usage_type += "-batch"
    if scope == "global":
        usage_type += "-cross-region-global"
    return usage_type


def token_description(channel: Channel, region: str, kind: str, scope: str, rate_per_unit: float) -> str:
    if channel.marketplace:
        suffix = " Global" if scope == "global" else " Regional CRIS" if scope == "geo" else ""
        return f"AWS Marketplace software usage|{region}|{MARKETPLACE_UNITS[kind]}{suffix}"
    unit = "1K" if channel.pricing_unit == "1K tokens" else "1M"
    words = INFERENCE_TYPES[kind].lower()
    name = channel.display_name or channel.model_name or channel.usage_type_key or ""
    return f"${_rate_text(rate_per_unit)} per {unit} {words} for {name} in {REGION_NAMES.get(region, region)}"


def product_map(channel: Channel, region: str, kind: str | None, feature: str, model_name: str | None = None
                ) -> dict[str, str]:
    return {
        "product_name": channel.product_name,
        "servicename": channel.product_name,
        "provider": channel.provider,
        "model": model_name if model_name is not None else (channel.model_name or ""),
        "inference_type": INFERENCE_TYPES[kind] if kind else "",
        "feature": feature,
        "region": region,
    }


# ---------------------------------------------------------------------------------------------
# The export


def read_usage_hourly(logs: Path) -> list[dict[str, str]]:
    with (logs / "ground_truth" / "usage_hourly.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def build_lines(usage: list[dict[str, str]], rates: Mapping[tuple[str, str], list[Rate]],
                profile_tags: Mapping[str, Mapping[str, str]], planted: bool) -> LineWriter:
    """Every CUR row of the sample's bill, and the truth of what it holds."""
    writer = LineWriter(planted)
    truth = writer.truth
    days = sorted({row["hour_start"][:10] for row in usage})
    if planted and len(days) < 4:
        raise ValueError("a planted bill needs at least 4 days of logs (2 billed, 2 not billed yet)")
    lag_days = set(days[-2:]) if planted else set()
    billed_days = [day for day in days if day not in lag_days]
    change_day = date.fromisoformat(billed_days[len(billed_days) // 2])

    # 1. the logged calls, per hour x account x region x model x scope x tier x caller x resource
    cells: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0.0] * 8)
    for row in usage:
        hour = row["hour_start"]
        account, region, model = row["account_id"], row["aws_region"], row["model_id"]
        period = hour[:7]
        list_cost = sum(float(row[f"{kind}_cost_usd"]) for kind in
                        ("input", "output", "cache_read", "cache_write"))
        truth.add(period, account, "log_estimate", list_cost)
        if hour[:10] in lag_days:
            truth.add(period, account, "not_yet_billed", -list_cost)
            continue
        if row["price_scope"] == "provisioned":
            continue  # a provisioned model's calls: billed by the hour (_plant_provisioned_throughput), $0 here
        resource = row["profile_arn"] or foundation_model_arn(region, model)
        scope, tier, caller = row["price_scope"], row["context_tier"], row["caller_arn"]
        cell = cells[(hour, account, region, model, scope, tier, caller, resource)]
        for i, kind in enumerate(("input", "output", "cache_read", "cache_write")):
            column = f"{kind}_tokens" if kind in ("input", "output") else f"{kind}_input_tokens"
            cell[i] += int(row[column])
            cell[4 + i] += float(row[f"{kind}_cost_usd"])

    tags_by_arn = {arn: dict(tags) for arn, tags in profile_tags.items()}
    if planted:
        for arn, tags in tags_by_arn.items():
            if tags.get("_name") == TAG_MISMATCH_PROFILE_NAME:
                truth.planted["tag_mismatch"] = {
                    "profile_arn": arn, "tag_key": TAG_MISMATCH_KEY, "bill_value": TAG_MISMATCH_VALUE,
                    "profile_map_value": tags[TAG_MISMATCH_KEY]}
                tags[TAG_MISMATCH_KEY] = TAG_MISMATCH_VALUE
    price_change_usd = 0.0
    for key in sorted(cells):
        hour, account, region, model, scope, tier, caller, resource = key
        cell = cells[key]
        channel = CHANNELS.get(model)
        if channel is None:
            raise ValueError(f"no billing channel for {model}: add it to CHANNELS")
        start = _hour(hour)
        period = _period(start)
        tags = tags_by_arn.get(resource, {})
        resource_tags = {f"user_{k}": v for k, v in tags.items() if not k.startswith("_") and v}
        for i, kind in enumerate(TOKEN_KINDS):
            tokens, cost = int(cell[i]), cell[4 + i]
            if tokens == 0:
                continue
            if planted and model == PRICE_CHANGE_MODEL and start.date() >= change_day:
                changed = cost * PRICE_CHANGE_FACTOR
                price_change_usd += changed - cost
                truth.add(period, account, "price_difference", changed - cost)
                cost = changed
            per_unit = TOKENS_PER_UNIT[channel.pricing_unit]
            amount = tokens / per_unit
            rate = cost / amount
            discount = -cost * EDP_DISCOUNT_RATE if planted and not channel.marketplace else 0.0
            writer.row(start=start, end=start + timedelta(hours=1), account=account, channel=channel,
                       usage_type=token_usage_type(channel, region, kind, scope, tier),
                       operation="Usage" if channel.marketplace else "InvokeModelInference",
                       line_type="Usage", description=token_description(channel, region, kind, scope, rate),
                       amount=amount, cost=cost, rate=rate, pricing_unit=channel.pricing_unit, region=region,
                       resource=resource, principal=caller, discount=discount,
                       product=product_map(channel, region, kind, "On-demand Inference"), tags=resource_tags,
                       meta=LineMeta("token", "token", (hour[:10], account, region, model, kind)))
            truth.add(period, account, "billed_tokens", cost)
    if planted:
        truth.planted["price_change"] = {
            "model_id": PRICE_CHANGE_MODEL, "from_date": change_day.isoformat(), "factor": PRICE_CHANGE_FACTOR,
            "amount_usd": price_change_usd}
        _plant_unlogged(writer, rates, billed_days)
        _plant_discounts_and_credit(writer, billed_days)
        _plant_tax(writer)
        truth.planted["cur_lag"] = {"days": sorted(lag_days), "bill_through_date": billed_days[-1]}
    return writer


def _plant_unlogged(writer: LineWriter, rates: Mapping[tuple[str, str], list[Rate]], billed_days: list[str]) -> None:
    """What the logs never see, or did not see: logging off for a day, batch, mantle, guardrails, PT."""
    truth = writer.truth
    first = date.fromisoformat(billed_days[0])
    second = date.fromisoformat(billed_days[1 % len(billed_days)])
    last = date.fromisoformat(billed_days[-1])

    # a day with logging off: a prototype in the sandbox account's us-west-2, where logging was off
    channel = CHANNELS[LOGGING_OFF_MODEL]
    logging_off = 0.0
    for hour in range(10, 18):
        start = datetime(second.year, second.month, second.day, hour)
        for kind, tokens in LOGGING_OFF_HOURLY.items():
            rate_mtok = list_rate(rates, LOGGING_OFF_MODEL, "in_region", LOGGING_OFF_REGION, second, kind)
            cost = tokens * rate_mtok / 1e6
            amount = tokens / TOKENS_PER_UNIT[channel.pricing_unit]
            writer.row(start=start, end=start + timedelta(hours=1), account=LOGGING_OFF_ACCOUNT, channel=channel,
                       usage_type=token_usage_type(channel, LOGGING_OFF_REGION, kind, "in_region", "standard"),
                       operation="InvokeModelInference", line_type="Usage",
                       description=token_description(channel, LOGGING_OFF_REGION, kind, "in_region", cost / amount),
                       amount=amount, cost=cost, rate=cost / amount, pricing_unit=channel.pricing_unit,
                       region=LOGGING_OFF_REGION, resource=foundation_model_arn(LOGGING_OFF_REGION, LOGGING_OFF_MODEL),
                       principal=LOGGING_OFF_CALLER, discount=-cost * EDP_DISCOUNT_RATE,
                       product=product_map(channel, LOGGING_OFF_REGION, kind, "On-demand Inference"),
                       meta=LineMeta("token", "token", (second.isoformat(), LOGGING_OFF_ACCOUNT, LOGGING_OFF_REGION,
                                                        LOGGING_OFF_MODEL, kind)))
            logging_off += cost
    truth.add(_period(datetime(second.year, second.month, 1)), LOGGING_OFF_ACCOUNT, "token_count_gap", logging_off)
    truth.planted["logging_off"] = {
        "account_id": LOGGING_OFF_ACCOUNT, "aws_region": LOGGING_OFF_REGION, "usage_date": second.isoformat(),
        "model_id": LOGGING_OFF_MODEL, "caller_arn": LOGGING_OFF_CALLER, "billed_usd": logging_off}

    # a batch job (CreateModelInvocationJob): not a logged operation; half the on-demand price; daily line
    channel = CHANNELS[BATCH_MODEL]
    batch = 0.0
    start = datetime(first.year, first.month, first.day)
    for kind, tokens in BATCH_TOKENS.items():
        cost = tokens * list_rate(rates, BATCH_MODEL, "in_region", "us-east-1", first, kind) * BATCH_DISCOUNT / 1e6
        amount = tokens / TOKENS_PER_UNIT[channel.pricing_unit]
        writer.row(start=start, end=start + timedelta(days=1), account=PAYER, channel=channel,
                   usage_type=token_usage_type(channel, "us-east-1", kind, "in_region", "standard", batch=True),
                   operation="CreateModelInvocationJob", line_type="Usage",
                   description=token_description(channel, "us-east-1", kind, "in_region", cost / amount) + " (batch)",
                   amount=amount, cost=cost, rate=cost / amount, pricing_unit=channel.pricing_unit, region="us-east-1",
                   resource=BATCH_JOB_ARN, principal=BATCH_CALLER, discount=-cost * EDP_DISCOUNT_RATE,
                   product=product_map(channel, "us-east-1", kind, "Batch Inference", "Claude Sonnet 4.6"),
                   tags=BATCH_TAGS, meta=LineMeta("batch", "batch", owner=("resource_tags", BATCH_TAGS["user_app"])))
        batch += cost
    truth.add(_period(start), PAYER, "unlogged_traffic:batch", batch)
    truth.planted["batch_job"] = {"account_id": PAYER, "usage_date": first.isoformat(), "model_id": BATCH_MODEL,
                                  "billed_usd": batch, "owner": BATCH_TAGS["user_app"], "owned_by": "resource_tags"}

    # mantle traffic (the OpenAI-compatible endpoint): bedrock-runtime logging never sees it; hourly
    channel = Channel("AWS", "AmazonBedrock", "Amazon Bedrock", "gpt-oss-120b", MANTLE_KEY, "1M tokens", "OpenAI")
    mantle: dict[str, float] = defaultdict(float)
    for day_text in billed_days:
        day = date.fromisoformat(day_text)
        for hour in MANTLE_HOURS:
            start = datetime(day.year, day.month, day.day, hour)
            for kind, tokens in MANTLE_HOURLY.items():
                cost = tokens * list_rate(rates, MANTLE_MODEL, "in_region", "us-east-1", day, kind) / 1e6
                amount = tokens / 1e6
                writer.row(start=start, end=start + timedelta(hours=1), account=PAYER, channel=channel,
                           usage_type=f"USE1-{MANTLE_KEY}-mantle-{kind}-tokens-standard", operation="ChatCompletions",
                           line_type="Usage", description=f"${_rate_text(cost / amount)} per 1M {kind} tokens for "
                           f"{MANTLE_KEY} (bedrock-mantle) in US East (N. Virginia)", amount=amount, cost=cost,
                           rate=cost / amount, pricing_unit="1M tokens", region="us-east-1", resource=None,
                           principal=MANTLE_CALLER, discount=-cost * EDP_DISCOUNT_RATE,
                           product=product_map(channel, "us-east-1", kind, "On-demand Inference"),
                           meta=LineMeta("mantle", "mantle", owner=("caller_map", MANTLE_OWNER)))
                mantle[_period(start)] += cost
    for period, amount_usd in mantle.items():
        truth.add(period, PAYER, "unlogged_traffic:mantle", amount_usd)
    truth.planted["mantle"] = {"account_id": PAYER, "model_id": MANTLE_MODEL, "billed_usd": sum(mantle.values()),
                               "owner": MANTLE_OWNER, "owned_by": "caller_map"}

    # a guardrail (ApplyGuardrail content policy text units), daily
    channel = Channel("AWS", "AmazonBedrock", "Amazon Bedrock", None, None, "TextUnits", "Amazon")
    start = datetime(last.year, last.month, last.day)
    cost = GUARDRAIL_TEXT_UNITS * GUARDRAIL_USD_PER_UNIT
    writer.row(start=start, end=start + timedelta(days=1), account=PAYER, channel=channel,
               usage_type="USE1-Guardrail-ContentPolicyTextUnits", operation="ApplyGuardrail", line_type="Usage",
               description="$0.15 per 1,000 text units for content filters (Guardrails)",
               amount=GUARDRAIL_TEXT_UNITS, cost=cost, rate=GUARDRAIL_USD_PER_UNIT, pricing_unit="TextUnits",
               region="us-east-1", resource="arn:aws:bedrock:us-east-1:111122223333:guardrail/gr7abc12de34",
               principal=GATEWAY_CALLER, discount=-cost * EDP_DISCOUNT_RATE,
               product=product_map(channel, "us-east-1", None, "Guardrails"), meta=LineMeta("guardrails", "guardrails"))
    truth.add(_period(start), PAYER, "non_token_charges:guardrails", cost)
    truth.planted["guardrail"] = {"account_id": PAYER, "usage_date": last.isoformat(), "billed_usd": cost,
                                  "owned_by": "rule"}
    # a bundled discount of its own on the guardrail's usage type, carrying money (not in the usage line's net)
    writer.row(start=start, end=start + timedelta(days=1), account=PAYER, channel=channel,
               usage_type="USE1-Guardrail-ContentPolicyTextUnits", operation="ApplyGuardrail",
               line_type="BundledDiscount", description="Guardrails launch discount",
               amount=0.0, cost=-GUARDRAIL_BUNDLED_DISCOUNT_USD, rate=0.0, pricing_unit="TextUnits",
               region="us-east-1", resource="arn:aws:bedrock:us-east-1:111122223333:guardrail/gr7abc12de34",
               principal=None, product=product_map(channel, "us-east-1", None, "Guardrails"), public_cost=0.0,
               meta=LineMeta("discount", "guardrails"))
    truth.add(_period(start), PAYER, "discounts", -GUARDRAIL_BUNDLED_DISCOUNT_USD)
    truth.planted["discount_line"] = {"account_id": PAYER, "usage_date": last.isoformat(), "kind": "guardrails",
                                      "amount_usd": -GUARDRAIL_BUNDLED_DISCOUNT_USD}

    # a knowledge base (search units), daily, tagged with its owner
    channel = Channel("AWS", "AmazonBedrock", "Amazon Bedrock", None, None, "SearchUnits", "Amazon")
    cost = KB_SEARCH_UNITS * KB_USD_PER_UNIT
    writer.row(start=start, end=start + timedelta(days=1), account=PAYER, channel=channel,
               usage_type="USE1-KnowledgeBase-SearchUnits", operation="Retrieve", line_type="Usage",
               description="$0.0005 per search unit (Knowledge Bases)", amount=KB_SEARCH_UNITS, cost=cost,
               rate=KB_USD_PER_UNIT, pricing_unit="SearchUnits", region="us-east-1", resource=KB_ARN,
               principal=GATEWAY_CALLER, discount=-cost * EDP_DISCOUNT_RATE, tags=KB_TAGS,
               product=product_map(channel, "us-east-1", None, "Knowledge Bases"),
               meta=LineMeta("knowledge_bases", "knowledge_bases", owner=("resource_tags", KB_TAGS["user_app"])))
    truth.add(_period(start), PAYER, "non_token_charges:knowledge_bases", cost)
    truth.planted["knowledge_base"] = {"account_id": PAYER, "usage_date": last.isoformat(), "billed_usd": cost,
                                       "owner": KB_TAGS["user_app"], "owned_by": "resource_tags"}

    # AgentCore runtime, daily, under its own product code, by a principal no map names: the rule shares it
    channel = Channel("AWS", "AmazonBedrockAgentCore", "Amazon Bedrock AgentCore", None, None, "vCPU-Hours",
                      "Amazon")
    cost = AGENTCORE_VCPU_HOURS * AGENTCORE_USD_PER_VCPU_HOUR
    writer.row(start=start, end=start + timedelta(days=1), account=PAYER, channel=channel,
               usage_type="USE1-AgentCore-Runtime-vCPU-Hours", operation="InvokeAgentRuntime", line_type="Usage",
               description="$0.0895 per vCPU-hour (AgentCore Runtime)", amount=AGENTCORE_VCPU_HOURS, cost=cost,
               rate=AGENTCORE_USD_PER_VCPU_HOUR, pricing_unit="vCPU-Hours", region="us-east-1",
               resource="arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/support_agent-Xy7",
               principal=AGENTCORE_CALLER, discount=-cost * EDP_DISCOUNT_RATE,
               product=product_map(channel, "us-east-1", None, "AgentCore Runtime"),
               meta=LineMeta("agentcore", "agentcore"))
    truth.add(_period(start), PAYER, "non_token_charges:agentcore", cost)
    truth.planted["agentcore"] = {"account_id": PAYER, "usage_date": last.isoformat(), "billed_usd": cost,
                                  "owned_by": "rule"}

    # provisioned throughput: one model unit of Nova Pro for 8 hours, hourly, idle or not
    channel = Channel("AWS", "AmazonBedrock", "Amazon Bedrock", "Nova Pro", "NovaPro", "Hours", "Amazon")
    pt = 0.0
    for hour in PT_HOURS:
        start = datetime(first.year, first.month, first.day, hour)
        writer.row(start=start, end=start + timedelta(hours=1), account=PAYER, channel=channel,
                   usage_type="USW2-ProvisionedThroughput-NovaPro-ModelUnits", operation="ProvisionedThroughput",
                   line_type="Usage", description="$20.00 per model unit per hour for Nova Pro (no commitment)",
                   amount=1.0, cost=PT_USD_PER_HOUR, rate=PT_USD_PER_HOUR, pricing_unit="Hours",
                   region="us-west-2", resource=PT_ARN, principal=None, discount=-PT_USD_PER_HOUR * EDP_DISCOUNT_RATE,
                   product=product_map(channel, "us-west-2", None, "Provisioned Throughput"),
                   meta=LineMeta("provisioned_throughput", "provisioned_throughput", owner=("profile_map", PT_OWNER)))
        pt += PT_USD_PER_HOUR
    truth.add(_period(datetime(first.year, first.month, 1)), PAYER, "non_token_charges:provisioned_throughput", pt)
    truth.planted["provisioned_throughput"] = {"account_id": PAYER, "usage_date": first.isoformat(), "billed_usd": pt,
                                               "resource_id": PT_ARN, "hours": [f"{h:02d}:00" for h in PT_HOURS],
                                               "idle_owner": PT_OWNER, "owned_by": "provisioned_calls"}
    # an hour refunded after an outage: a Refund line on the same usage type
    start = datetime(first.year, first.month, first.day, PT_HOURS[-1])
    writer.row(start=start, end=start + timedelta(hours=1), account=PAYER, channel=channel,
               usage_type="USW2-ProvisionedThroughput-NovaPro-ModelUnits", operation="ProvisionedThroughput",
               line_type="Refund", description="Refund: provisioned throughput outage", amount=0.0,
               cost=-PT_REFUND_USD, rate=0.0, pricing_unit="Hours", region="us-west-2", resource=PT_ARN, principal=None,
               product=product_map(channel, "us-west-2", None, "Provisioned Throughput"), public_cost=0.0,
               meta=LineMeta("refund", "provisioned_throughput"))
    truth.add(_period(start), PAYER, "refunds", -PT_REFUND_USD)
    truth.planted["refund"] = {"account_id": PAYER, "usage_date": first.isoformat(), "kind": "provisioned_throughput",
                               "amount_usd": -PT_REFUND_USD}


def _plant_discounts_and_credit(writer: LineWriter, billed_days: list[str]) -> None:
    """An EDP discount beside every first-party usage line, and a credit used up on the last billed day."""
    truth = writer.truth
    edp: dict[tuple[str, str], float] = defaultdict(float)
    discount_rows = []
    for row in writer.rows:
        if row["line_item_line_item_type"] != "Usage" or not row["discount_total_discount"]:
            continue
        source = writer.meta[row["identity_line_item_id"]]
        discount_rows.append((LineMeta("discount", source.usage_kind, source.cell), dict(row, **{
            "line_item_line_item_type": "EdpDiscount",
            "identity_line_item_id": _line_id(row["identity_line_item_id"], "edp"),
            "line_item_line_item_description": "Enterprise Program Discount",
            "line_item_unblended_cost": row["discount_total_discount"],
            "line_item_blended_cost": row["discount_total_discount"],
            "line_item_net_unblended_cost": 0.0,  # already in the usage line's net cost
            "line_item_usage_amount": 0.0,
            "pricing_public_on_demand_cost": 0.0,
            "discount": {}, "discount_total_discount": 0.0,
        })))
        edp[(row["bill_billing_period_start_date"][:7], row["line_item_usage_account_id"])] += row[
            "discount_total_discount"]
    for meta, discount_row in discount_rows:
        writer.add(discount_row, meta)
    for (period, account), amount_usd in edp.items():
        truth.add(period, account, "discounts", amount_usd)
    truth.planted["edp_discount"] = {"rate": EDP_DISCOUNT_RATE, "amount_usd": sum(edp.values())}

    # a promotional credit, used up on the last billed day by PROD's first-party usage, daily lines
    last = billed_days[-1]
    daily: dict[tuple[str, ...], dict[str, Any]] = {}
    credited: dict[tuple[str, ...], LineMeta] = {}
    for row in writer.rows:
        if (row["line_item_line_item_type"] == "Usage" and row["line_item_usage_start_date"][:10] == last
                and row["bill_billing_entity"] == "AWS" and row["line_item_usage_account_id"] == PAYER):
            usage = (row["line_item_usage_type"], row["line_item_resource_id"] or "")
            if usage not in daily:
                daily[usage] = dict(row, line_item_unblended_cost=0.0)
                credited[usage] = writer.meta[row["identity_line_item_id"]]
            daily[usage]["line_item_unblended_cost"] += row["line_item_unblended_cost"] + row["discount_total_discount"]
    remaining = CREDIT_USD
    credit = 0.0
    start = datetime.strptime(last, "%Y-%m-%d")
    for key in sorted(daily):
        if remaining <= 0:
            break
        row = daily[key]
        amount_usd = min(remaining, row["line_item_unblended_cost"])
        remaining -= amount_usd
        credit -= amount_usd
        usage_meta = credited[key]
        writer.add(dict(row, **{
            "line_item_line_item_type": "Credit",
            "identity_line_item_id": _line_id(last, *key, "credit"),
            "identity_time_interval": f"{_iso(start)}/{_iso(start + timedelta(days=1))}",
            "line_item_usage_start_date": _iso(start),
            "line_item_usage_end_date": _iso(start + timedelta(days=1)),
            "line_item_line_item_description": "AWS Promotional Credit",
            "line_item_unblended_cost": -amount_usd, "line_item_blended_cost": -amount_usd,
            "line_item_net_unblended_cost": -amount_usd, "line_item_usage_amount": 0.0,
            "line_item_iam_principal": None,
            "pricing_public_on_demand_cost": 0.0, "discount": {}, "discount_total_discount": 0.0,
        }), LineMeta("credit", usage_meta.usage_kind, usage_meta.cell))
    truth.add(last[:7], PAYER, "credits", credit)
    truth.planted["credit"] = {"account_id": PAYER, "usage_date": last, "amount_usd": credit}


def _plant_tax(writer: LineWriter) -> None:
    """One Tax line per billing period and account with first-party (AWS) charges: TAX_RATE of their net,
    dated the period's start, with no usage type (as AWS writes tax)."""
    net: dict[tuple[str, str], float] = defaultdict(float)
    for row in writer.rows:
        if row["bill_billing_entity"] == "AWS":
            net[(row["bill_billing_period_start_date"][:7], row["line_item_usage_account_id"])] += row[
                "line_item_net_unblended_cost"]
    channel = Channel("AWS", "AmazonBedrock", "Amazon Bedrock", None, None, "", "Amazon")
    lines = []
    for (period, account), amount_usd in sorted(net.items()):
        tax = round(amount_usd * TAX_RATE, 2)
        if tax <= 0:
            continue
        start, end = _period_bounds(period)
        writer.row(start=start, end=end, account=account, channel=channel, usage_type="", operation="",
                   line_type="Tax", description="Tax for product code AmazonBedrock", amount=0.0, cost=tax, rate=0.0,
                   pricing_unit="", region="", resource=None, principal=None, public_cost=0.0,
                   product=product_map(channel, "", None, "Tax"), meta=LineMeta("tax", "tax"))
        writer.truth.add(period, account, "non_token_charges:tax", tax)
        lines.append({"billing_period": period, "account_id": account, "amount_usd": tax})
    writer.truth.planted["tax"] = {"rate": TAX_RATE, "lines": lines, "amount_usd": sum(t["amount_usd"] for t in lines)}


# ---------------------------------------------------------------------------------------------
# The chargeback the bill should give: every line allocated by docs/bill.md's rules, computed here
# from what the generator wrote and knows (each line's kind, cell and planted owner; the logs' apps in
# usage_hourly.csv), never from the models. tests/test_bill.py holds the marts to it, to the cent.

ADJUSTMENT_KINDS = ("discount", "credit", "refund")


@dataclass(frozen=True)
class Rule:
    """seeds/shared_cost_rules.csv's rule for a kind of charge that nothing names an owner for."""

    rule: str  # proportional | even | owner | unattributed
    owner_app: str = ""


@dataclass
class Part:
    """A part of a bill line that goes to one app."""

    period: str
    account: str
    app: str
    kind: str  # the line's kind (token for the cells)
    usage_type: str | None
    gross: float
    discount: float
    credit: float
    estimated: float = 0.0

    @property
    def net(self) -> float:
        return self.gross + self.discount + self.credit


def load_rules(path: Path) -> dict[str, Rule]:
    with path.open(newline="") as handle:
        return {row["charge_kind"].strip(): Rule(row["rule"].strip(), (row.get("owner_app") or "").strip())
                for row in csv.DictReader(handle)}


def _money(row: Mapping[str, Any], meta: LineMeta) -> tuple[float, float, float]:
    """(gross, discount, credit) of a line: CUR 2.0's net split the way docs/bill.md says."""
    unblended, net = row["line_item_unblended_cost"], row["line_item_net_unblended_cost"]
    if meta.line_kind == "discount":
        return 0.0, net, 0.0
    if meta.line_kind in ("credit", "refund"):
        return 0.0, 0.0, net
    return unblended, net - unblended, 0.0


def _spread(parts: list[Part], weights: Mapping[str, float], template: Part,
            estimates: Mapping[str, float] | None = None) -> None:
    """The template's money over the apps, in proportion to their weights (only positive ones count);
    to `unattributed` when none is."""
    positive = {app: weight for app, weight in weights.items() if weight > 0} or {"unattributed": 1.0}
    total = sum(positive.values())
    for app, weight in sorted(positive.items()):
        share = weight / total
        parts.append(Part(template.period, template.account, app, template.kind, template.usage_type,
                          template.gross * share, template.discount * share, template.credit * share,
                          (estimates or {}).get(app, 0.0)))


def expected_parts(writer: LineWriter, usage: list[dict[str, str]], rules: Mapping[str, Rule]) -> list[Part]:
    """Every line of the bill, allocated: cells by the apps' estimate (else tokens), provisioned hours by
    the tokens of their calls, owned lines to their owner, the rest by the rules, then discounts,
    credits and refunds to the usage they discount, then tax by the pre-tax charge."""
    estimates: dict[tuple[str, ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    tokens: dict[tuple[str, ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    provisioned: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    columns = {"input": "input_tokens", "output": "output_tokens", "cache_read": "cache_read_input_tokens",
               "cache_write": "cache_write_input_tokens"}
    for row in usage:
        if row["price_scope"] == "provisioned":
            calls = provisioned[(row["hour_start"], row["account_id"])]
            calls[row["app"]] += sum(int(row[column]) for column in columns.values())
            continue
        for kind, column in columns.items():
            cell = (row["hour_start"][:10], row["account_id"], row["aws_region"], row["model_id"], kind)
            estimates[cell][row["app"]] += float(row[f"{kind}_cost_usd"])
            tokens[cell][row["app"]] += int(row[column])

    cells: dict[tuple[str, str, str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    lines: list[tuple[dict[str, Any], LineMeta]] = []
    for row in writer.rows:
        meta = writer.meta[row["identity_line_item_id"]]
        if meta.usage_kind == "token" and meta.cell is not None:
            cells[meta.cell] = [a + b for a, b in zip(cells[meta.cell], _money(row, meta), strict=True)]
        else:
            lines.append((row, meta))

    def template(row: Mapping[str, Any], meta: LineMeta) -> Part:
        return Part(row["bill_billing_period_start_date"][:7], row["line_item_usage_account_id"], "", meta.line_kind,
                    row["line_item_usage_type"], *_money(row, meta))

    usage_parts: list[Part] = []
    for cell, (gross, discount, credit) in cells.items():
        shared = Part(cell[0][:7], cell[1], "", "token", None, gross, discount, credit)
        weights = {a: v for a, v in estimates[cell].items() if v > 0} or dict(tokens[cell])
        _spread(usage_parts, weights, shared, estimates[cell])
    ruled = []
    for row, meta in lines:
        if meta.line_kind in (*ADJUSTMENT_KINDS, "tax"):
            continue
        calls = provisioned.get((row["line_item_usage_start_date"], row["line_item_usage_account_id"]), {})
        if meta.line_kind == "provisioned_throughput" and sum(calls.values()) > 0:
            _spread(usage_parts, calls, template(row, meta))
        elif meta.owner is not None:
            _spread(usage_parts, {meta.owner[1]: 1.0}, template(row, meta))
        else:
            ruled.append((row, meta))

    app_usage: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for part in usage_parts:
        if part.app != "unattributed":
            app_usage[(part.period, part.account)][part.app] += part.gross
    shared_parts: list[Part] = []
    for row, meta in ruled:
        rule = rules.get(meta.line_kind, Rule("unattributed"))
        line = template(row, meta)
        apps = {app: v for app, v in app_usage[(line.period, line.account)].items() if v > 0}
        _spread(shared_parts, {"proportional": apps, "even": {app: 1.0 for app in apps},
                               "owner": {rule.owner_app or "shared": 1.0}}.get(rule.rule, {}), line)

    followed = usage_parts + shared_parts
    adjustment_parts: list[Part] = []
    for row, meta in lines:
        if meta.line_kind not in ADJUSTMENT_KINDS:
            continue
        line = template(row, meta)
        here = [p for p in followed if (p.period, p.account) == (line.period, line.account) and p.gross > 0]
        same = [p for p in here if p.usage_type == line.usage_type] or here
        by_app: dict[str, float] = defaultdict(float)
        for part in same:
            by_app[part.app] += part.gross
        _spread(adjustment_parts, by_app, line)

    pre_tax = followed + adjustment_parts
    tax_parts: list[Part] = []
    for row, meta in lines:
        if meta.line_kind != "tax":
            continue
        line = template(row, meta)
        charges: dict[str, float] = defaultdict(float)
        for part in pre_tax:
            if (part.period, part.account) == (line.period, line.account):
                charges[part.app] += part.net
        _spread(tax_parts, charges, line)
    return pre_tax + tax_parts


def chargeback_truth(parts: list[Part]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per billing period, account and app: net, estimate, gross and each kind's gross; and per period,
    account, kind and app, where each kind other than token went (gross and net)."""
    apps: dict[tuple[str, str, str], dict[str, Any]] = {}
    kinds: dict[tuple[str, str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for part in parts:
        entry = apps.setdefault((part.period, part.account, part.app), {
            "net_cost_usd": 0.0, "estimated_cost_usd": 0.0, "billed_cost_usd": 0.0, "by_kind": defaultdict(float)})
        entry["net_cost_usd"] += part.net
        entry["estimated_cost_usd"] += part.estimated
        entry["billed_cost_usd"] += part.gross
        entry["by_kind"][part.kind] += part.gross
        if part.kind != "token":
            kinds[(part.period, part.account, part.kind, part.app)][0] += part.gross
            kinds[(part.period, part.account, part.kind, part.app)][1] += part.net
    chargeback = [{"billing_period": period, "account_id": account, "app": app, **entry,
                   "by_kind": dict(sorted(entry["by_kind"].items()))}
                  for (period, account, app), entry in sorted(apps.items())]
    allocation = [{"billing_period": period, "account_id": account, "charge_kind": kind, "app": app,
                   "billed_cost_usd": gross, "net_cost_usd": net}
                  for (period, account, kind, app), (gross, net) in sorted(kinds.items())]
    return chargeback, allocation


def expected_allocation(logs: Path, pricing: Path, profile_tags: Mapping[str, Mapping[str, str]], rules: Path,
                        planted: bool = True) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The chargeback and the allocation of every kind that the sample's bill should give under these
    rules (a test's own copy of seeds/shared_cost_rules.csv): the bill's lines made again, as
    write_cur made them (nothing here is random), and allocated by expected_parts."""
    usage = read_usage_hourly(logs)
    writer = build_lines(usage, load_rates(pricing), profile_tags, planted)
    return chargeback_truth(expected_parts(writer, usage, load_rules(rules)))


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    """Rows to one Parquet file through DuckDB (maps as MAP types, timestamps as TIMESTAMP)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        lines = Path(scratch) / "rows.jsonl"
        with lines.open("w") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
        spec = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS)
        select = ", ".join(f'"{name}"' for name, _ in COLUMNS)
        with duckdb.connect() as con:
            con.execute("set timezone = 'UTC'")
            con.execute(f"copy (select {select} from read_json('{lines}', format = 'newline_delimited', "
                        f"columns = {{{spec}}}) order by line_item_usage_start_date, identity_line_item_id) "
                        f"to '{path}' (format parquet, compression snappy)")


def write_export(rows: list[dict[str, Any]], root: Path, planted: bool) -> list[Path]:
    """One Parquet file and one manifest per billing period, in the Data Exports layout."""
    by_period: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_period[row["bill_billing_period_start_date"][:7]].append(row)
    written = []
    for period, period_rows in sorted(by_period.items()):
        partition = f"BILLING_PERIOD={period}"
        data = root / EXPORT_NAME / "data" / partition / f"{EXPORT_NAME}-00001.snappy.parquet"
        write_parquet(period_rows, data)
        written.append(data)
        if planted:
            # an earlier refresh's file the manifest no longer lists: read it and the bill doubles
            stale = [row for row in period_rows if row["line_item_line_item_type"] == "Usage"][:50]
            write_parquet(stale, data.with_name(f"{EXPORT_NAME}-stale-00002.snappy.parquet"))
        manifest = {
            "executionId": _line_id(period, len(period_rows)),
            "exportArn": f"arn:aws:bcm-data-exports:us-east-1:{PAYER}:export/{EXPORT_NAME}-0a1b2c3d",
            "billingPeriod": period,
            "columns": [{"name": name, "type": kind.lower()} for name, kind in COLUMNS],
            "dataFiles": [f"s3://{EXPORT_BUCKET}/cur/{EXPORT_NAME}/data/{partition}/{data.name}"],
        }
        meta = root / EXPORT_NAME / "metadata" / partition / f"{EXPORT_NAME}-Manifest.json"
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(json.dumps(manifest, indent=2) + "\n")
    return written


def profile_tags_from_map(profile_map: Path) -> dict[str, dict[str, str]]:
    """Resource tags per application profile ARN, as seeds/profile_map.csv holds them."""
    with profile_map.open(newline="") as handle:
        return {row["profile_arn"]: {"_name": row["profile_name"], "app": row["app"], "team": row["team"],
                                     "cost_center": row["cost_center"], "environment": row["environment"]}
                for row in csv.DictReader(handle)}


def write_cur(logs: Path, pricing: Path, profile_tags: Mapping[str, Mapping[str, str]], planted: bool = True,
              root: Path | None = None, rules: Path | None = None) -> dict[str, Any]:
    """Write the export under ``root`` (default ``<logs>/cur``) and ``ground_truth/bill_truth.json``;
    return the truth. ``rules``: seeds/shared_cost_rules.csv (default: beside the price catalog)."""
    root = root or logs / "cur"
    usage = read_usage_hourly(logs)
    writer = build_lines(usage, load_rates(pricing), profile_tags, planted)
    files = write_export(writer.rows, root, planted)
    chargeback, allocation = chargeback_truth(expected_parts(
        writer, usage, load_rules(rules or pricing.parent / "shared_cost_rules.csv")))
    waterfall = []
    for (period, account), steps in sorted(writer.truth.waterfall.items()):
        billed = steps.pop("billed_tokens", 0.0)
        estimate = steps["log_estimate"]
        net = estimate + sum(amount for step, amount in steps.items() if step != "log_estimate")
        waterfall.append({"billing_period": period, "account_id": account, "billed_token_usd": billed,
                          "net_bill_usd": net, "steps": dict(sorted(steps.items()))})
    truth = {"export_root": str(root), "export_name": EXPORT_NAME, "planted": planted,
             "data_files": [str(path) for path in files], "causes": writer.truth.planted, "waterfall": waterfall,
             "line_count": len(writer.rows), "chargeback": chargeback, "allocation": allocation}
    folder = logs / "ground_truth"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bill_truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n")
    return truth


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", type=Path, required=True, help="the generated sample (holds ground_truth/)")
    parser.add_argument("--pricing", type=Path, default=Path("seeds/model_pricing.csv"), help="the price catalog")
    parser.add_argument("--profile-map", type=Path, default=Path("seeds/profile_map.csv"),
                        help="profile_map.csv: the application profiles' resource tags")
    parser.add_argument("--clean", action="store_true", help="no planted differences: the bill equals the logs")
    args = parser.parse_args(list(argv) if argv is not None else None)
    truth = write_cur(args.logs, args.pricing, profile_tags_from_map(args.profile_map), planted=not args.clean)
    print(f"wrote a CUR 2.0 export ({truth['line_count']:,} lines) under {truth['export_root']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
