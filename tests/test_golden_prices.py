"""Golden prices of the catalog: long context, regional prices and every id form of a new model,
each checked against a cost worked out by hand from the public list prices (USD per 1M tokens).

    Claude Sonnet 4.5, global        standard 3 / 15 / 0.30 / 3.75    above 200K input: 6 / 22.50 / 0.60 / 7.50
                       geo, in-region   x1.1: 3.30 / 16.50 / ...        above 200K: 6.60 / 24.75 / 0.66 / 8.25
                       GovCloud in-region 3.60 / 18                     above 200K: 7.20 / 27
    Claude Opus 4.6 and 4.7           global 5 / 25, geo and in-region 5.50 / 27.50, 1M context, no tier
    Claude Sonnet 4.6                 global 3 / 15, no tier
    Amazon Nova Lite                  0.06 / 0.24, Asia Pacific (ap-*) 0.063 / 0.252

The tier counts input + cache read + cache write, and prices the whole request."""

from __future__ import annotations

import csv
import gzip
import json

import pytest

from conftest import DbtRun, Project, make_project

ACCOUNT = "111122223333"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
OPUS_46 = "anthropic.claude-opus-4-6-v1"
OPUS_47 = "anthropic.claude-opus-4-7"
SONNET_46 = "anthropic.claude-sonnet-4-6"
NOVA_LITE = "amazon.nova-lite-v1:0"
OPUS_46_APP_PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/opus46golden"

# request id -> (region, modelId, (input, output, cache read, cache write), expected USD or None)
CASES: dict[str, tuple[str, str, tuple[int, int, int, int], float | None]] = {
    # long context: 150K input + 60K cache read = 210K > 200K: the whole request at the tier's rates
    "long-global": ("us-east-1", f"global.{SONNET_45}", (150_000, 1_000, 60_000, 0),
                    (150_000 * 6 + 1_000 * 22.5 + 60_000 * 0.60) / 1e6),
    "long-geo": ("us-east-1", f"us.{SONNET_45}", (150_000, 1_000, 60_000, 0),
                 (150_000 * 6.6 + 1_000 * 24.75 + 60_000 * 0.66) / 1e6),
    "long-in-region": ("us-east-1", SONNET_45, (150_000, 1_000, 60_000, 0),
                       (150_000 * 6.6 + 1_000 * 24.75 + 60_000 * 0.66) / 1e6),
    # cache writes count towards the tier: 100K + 150K = 250K
    "long-cache-write": ("us-east-1", f"global.{SONNET_45}", (100_000, 0, 0, 150_000),
                         (100_000 * 6 + 150_000 * 7.5) / 1e6),
    # exactly 200,000 input tokens (150K + 50K cache write) is the standard rate
    "exactly-200k": ("us-east-1", f"global.{SONNET_45}", (150_000, 2_000, 0, 50_000),
                     (150_000 * 3 + 2_000 * 15 + 50_000 * 3.75) / 1e6),
    # the 4.6 generation: 1M context, no surcharge at 300K
    "opus46-300k": ("us-east-1", f"global.{OPUS_46}", (300_000, 1_000, 0, 0), (300_000 * 5 + 1_000 * 25) / 1e6),
    "sonnet46-300k": ("us-east-1", f"global.{SONNET_46}", (300_000, 0, 0, 0), 300_000 * 3 / 1e6),
    # GovCloud: its own prices, standard and long context
    "govcloud": ("us-gov-west-1", SONNET_45, (100_000, 10_000, 0, 0), (100_000 * 3.6 + 10_000 * 18) / 1e6),
    "govcloud-long": ("us-gov-west-1", SONNET_45, (250_000, 0, 0, 0), 250_000 * 7.2 / 1e6),
    # Asia Pacific: Nova Lite costs more there than in us-east-1
    "apac-nova-lite": ("ap-southeast-2", NOVA_LITE, (1_000_000, 100_000, 0, 0),
                       (1_000_000 * 0.063 + 100_000 * 0.252) / 1e6),
    "us-nova-lite": ("us-east-1", NOVA_LITE, (1_000_000, 100_000, 0, 0), (1_000_000 * 0.06 + 100_000 * 0.24) / 1e6),
    # every id form of Claude Opus 4.6 (no date, no ':0') and 4.7 (no '-v1' either)
    "o46-bare": ("us-east-1", OPUS_46, (10_000, 1_000, 0, 0), (10_000 * 5.5 + 1_000 * 27.5) / 1e6),
    "o46-bare-with-suffix": ("us-east-1", f"{OPUS_46}:0", (10_000, 1_000, 0, 0), (10_000 * 5.5 + 1_000 * 27.5) / 1e6),
    "o46-global": ("us-east-1", f"global.{OPUS_46}", (10_000, 1_000, 0, 0), (10_000 * 5 + 1_000 * 25) / 1e6),
    "o46-us": ("us-east-1", f"us.{OPUS_46}", (10_000, 1_000, 0, 0), (10_000 * 5.5 + 1_000 * 27.5) / 1e6),
    "o46-eu": ("eu-west-1", f"eu.{OPUS_46}", (10_000, 1_000, 0, 0), (10_000 * 5.5 + 1_000 * 27.5) / 1e6),
    "o46-foundation-model-arn": ("us-east-1", f"arn:aws:bedrock:us-east-1::foundation-model/{OPUS_46}",
                                 (10_000, 1_000, 0, 0), (10_000 * 5.5 + 1_000 * 27.5) / 1e6),
    "o46-system-profile-arn": ("us-east-1", f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/global.{OPUS_46}",
                               (10_000, 1_000, 0, 0), (10_000 * 5 + 1_000 * 25) / 1e6),
    "o46-application-profile": ("us-east-1", OPUS_46_APP_PROFILE, (10_000, 1_000, 0, 0),
                                (10_000 * 5 + 1_000 * 25) / 1e6),
    "o47-bare": ("us-east-1", OPUS_47, (10_000, 1_000, 0, 0), (10_000 * 5.5 + 1_000 * 27.5) / 1e6),
    "o47-global-no-suffix": ("us-east-1", f"global.{OPUS_47}", (10_000, 1_000, 0, 0), (10_000 * 5 + 1_000 * 25) / 1e6),
    "o47-with-version": ("us-east-1", f"us.{OPUS_47}-v1:0", (10_000, 1_000, 0, 0), (10_000 * 5.5 + 1_000 * 27.5) / 1e6),
    # a typo is not a model: unpriced, and the UNPRICED line names the closest catalog ids
    "typo": ("us-east-1", "anthropic.claude-opus-4-66-v1", (10_000, 1_000, 0, 0), None),
}


