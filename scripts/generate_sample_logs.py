#!/usr/bin/env python3
"""Generate realistic Amazon Bedrock model invocation logs, plus their ground truth.

The layout is the one Bedrock delivers to S3:

    <out>/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/mm/dd/hh/<yyyymmddTHHMMSSmmmZ>_<16 hex>.json.gz

Each file holds newline-delimited JSON records (schemaType ModelInvocationLog, schemaVersion 1.0).
The generator also writes what a real account would hold next to the logs: offloaded bodies
under ``hh/data/`` and the ``amazon-bedrock-logs-permission-check`` object, neither of which
is a log record.

Ground truth (``<out>/ground_truth/*.csv``) is computed from what the generator *chose*
(the app, the canonical model and the price scope of each call), never by parsing the
modelId it wrote, so it is an independent check of the dbt pipeline.

Realism: a few apps and callers dominate; developers call models directly from laptops
(IAM users, SSO sessions, a federated user, even root); every modelId form appears; records
late in an hour can land in the next hour's folder; a few records are delivered twice;
key order varies; optional fields are sometimes absent.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import itertools
import json
import math
import os
import random
import re
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bedrock_costs.arns import (
    application_profile_arn,
    foundation_model_arn,
    system_profile_arn,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PRICING = REPO_ROOT / "seeds" / "model_pricing.csv"

PROD = "111122223333"
SANDBOX = "444455556666"

# A string planted in every generated prompt: tests assert it never reaches a model past staging.
PROMPT_CANARY = "CANARY-PROMPT-7f3a9c"

RECORDS_PER_FILE = 2000
LATE_WINDOW_SECONDS = 120  # records this close to the end of an hour may land in the next hour's folder
LATE_SHARE = 0.3
DUPLICATE_SHARE = 0.002
OFFLOAD_SHARE = 0.01
SHUFFLE_SHARE = 0.3

INFERENCE_POOLS = {
    "us": ["us-east-1", "us-east-2", "us-west-2"],
    "eu": ["eu-west-1", "eu-central-1", "eu-west-3", "eu-north-1"],
    "apac": ["ap-southeast-2", "ap-northeast-1", "ap-south-1"],
    "global": ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2"],
}

HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
OPUS_45 = "anthropic.claude-opus-4-5-20251101-v1:0"
OPUS_41 = "anthropic.claude-opus-4-1-20250805-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
HAIKU_35 = "anthropic.claude-3-5-haiku-20241022-v1:0"
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_MICRO = "amazon.nova-micro-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
TITAN_EMBED = "amazon.titan-embed-text-v2:0"
LLAMA_33 = "meta.llama3-3-70b-instruct-v1:0"
# newer ids come without the '-v1:0' suffix
OPUS_46 = "anthropic.claude-opus-4-6-v1"
OPUS_47 = "anthropic.claude-opus-4-7"
SONNET_46 = "anthropic.claude-sonnet-4-6"
GOV = "777788889999"  # a GovCloud account (partition aws-us-gov)
# provisioned throughput: one model unit of Nova Pro the analytics team bought (seeds/profile_map.csv
# lists its ARN, for its model and its owner); the gateway routes some calls through it. Its calls are
# billed by the hour, not by the token: 'provisioned' scope, $0 at list price (the bill has the hours).
PROVISIONED_NOVA_PRO = "arn:aws:bedrock:us-west-2:111122223333:provisioned-model/nv7pro2k9x1q"


@dataclass(frozen=True)
class ModelChoice:
    """How a call names its model, and the truth behind that name."""

    model_id: str  # exactly what the caller passes as modelId
    canonical: str  # the base model id
    scope: str  # global | geo | in_region | provisioned
    pool: str | None = None  # inference pool for cross-region routing (us, eu, apac, global)
    weight: float = 1.0


@dataclass(frozen=True)
class Profile:
    """An application inference profile, as listed in seeds/profile_map.csv."""

    name: str
    profile_id: str
    account: str
    region: str
    app: str
    team: str
    cost_center: str
    environment: str
    model_source: str
    canonical: str
    scope: str
    pool: str | None

    @property
    def arn(self) -> str:
        return application_profile_arn(self.region, self.account, self.profile_id)


@dataclass(frozen=True)
class Workload:
    """A source of traffic: who calls, from where, through which model names, how heavily."""

    name: str
    weight: float
    account: str
    region: str
    callers: tuple[str, ...]
    models: tuple[ModelChoice, ...]
    operations: tuple[str, ...]
    app: str = "unattributed"
    team: str = "unattributed"
    input_median: int = 800
    output_median: int = 250
    cache_share: float = 0.0  # share of calls that use prompt caching
    embedding: bool = False
    metadata: tuple[dict[str, str], ...] = field(default_factory=tuple)
    error_share: float = 0.01
    # the caller is a gateway listed in bedrock_costs_trusted_metadata_callers: its requestMetadata
    # app and team attribute the call (a profile's tags would still win)
    metadata_trusted: bool = False
    long_context_share: float = 0.0  # share of calls sending more than 200K input tokens


def sso(account: str, permission_set: str, suffix: str, user: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{permission_set}_{suffix}/{user}"


def role(account: str, role_name: str, session: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}"


def profiles() -> tuple[Profile, ...]:
    """The application inference profiles of the sample accounts (mirrored in seeds/profile_map.csv)."""
    return (
        Profile("support-chat-prod", "k8x2m4p9q1w3", PROD, "us-east-1", "support-chat",
                "customer-experience", "CC-1001", "prod", f"us.{SONNET_45}", SONNET_45, "geo", "us"),
        Profile("support-chat-staging", "t5n7b2c8d4f6", SANDBOX, "us-east-1", "support-chat",
                "customer-experience", "CC-1001", "staging", f"us.{HAIKU_45}", HAIKU_45, "geo", "us"),
        Profile("code-review-bot", "r3v9h6j2l8z5", PROD, "us-east-1", "code-review", "platform",
                "CC-2001", "prod", f"global.{HAIKU_45}", HAIKU_45, "global", "global"),
        Profile("doc-search-embed", "e4m1q7s3u9y2", PROD, "us-east-1", "doc-search", "knowledge",
                "CC-3001", "prod", foundation_model_arn("us-east-1", TITAN_EMBED), TITAN_EMBED,
                "in_region", None),
        Profile("eu-assistant", "w6a3d9g5k1n7", PROD, "eu-west-1", "eu-assistant", "emea-sales",
                "CC-4001", "prod", f"eu.{SONNET_45}", SONNET_45, "geo", "eu"),
        Profile("legal-drafting", "p2f8j4m6r1t9", PROD, "us-east-1", "legal-drafting", "legal",
                "CC-5001", "prod", system_profile_arn("us-east-1", PROD, f"us.{OPUS_41}"), OPUS_41,
                "geo", "us"),
        Profile("report-summarizer", "c9h5l1p7v3x8", PROD, "us-west-2", "analytics", "data-platform",
                "CC-2002", "prod", foundation_model_arn("us-west-2", NOVA_PRO), NOVA_PRO, "in_region",
                None),
    )


def via(profile: Profile) -> tuple[ModelChoice, ...]:
    return (ModelChoice(profile.arn, profile.canonical, profile.scope, profile.pool),)


def workloads() -> tuple[Workload, ...]:
    """Traffic sources, heaviest first. Weights give the skew a real account shows."""
    p = {profile.name: profile for profile in profiles()}
    streaming = ("ConverseStream", "Converse", "InvokeModelWithResponseStream")
    gateway_users = tuple(
        {"user": user, "app": app, "team": team, "tenant": tenant}
        for user, app, team, tenant in [
            ("u-1042", "sales-copilot", "sales", "acme"),
            ("u-2077", "sales-copilot", "sales", "globex"),
            ("u-3100", "hr-bot", "people", "internal"),
        ]
    )
    return (
        Workload("support-chat-prod", 30, PROD, "us-east-1",
                 (role(PROD, "support-chat-lambda-role", "support-chat-handler"),),
                 via(p["support-chat-prod"]), streaming, "support-chat", "customer-experience",
                 1800, 350, 0.6, metadata=({"ticketQueue": "tier1"}, {"ticketQueue": "billing"})),
        Workload("code-review-bot", 20, PROD, "us-east-1",
                 tuple(role(PROD, "code-review-ecs-task", task)
                       for task in ("8f14e45fceea167a", "c9f0f895fb98ab91", "45c48cce2e2d7fbd")),
                 via(p["code-review-bot"]), ("InvokeModel", "InvokeModelWithResponseStream"),
                 "code-review", "platform", 6000, 600, 0.5),
        Workload("doc-search-embed", 12, PROD, "us-east-1",
                 (role(PROD, "doc-search-indexer", "doc-search-ingest"),),
                 via(p["doc-search-embed"]), ("InvokeModel",), "doc-search", "knowledge",
                 400, 0, embedding=True, error_share=0.005),
        Workload("llm-gateway", 10, PROD, "us-east-1",
                 (role(PROD, "llm-gateway", "litellm-proxy"),),
                 (ModelChoice(f"us.{SONNET_45}", SONNET_45, "geo", "us", 3),
                  ModelChoice(f"global.{HAIKU_45}", HAIKU_45, "global", "global", 2)),
                 ("Converse", "ConverseStream"), input_median=1200, output_median=400,
                 cache_share=0.2, metadata=gateway_users, metadata_trusted=True),
        Workload("eu-assistant", 8, PROD, "eu-west-1",
                 (role(PROD, "eu-assistant-api", "eu-assistant-api"),),
                 via(p["eu-assistant"]), streaming, "eu-assistant", "emea-sales", 1500, 300, 0.4),
        Workload("report-summarizer", 6, PROD, "us-west-2",
                 (role(PROD, "analytics-airflow", "airflow-worker-1"),
                  role(PROD, "analytics-airflow", "airflow-worker-2")),
                 via(p["report-summarizer"]), ("Converse",), "analytics", "data-platform", 9000, 700),
        Workload("maria-direct", 4, PROD, "us-east-1",
                 (sso(PROD, "DataScientist", "3f9c2a1b7e5d4c60", "maria.garcia@example.com"),),
                 (ModelChoice(f"us.{OPUS_45}", OPUS_45, "geo", "us", 3),
                  ModelChoice(f"global.{SONNET_4}", SONNET_4, "global", "global", 2),
                  ModelChoice(HAIKU_35, HAIKU_35, "in_region", None, 1),
                  ModelChoice(SONNET_46, SONNET_46, "in_region", None, 1),
                  ModelChoice(f"global.{SONNET_46}", SONNET_46, "global", "global", 1)),
                 ("Converse", "ConverseStream", "InvokeModel"), input_median=3000, output_median=900,
                 cache_share=0.3),
        Workload("li-direct", 3, PROD, "us-east-1",
                 (sso(PROD, "Developer", "8a7b6c5d4e3f2a10", "li.wei@example.com"),),
                 (ModelChoice(f"global.{SONNET_45}", SONNET_45, "global", "global", 3),
                  ModelChoice(f"us.{OPUS_47}", OPUS_47, "geo", "us", 0.3),
                  ModelChoice(system_profile_arn("us-east-1", PROD, f"global.{OPUS_46}"), OPUS_46, "global",
                              "global", 0.3),
                  ModelChoice(NOVA_LITE, NOVA_LITE, "in_region", None, 1),
                  ModelChoice(foundation_model_arn("us-east-1", SONNET_45), SONNET_45, "in_region",
                              None, 1)),
                 ("ConverseStream", "InvokeModelWithResponseStream"), input_median=2500,
                 output_median=700, cache_share=0.4),
        Workload("support-chat-staging", 3, SANDBOX, "us-east-1",
                 (role(SANDBOX, "support-chat-staging-lambda", "support-chat-handler-staging"),),
                 via(p["support-chat-staging"]), streaming, "support-chat", "customer-experience",
                 1500, 300, 0.5),
        Workload("legal-drafting", 2, PROD, "us-east-1",
                 (role(PROD, "legal-drafting-app", "i-0a1b2c3d4e5f60718"),),
                 via(p["legal-drafting"]), ("InvokeModel", "InvokeModelWithResponseStream"),
                 "legal-drafting", "legal", 5000, 900, 0.3),
        Workload("alex-direct", 1.5, PROD, "us-east-1",
                 ("arn:aws:iam::111122223333:user/alex.kim",),
                 (ModelChoice(foundation_model_arn("us-east-1", HAIKU_3), HAIKU_3, "in_region", None, 2),
                  ModelChoice(f"us.{LLAMA_33}", LLAMA_33, "geo", "us", 1)),
                 ("InvokeModel", "Converse"), input_median=600, output_median=300),
        Workload("jonas-eu-direct", 1, PROD, "eu-west-1",
                 (sso(PROD, "DataScientist", "3f9c2a1b7e5d4c60", "jonas.muller@example.com"),),
                 (ModelChoice(f"eu.{HAIKU_45}", HAIKU_45, "geo", "eu"),),
                 ("Converse",), input_median=900, output_median=300),
        Workload("jenkins-bot", 1, SANDBOX, "us-east-1",
                 ("arn:aws:iam::444455556666:user/ci/jenkins-bot",),
                 (ModelChoice(NOVA_MICRO, NOVA_MICRO, "in_region"),),
                 ("InvokeModel",), input_median=300, output_median=80),
        Workload("partner-apac", 0.7, PROD, "ap-southeast-2",
                 ("arn:aws:sts::111122223333:federated-user/partner-bob",),
                 (ModelChoice(system_profile_arn("ap-southeast-2", PROD, f"apac.{SONNET_4}"), SONNET_4,
                              "geo", "apac", 2),
                  ModelChoice(NOVA_LITE, NOVA_LITE, "in_region", None, 1)),
                 ("Converse",), input_median=1000, output_median=400),
        Workload("gov-analyst", 0.4, GOV, "us-gov-west-1",
                 (f"arn:aws-us-gov:iam::{GOV}:user/gov-analyst",),
                 (ModelChoice(SONNET_45, SONNET_45, "in_region"),),
                 ("Converse",), input_median=1500, output_median=400),
        Workload("root-oops", 0.1, SANDBOX, "us-east-1",
                 ("arn:aws:iam::444455556666:root",),
                 (ModelChoice(NOVA_LITE, NOVA_LITE, "in_region"),),
                 ("Converse",), input_median=200, output_median=100),
    )


def planted_workloads() -> dict[str, Workload]:
    """Traffic planted on the last generated day, for the anomaly detection to find: a runaway loop
    in code-review at night (01:00-03:00 UTC, about $40 on top of its usual spend) and a caller's
    first direct calls to Claude Opus 4.6 (10:00-12:00 UTC)."""
    p = {profile.name: profile for profile in profiles()}
    gateway_users = tuple(
        {"user": user, "app": app, "team": team}
        for user, app, team in [("u-1042", "sales-copilot", "sales"), ("u-3100", "hr-bot", "people")])
    return {
        "runaway-loop": Workload(
            "runaway-loop", 0, PROD, "us-east-1", (role(PROD, "code-review-ecs-task", "8f14e45fceea167a"),),
            via(p["code-review-bot"]), ("InvokeModel",), "code-review", "platform", 40_000, 1_200,
            error_share=0.0),
        "new-opus-spender": Workload(
            "new-opus-spender", 0, PROD, "us-east-1",
            (sso(PROD, "DataScientist", "3f9c2a1b7e5d4c60", "sam.patel@example.com"),),
            (ModelChoice(f"global.{OPUS_46}", OPUS_46, "global", "global"),), ("Converse",),
            input_median=4_000, output_median=1_200, error_share=0.0),
        # planted on the first day instead: a long document sent to Sonnet 4.5 through global., above
        # the 200K long-context tier, priced whole at the long-context rates
        "long-context": Workload(
            "long-context", 0, PROD, "us-east-1", (sso(PROD, "Developer", "8a7b6c5d4e3f2a10", "li.wei@example.com"),),
            (ModelChoice(f"global.{SONNET_45}", SONNET_45, "global", "global"),), ("Converse",),
            input_median=2_500, output_median=700, error_share=0.0, long_context_share=1.0),
        # planted on the first day too: the gateway's calls through the provisioned Nova Pro, in some of
        # its hours (the others are idle); billed by the hour (sample_cur.py plants the hours)
        "provisioned-throughput": Workload(
            "provisioned-throughput", 0, PROD, "us-west-2", (role(PROD, "llm-gateway", "litellm-proxy"),),
            (ModelChoice(PROVISIONED_NOVA_PRO, NOVA_PRO, "provisioned"),), ("Converse",),
            input_median=1_500, output_median=400, error_share=0.0, metadata=gateway_users,
            metadata_trusted=True),
    }


# (hour of the day, calls): the loop and the new spender on the last day, the long requests on the first
PLANTED_HOURS = {"runaway-loop": ((1, 300), (2, 300)), "new-opus-spender": ((10, 20), (11, 20))}
FIRST_DAY_PLANTED_HOURS = {"long-context": ((12, 3),),
                           "provisioned-throughput": ((9, 40), (10, 60), (13, 30), (14, 50))}


# ---------------------------------------------------------------------------------------------
# Prices (for the ground truth only)


@dataclass(frozen=True)
class Price:
    region_pattern: str  # SQL LIKE pattern on the region the call was made in
    above_input_tokens: int  # the tier: applies above this many input + cache tokens (0: standard)
    effective_from: datetime
    effective_to: datetime | None
    rates: tuple[float | None, float | None, float | None, float | None]  # input, output, cache read, cache write


def load_prices(path: Path) -> dict[tuple[str, str], list[Price]]:
    def num(value: str) -> float | None:
        return float(value) if value.strip() else None

    def ts(value: str) -> datetime | None:
        return datetime.fromisoformat(value.strip()) if value.strip() else None

    prices: dict[tuple[str, str], list[Price]] = defaultdict(list)
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            prices[(row["model_id"], row["price_scope"])].append(
                Price(
                    row.get("region_pattern") or "%",
                    int(row.get("above_input_tokens") or 0),
                    ts(row["effective_from"]) or datetime.min,
                    ts(row["effective_to"]),
                    (num(row["input_usd_per_mtok"]), num(row["output_usd_per_mtok"]),
                     num(row["cache_read_usd_per_mtok"]), num(row["cache_write_usd_per_mtok"])),
                )
            )
    return dict(prices)


def like(value: str, pattern: str) -> bool:
    """SQL LIKE with % only (the catalog's region patterns)."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("%")), value) is not None


class PriceBook:
    """The catalog's rows, looked up once per model, scope and Region (a call repeats those often)."""

    def __init__(self, prices: dict[tuple[str, str], list[Price]]) -> None:
        self.prices = prices
        self._regional: dict[tuple[str, str, str], list[Price]] = {}
        self._tiers: dict[tuple[str, str], list[int]] = {}
        self._first: dict[tuple[str, str], datetime | None] = {}

    def regional_rows(self, canonical: str, scope: str, region: str) -> list[Price]:
        """The rows of the longest region pattern that matches the Region (none: no price there)."""
        key = (canonical, scope, region)
        if key not in self._regional:
            rows = [price for price in self.prices.get((canonical, scope), []) if like(region, price.region_pattern)]
            longest = max((len(price.region_pattern) for price in rows), default=0)
            self._regional[key] = [price for price in rows if len(price.region_pattern) == longest]
        return self._regional[key]

    def tiers(self, canonical: str, scope: str) -> list[int]:
        """The model's long-context thresholds (input + cache tokens), in any Region."""
        key = (canonical, scope)
        if key not in self._tiers:
            self._tiers[key] = sorted({price.above_input_tokens for price in self.prices.get(key, [])
                                       if price.above_input_tokens})
        return self._tiers[key]

    def first_priced(self, canonical: str, scope: str) -> datetime | None:
        """When the catalog first prices the model in that scope."""
        key = (canonical, scope)
        if key not in self._first:
            self._first[key] = min((price.effective_from for price in self.prices.get(key, [])), default=None)
        return self._first[key]


def cost_of(book: PriceBook, canonical: str, scope: str, region: str, at: datetime,
            tokens: tuple[int, int, int, int]) -> float | None:
    """The expected cost of one call, or None when it cannot be priced."""
    parts = cost_parts(book, canonical, scope, region, at, tokens)
    return None if parts is None else sum(parts)


def cost_parts(book: PriceBook, canonical: str, scope: str, region: str, at: datetime,
               tokens: tuple[int, int, int, int]) -> tuple[float, float, float, float] | None:
    """The expected cost of each token kind (input, output, cache read, cache write) of one call,
    or None when it cannot be priced. The longest region pattern that matches the call's region
    wins; the whole request is priced at the tier its input, cache read and cache write tokens
    together fall in."""
    if scope == "provisioned":  # billed by the model unit hour, not by the token
        return (0.0, 0.0, 0.0, 0.0)
    naive = at.replace(tzinfo=None)
    rows = book.regional_rows(canonical, scope, region)
    if not rows:
        return None
    total_input = tokens[0] + tokens[2] + tokens[3]
    tiers = [price.above_input_tokens for price in rows if price.above_input_tokens == 0
             or total_input > price.above_input_tokens]
    if not tiers:
        return None
    tier = max(tiers)
    for price in rows:
        if price.above_input_tokens != tier:
            continue
        if price.effective_from <= naive and (price.effective_to is None or naive < price.effective_to):
            costs = []
            for count, rate in zip(tokens, price.rates, strict=True):
                if count == 0:
                    costs.append(0.0)
                    continue
                if rate is None:
                    return None
                costs.append(count * rate / 1e6)
            return (costs[0], costs[1], costs[2], costs[3])
    return None


def launched(book: PriceBook, choice: ModelChoice, at: datetime) -> bool:
    """Whether the catalog prices the model in that scope at that time (it was on Bedrock then)."""
    if choice.scope == "provisioned":
        return True
    first = book.first_priced(choice.canonical, choice.scope)
    return first is not None and first <= at.replace(tzinfo=None)


def context_tier(book: PriceBook, canonical: str, scope: str, tokens: tuple[int, int, int, int]) -> str:
    """'long_context' when the call's input, cache read and cache write exceed a tier of its model."""
    total_input = tokens[0] + tokens[2] + tokens[3]
    return "long_context" if any(total_input > tier for tier in book.tiers(canonical, scope)) else "standard"


# ---------------------------------------------------------------------------------------------
# Records


def lognormal_int(rng: random.Random, median: int, sigma: float = 0.8) -> int:
    if median <= 0:
        return 0
    return max(1, int(rng.lognormvariate(math.log(median), sigma)))


def request_id(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


@functools.cache
def body_templates(embedding: bool, operation: str) -> tuple[str, str]:
    """Input/output body JSON for a kind of call, with @TICKET@, @TOKENS@, @LATENCY@, @FIRST_BYTE@
    and @EMBEDDING@ to fill in. Built once, so each record costs a few string replacements."""
    prompt = f"Summarise ticket #@TICKET@ for the customer. {PROMPT_CANARY}"
    if embedding:
        return (json.dumps({"inputText": prompt, "dimensions": 256, "normalize": True}),
                json.dumps({"embedding": "@EMBEDDING@", "inputTextTokenCount": 0}))
    if operation.startswith("Converse"):
        inp = json.dumps({"messages": [{"role": "user", "content": [{"text": prompt}]}],
                          "inferenceConfig": {"maxTokens": 1024}})
    else:
        inp = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 1024,
                          "messages": [{"role": "user", "content": prompt}]})
    answer = "Here is the summary you asked for."
    if operation == "ConverseStream":
        out = json.dumps([{"contentBlockDelta": {"delta": {"text": answer}, "contentBlockIndex": 0}},
                          {"messageStop": {"stopReason": "end_turn"}},
                          {"metadata": {"usage": {"outputTokens": "@TOKENS@"}, "metrics": {"latencyMs": "@LATENCY@"}}}])
    elif operation == "InvokeModelWithResponseStream":
        out = json.dumps([{"type": "content_block_delta", "delta": {"type": "text_delta", "text": answer}},
                          {"type": "message_stop", "amazon-bedrock-invocationMetrics": {
                              "outputTokenCount": "@TOKENS@", "invocationLatency": "@LATENCY@",
                              "firstByteLatency": "@FIRST_BYTE@"}}])
    elif operation == "Converse":
        out = json.dumps({"output": {"message": {"role": "assistant", "content": [{"text": answer}]}},
                          "stopReason": "end_turn", "metrics": {"latencyMs": "@LATENCY@"},
                          "usage": {"outputTokens": "@TOKENS@"}})
    else:
        out = json.dumps({"content": [{"type": "text", "text": answer}], "stop_reason": "end_turn",
                          "usage": {"output_tokens": "@TOKENS@"}})
    return inp, out