def record(request_id: str, region: str, model_id: str, tokens: tuple[int, int, int, int]) -> dict:
    return {
        "schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-05T10:00:00Z",
        "accountId": ACCOUNT, "identity": {"arn": f"arn:aws:iam::{ACCOUNT}:user/golden"}, "region": region,
        "requestId": request_id, "operation": "Converse", "modelId": model_id,
        "input": {"inputTokenCount": tokens[0], "cacheReadInputTokenCount": tokens[2],
                  "cacheWriteInputTokenCount": tokens[3]},
        "output": {"outputTokenCount": tokens[1]},
    }


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, DbtRun]:
    root = tmp_path_factory.mktemp("golden_prices")
    by_region: dict[str, list[str]] = {}
    for request_id, (region, model_id, tokens, _) in CASES.items():
        by_region.setdefault(region, []).append(json.dumps(record(request_id, region, model_id, tokens)))
    for region, lines in by_region.items():
        folder = root / "logs" / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / region / "2026/11/05/10"
        folder.mkdir(parents=True)
        with gzip.open(folder / "20261105T101500000Z_00000000000000ab.json.gz", "wt") as handle:
            handle.write("\n".join(lines) + "\n")
    project = make_project(root / "project", root / "logs", own_copy=True)
    # a new app through its own application profile of global. Opus 4.6: one profile_map row
    profile_map = project.project_dir / "seeds" / "profile_map.csv"
    rows = list(csv.DictReader(profile_map.open()))
    rows.append({**rows[0], "profile_name": "opus46-golden", "profile_arn": OPUS_46_APP_PROFILE, "app": "opus-app",
                 "model_source": f"global.{OPUS_46}"})
    with profile_map.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return project, project.dbt("build")


def test_golden_prices(golden: tuple[Project, DbtRun]) -> None:
    project, _ = golden
    got = dict(project.query("select request_id, cost_usd from main_staging.int_invocations_priced"))
    assert got.keys() == CASES.keys()
    for request_id, (_, _, _, expected) in CASES.items():
        if expected is None:
            assert got[request_id] is None, request_id
        else:
            assert got[request_id] == pytest.approx(expected, abs=1e-12), request_id


def test_every_id_form_resolves_to_the_catalog_id(golden: tuple[Project, DbtRun]) -> None:
    project, _ = golden
    got = dict(project.query("select request_id, model_id from main_staging.int_invocations_priced"))
    for request_id in CASES:
        if request_id.startswith("o46-"):
            assert got[request_id] == OPUS_46, request_id
        if request_id.startswith("o47-"):
            assert got[request_id] == OPUS_47, request_id


def test_tiers_are_named(golden: tuple[Project, DbtRun]) -> None:
    project, _ = golden
    tiers = dict(project.query("select request_id, context_tier from main_staging.int_invocations_priced"))
    assert {rid for rid, tier in tiers.items() if tier == "long_context"} == {
        "long-global", "long-geo", "long-in-region", "long-cache-write", "govcloud-long"}
    assert tiers["typo"] == "unpriced"


def test_an_unknown_model_fails_loudly_naming_the_closest_catalog_ids(golden: tuple[Project, DbtRun]) -> None:
    _, run = golden
    assert not run.success
    assert {name for name, status in run.statuses().items() if status in ("fail", "error")} == {
        "assert_all_tokens_priced"}
    (line,) = [m for m in run.messages if m.startswith("UNPRICED: ")]
    assert line.startswith("UNPRICED: anthropic.claude-opus-4-66-v1 (scope in_region): 1 requests, 11000 tokens")
    assert "add a row" in line and f"closest catalog ids: {OPUS_46}" in line