def body_fragments(workload: Workload, operation: str, rng: random.Random, tokens_out: int) -> tuple[str, str]:
    """Small but realistic input/output bodies. Prompts carry the privacy canary."""
    inp, out = body_templates(workload.embedding, operation)
    inp = inp.replace("@TICKET@", str(rng.randint(1000, 99999)))
    if workload.embedding:
        vector = ", ".join(f"{rng.uniform(-1, 1):.4f}" for _ in range(4))
        return inp, out.replace('"@EMBEDDING@"', f"[{vector}]")
    latency = rng.randint(300, 9000)
    out = (out.replace('"@TOKENS@"', str(tokens_out)).replace('"@LATENCY@"', str(latency))
           .replace('"@FIRST_BYTE@"', str(latency // 4)))
    return inp, out


@functools.cache
def cumulative_weights(models: tuple[ModelChoice, ...]) -> list[float]:
    return list(itertools.accumulate(m.weight for m in models))


@functools.cache
def metadata_json(metadata: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(dict(metadata))


@dataclass
class Call:
    """One generated invocation: the JSON line and the truth behind it."""

    line: str
    at: datetime
    account: str
    region: str
    request_id: str
    offload: bool
    app: str
    team: str
    caller: str
    canonical: str
    scope: str
    profile_arn: str  # the application profile the call went through, '' when none
    tier: str  # standard | long_context
    tokens: tuple[int, int, int, int]
    parts: tuple[float, float, float, float] | None  # cost per token kind; None when unpriced

    @property
    def cost(self) -> float | None:
        return None if self.parts is None else sum(self.parts)


def make_call(rng: random.Random, workload: Workload, at: datetime, book: PriceBook) -> Call:
    caller = rng.choice(workload.callers)
    choice = rng.choices(workload.models, cum_weights=cumulative_weights(workload.models))[0]
    if not launched(book, choice, at):
        # a model not on Bedrock yet at that time (a history that reaches back a year): the workload's
        # first model that was, as a real caller would have used
        choice = next((other for other in workload.models if launched(book, other, at)), choice)
    operation = rng.choice(workload.operations)
    errored = rng.random() < workload.error_share
    tokens_in = lognormal_int(rng, workload.input_median)
    tokens_out = 0 if workload.embedding else lognormal_int(rng, workload.output_median)
    cache_read = cache_write = 0
    is_claude = choice.canonical.startswith("anthropic.")
    if is_claude and rng.random() < workload.cache_share:  # prompt caching, as the sample prices it
        if rng.random() < 0.8:
            cache_read = lognormal_int(rng, workload.input_median * 3, 0.5)
        else:
            cache_write = lognormal_int(rng, workload.input_median * 2, 0.5)
        tokens_in = max(1, tokens_in // 5)
    if workload.long_context_share and rng.random() < workload.long_context_share:
        tokens_in = rng.randint(210_000, 320_000)  # a long document: above the 200K long-context tier
    error_code = None
    if errored:
        error_code = rng.choice(["ThrottlingException", "ModelStreamErrorException", "ValidationException"])
        if error_code == "ModelStreamErrorException":
            tokens_out = min(tokens_out, 20)  # the stream broke after a few tokens: billed as used
        else:
            tokens_in = tokens_out = cache_read = cache_write = 0

    rid = request_id(rng)
    offload = rng.random() < OFFLOAD_SHARE
    body_in, body_out = body_fragments(workload, operation, rng, tokens_out)
    input_parts = ['"inputContentType":"application/json"']
    if offload:
        input_parts.append(f'"inputBodyS3Path":"s3://sample-bucket/{rid}_input.json.gz"')
    else:
        input_parts.append(f'"inputBodyJson":{body_in}')
    input_parts.append(f'"inputTokenCount":{tokens_in}')
    if is_claude and (cache_read or cache_write or rng.random() < 0.7):
        input_parts.append(f'"cacheReadInputTokenCount":{cache_read}')
        input_parts.append(f'"cacheWriteInputTokenCount":{cache_write}')
    output_parts = ['"outputContentType":"application/json"']
    if error_code is None or tokens_out:
        output_parts.append(f'"outputBodyJson":{body_out}')
    if not workload.embedding or rng.random() < 0.5:
        output_parts.append(f'"outputTokenCount":{tokens_out}')

    fields = [
        '"schemaType":"ModelInvocationLog"',
        '"schemaVersion":"1.0"',
        f'"timestamp":"{at.isoformat()[:19]}{f".{at.microsecond // 1000:03d}" if rng.random() < 0.5 else ""}Z"',
        f'"accountId":"{workload.account}"',
        f'"identity":{{"arn":"{caller}"}}',
        f'"region":"{workload.region}"',
        f'"requestId":"{rid}"',
        f'"operation":"{operation}"',
        f'"modelId":"{choice.model_id}"',
        '"input":{' + ",".join(input_parts) + "}",
        '"output":{' + ",".join(output_parts) + "}",
    ]
    if choice.pool:
        fields.append(f'"inferenceRegion":"{rng.choice(INFERENCE_POOLS[choice.pool])}"')
    app, team = workload.app, workload.team
    if workload.metadata:
        metadata = rng.choice(workload.metadata)
        fields.append(f'"requestMetadata":{metadata_json(tuple(metadata.items()))}')
        if workload.metadata_trusted and workload.app == "unattributed" and metadata.get("app"):
            app, team = metadata["app"], metadata.get("team", "unattributed")
    if error_code:
        fields.append(f'"errorCode":"{error_code}"')
    if rng.random() < SHUFFLE_SHARE:
        rng.shuffle(fields)

    tokens = (tokens_in, tokens_out, cache_read, cache_write)
    return Call(
        line="{" + ",".join(fields) + "}",
        at=at,
        account=workload.account,
        region=workload.region,
        request_id=rid,
        offload=offload,
        app=app,
        team=team,
        caller=caller,
        canonical=choice.canonical,
        scope=choice.scope,
        profile_arn=choice.model_id if ":application-inference-profile/" in choice.model_id else "",
        tier=context_tier(book, choice.canonical, choice.scope, tokens),
        tokens=tokens,
        parts=cost_parts(book, choice.canonical, choice.scope, workload.region, at, tokens),
    )


# ---------------------------------------------------------------------------------------------
# Files


def hour_folder(out: Path, account: str, region: str, hour: datetime) -> Path:
    return (out / "AWSLogs" / account / "BedrockModelInvocationLogs" / region
            / hour.strftime("%Y/%m/%d/%H"))


def file_name(rng: random.Random, delivered_at: datetime) -> str:
    stamp = delivered_at.strftime("%Y%m%dT%H%M%S") + f"{delivered_at.microsecond // 1000:03d}Z"
    return f"{stamp}_{rng.getrandbits(64):016x}.json.gz"


def write_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", compresslevel=1, encoding="utf-8") as handle:
        handle.write("\n".join(lines))
        handle.write("\n")


@dataclass
class HourTask:
    hour: datetime
    records: int
    seed: int
    out: str
    pricing: str
    planted: tuple[tuple[str, int], ...] = ()  # (planted workload name, calls) added to this hour


# usage_hourly's key: the grain a bill (CUR) line can be matched at, plus app, caller and profile
HOURLY_KEYS = ["hour_start", "account_id", "aws_region", "model_id", "price_scope", "context_tier", "app",
               "caller_arn", "profile_arn"]
HOURLY_MEASURES = ["request_count", "input_tokens", "output_tokens", "cache_read_input_tokens",
                   "cache_write_input_tokens", "input_cost_usd", "output_cost_usd", "cache_read_cost_usd",
                   "cache_write_cost_usd", "unpriced_request_count"]


@dataclass
class Truth:
    """Aggregates of what was generated, keyed by (usage_date, app, team), (usage_date, caller) and
    by hour at the bill's grain (usage_hourly), plus the planted anomalies."""

    app_daily: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    caller_daily: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    usage_hourly: dict[tuple[str, ...], list[float]] = field(default_factory=dict)
    planted: dict[str, list[float]] = field(default_factory=dict)  # workload -> [calls, cost]
    raw_lines: int = 0
    files: int = 0
    duplicates: int = 0
    late_records: int = 0

    def add(self, call: Call, planted: str | None = None) -> None:
        day = call.at.date().isoformat()
        for key, table in (((day, call.app, call.team), self.app_daily), ((day, call.caller), self.caller_daily)):
            row = table.setdefault(key, [0, 0, 0, 0, 0, 0.0, 0])
            row[0] += 1
            for i, count in enumerate(call.tokens):
                row[1 + i] += count
            if call.cost is None:
                row[6] += 1
            else:
                row[5] += call.cost
        hour = call.at.strftime("%Y-%m-%dT%H:00:00Z")
        key = (hour, call.account, call.region, call.canonical, call.scope, call.tier, call.app, call.caller,
               call.profile_arn)
        hourly = self.usage_hourly.setdefault(key, [0] * 5 + [0.0] * 4 + [0])
        hourly[0] += 1
        for i, count in enumerate(call.tokens):
            hourly[1 + i] += count
        if call.parts is None:
            hourly[9] += 1
        else:
            for i, part in enumerate(call.parts):
                hourly[5 + i] += part
        if planted:
            mine = self.planted.setdefault(planted, [0, 0.0])
            mine[0] += 1
            mine[1] += call.cost or 0.0

    def merge(self, other: Truth) -> None:
        for mine, theirs in ((self.app_daily, other.app_daily), (self.caller_daily, other.caller_daily),
                             (self.usage_hourly, other.usage_hourly), (self.planted, other.planted)):
            for key, row in theirs.items():
                if key in mine:
                    mine[key] = [a + b for a, b in zip(mine[key], row, strict=True)]
                else:
                    mine[key] = row
        self.raw_lines += other.raw_lines
        self.files += other.files
        self.duplicates += other.duplicates
        self.late_records += other.late_records


def generate_hour(task: HourTask) -> Truth:
    """Generate one hour of traffic across all workloads and write its files."""
    rng = random.Random(f"{task.seed}-{task.hour.isoformat()}")
    book = PriceBook(load_prices(Path(task.pricing)))
    out = Path(task.out)
    loads = workloads()
    cum_weights = list(itertools.accumulate(w.weight for w in loads))
    truth = Truth()
    # (account, region, folder hour, redelivery) -> lines
    batches: dict[tuple[str, str, datetime, bool], list[str]] = defaultdict(list)
    planted = planted_workloads()
    draws = [(None, None)] * task.records + [(name, planted[name]) for name, calls in task.planted
                                             for _ in range(calls)]
    for planted_name, planted_workload in draws:
        workload = planted_workload or rng.choices(loads, cum_weights=cum_weights)[0]
        at = task.hour + timedelta(seconds=rng.random() * 3600)
        call = make_call(rng, workload, at, book)
        truth.add(call, planted_name)
        folder_hour = task.hour
        if (3600 - (at - task.hour).total_seconds()) < LATE_WINDOW_SECONDS and rng.random() < LATE_SHARE:
            folder_hour = task.hour + timedelta(hours=1)  # delivered late, into the next hour's folder
            truth.late_records += 1
        batches[(call.account, call.region, folder_hour, False)].append(call.line)
        if rng.random() < DUPLICATE_SHARE:
            # delivered twice: the same record again, in another file of the same folder
            batches[(call.account, call.region, folder_hour, True)].append(call.line)
            truth.duplicates += 1
        if call.offload:
            write_lines(hour_folder(out, call.account, call.region, folder_hour) / "data"
                        / f"{call.request_id}_input.json.gz",
                        [json.dumps({"messages": [{"role": "user", "content": PROMPT_CANARY}]})])
    for (account, region, folder_hour, _), lines in sorted(batches.items()):
        folder = hour_folder(out, account, region, folder_hour)
        for start in range(0, len(lines), RECORDS_PER_FILE):
            chunk = lines[start:start + RECORDS_PER_FILE]
            delivered = folder_hour + timedelta(seconds=rng.uniform(0, 3599))
            write_lines(folder / file_name(rng, delivered), chunk)
            truth.files += 1
            truth.raw_lines += len(chunk)
    return truth


def hour_weights(hours: list[datetime]) -> list[float]:
    """A diurnal curve: busy in business hours, quiet at night, quieter at weekends."""
    weights = []
    for hour in hours:
        daily = 1.0 + 0.8 * math.sin((hour.hour - 9) / 24 * 2 * math.pi)
        weekend = 0.4 if hour.weekday() >= 5 else 1.0
        weights.append(max(0.1, daily) * weekend)
    return weights


def split_records(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` records over buckets in proportion to ``weights``, exactly."""
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (w := weights[i] * scale) - int(w), reverse=True)
    for i in remainders[: total - sum(counts)]:
        counts[i] += 1
    return counts


def write_static_objects(out: Path) -> None:
    """Objects a real bucket holds that are not log records."""
    for account, region in {(w.account, w.region) for w in workloads()}:
        base = out / "AWSLogs" / account / "BedrockModelInvocationLogs"
        base.mkdir(parents=True, exist_ok=True)
        (base / "amazon-bedrock-logs-permission-check").write_text("")
        del region


def write_ground_truth(out: Path, truth: Truth, days: set[str]) -> None:
    """Write (or update, for the generated days only) the ground-truth CSVs."""
    folder = out / "ground_truth"
    folder.mkdir(parents=True, exist_ok=True)
    tables = (
        ("app_daily_cost.csv", ["usage_date", "app", "team"], truth.app_daily),
        ("caller_daily_cost.csv", ["usage_date", "caller_arn"], truth.caller_daily),
    )
    measures = ["request_count", "input_tokens", "output_tokens", "cache_read_input_tokens",
                "cache_write_input_tokens", "cost_usd", "unpriced_request_count"]
    summary = {"log_lines": truth.raw_lines, "log_files": truth.files, "duplicate_lines": truth.duplicates,
               "late_records": truth.late_records, "days": sorted(days)}
    (folder / f"run_{min(days)}_{max(days)}.json").write_text(json.dumps(summary, indent=2) + "\n")
    for name, keys, table in tables:
        path = folder / name
        kept: list[dict[str, str]] = []
        if path.exists():
            with path.open(newline="") as handle:
                kept = [row for row in csv.DictReader(handle) if row["usage_date"] not in days]
        rows = kept + [
            dict(zip(keys + measures, [*key, *[int(v) for v in row[:5]], repr(row[5]), int(row[6])], strict=True))
            for key, row in table.items()
        ]
        rows.sort(key=lambda r: tuple(r[k] for k in keys))
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=keys + measures)
            writer.writeheader()
            writer.writerows(rows)
    # the calls per hour at the grain a bill line can be matched at (the CUR export is made from it)
    path = folder / "usage_hourly.csv"
    kept = []
    if path.exists():
        with path.open(newline="") as handle:
            kept = [row for row in csv.DictReader(handle) if row["hour_start"][:10] not in days]
    hourly_rows = kept + [
        dict(zip(HOURLY_KEYS + HOURLY_MEASURES,
                 [*key, *[int(v) for v in row[:5]], *[repr(v) for v in row[5:9]], int(row[9])], strict=True))
        for key, row in truth.usage_hourly.items()
    ]
    hourly_rows.sort(key=lambda r: tuple(r[k] for k in HOURLY_KEYS))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HOURLY_KEYS + HOURLY_MEASURES)
        writer.writeheader()
        writer.writerows(hourly_rows)


def write_planted_truth(out: Path, truth: Truth, last_day: date) -> None:
    """What was planted on the last day, for the anomaly tests: the loop's window and cost, and the
    new spender's first call and cost. The anomaly mart reports an entity's whole spend in its
    spike hours, so the app's and caller's total cost in the loop hours is given too."""
    loop = planted_workloads()["runaway-loop"]
    spender = planted_workloads()["new-opus-spender"]
    day = last_day.isoformat()
    loop_hours = {f"{day}T{hour:02d}:00:00Z" for hour, _ in PLANTED_HOURS["runaway-loop"]}

    def spend(column: str, value: str, hours: set[str]) -> float:
        return sum(sum(row[5:9]) for key, row in truth.usage_hourly.items()
                   if key[0] in hours and key[HOURLY_KEYS.index(column)] == value)

    first, last = PLANTED_HOURS["runaway-loop"][0][0], PLANTED_HOURS["runaway-loop"][-1][0] + 1
    spender_first = PLANTED_HOURS["new-opus-spender"][0][0]
    planted = {
        "runaway_loop": {
            "app": loop.app, "caller_arn": loop.callers[0], "model_id": loop.models[0].canonical,
            "started_at": f"{day}T{first:02d}:00:00Z", "ended_at": f"{day}T{last:02d}:00:00Z",
            "loop_requests": truth.planted.get("runaway-loop", [0, 0.0])[0],
            "loop_cost_usd": truth.planted.get("runaway-loop", [0, 0.0])[1],
            "app_cost_usd_in_window": spend("app", loop.app, loop_hours),
            "caller_cost_usd_in_window": spend("caller_arn", loop.callers[0], loop_hours),
        },
        "new_spender": {
            "caller_arn": spender.callers[0], "model_id": spender.models[0].canonical,
            "price_scope": spender.models[0].scope, "first_hour": f"{day}T{spender_first:02d}:00:00Z",
            "requests": truth.planted.get("new-opus-spender", [0, 0.0])[0],
            "cost_usd": truth.planted.get("new-opus-spender", [0, 0.0])[1],
        },
    }
    folder = out / "ground_truth"
    (folder / f"planted_{day}.json").write_text(json.dumps(planted, indent=2) + "\n")


def generate(records: int, days: int, start: date, seed: int, out: Path, pricing: Path,
             workers: int, progress: bool = True, plant: bool = True) -> Truth:
    hours = [datetime(start.year, start.month, start.day, tzinfo=timezone.utc) + timedelta(hours=h)
             for h in range(days * 24)]
    counts = split_records(records, hour_weights(hours))
    last_day = start + timedelta(days=days - 1)
    planted: dict[datetime, list[tuple[str, int]]] = defaultdict(list)
    if plant:
        for day, schedules in ((last_day, PLANTED_HOURS), (start, FIRST_DAY_PLANTED_HOURS)):
            for name, schedule in schedules.items():
                for hour_of_day, calls in schedule:
                    planted[datetime(day.year, day.month, day.day, hour_of_day, tzinfo=timezone.utc)].append(
                        (name, calls))
    tasks = [HourTask(hour, count, seed, str(out), str(pricing), tuple(planted.get(hour, ())))
             for hour, count in zip(hours, counts, strict=True) if count or planted.get(hour)]
    out.mkdir(parents=True, exist_ok=True)
    write_static_objects(out)
    truth = Truth()
    done = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(generate_hour, tasks, chunksize=4):
            truth.merge(result)
            done += 1
            if progress and (done % 24 == 0 or done == len(tasks)):
                print(f"  generated {done}/{len(tasks)} hours ({truth.raw_lines:,} lines)", file=sys.stderr)
    write_ground_truth(out, truth, {(start + timedelta(days=d)).isoformat() for d in range(days)})
    if plant:
        write_planted_truth(out, truth, last_day)
    return truth


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="invocations to generate (default 100000)")
    parser.add_argument("--days", type=int, default=14, help="days of traffic (default 14)")
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2026, 11, 1),
                        help="first UTC day, YYYY-MM-DD (default 2026-11-01)")
    parser.add_argument("--seed", type=int, default=42, help="random seed; same seed, same files")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "sample_logs",
                        help="folder to write AWSLogs/ and ground_truth/ into")
    parser.add_argument("--pricing", type=Path, default=DEFAULT_PRICING,
                        help="model_pricing.csv used for the ground truth")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel processes")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--no-anomalies", dest="plant", action="store_false",
                        help="do not plant the last day's runaway loop and new Opus spender")
    parser.add_argument("--cur", action="store_true",
                        help="also write the bill: a CUR 2.0 export under <out>/cur, with planted differences "
                             "and their amounts in ground_truth/bill_truth.json (docs/bill.md)")
    parser.add_argument("--cur-clean", action="store_true",
                        help="with --cur: a clean month, the bill equals the logs at list price")
    args = parser.parse_args(argv)
    if args.cur_clean and not args.cur:
        parser.error("--cur-clean needs --cur")
    if args.records < 0 or args.days < 1:
        parser.error("--records must be >= 0 and --days >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    truth = generate(args.records, args.days, args.start_date, args.seed, args.out, args.pricing,
                     args.workers, progress=not args.quiet, plant=args.plant)
    total = sum(row[5] for row in truth.app_daily.values())
    print(f"wrote {truth.raw_lines:,} log lines in {truth.files:,} files under {args.out}/AWSLogs "
          f"({args.records:,} invocations, ${total:,.2f} expected cost)")
    if args.cur:
        from sample_cur import write_cur  # scripts/, beside this file: development only, not in the wheel

        tags = {p.arn: {"_name": p.name, "app": p.app, "team": p.team, "cost_center": p.cost_center,
                        "environment": p.environment} for p in profiles()}
        bill = write_cur(args.out, args.pricing, tags, planted=not args.cur_clean)
        print(f"wrote a CUR 2.0 export ({bill['line_count']:,} lines) under {bill['export_root']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
