"""Golden costs: hand-written log records priced by the real seeds, checked against costs worked
out by hand from the public list prices (USD per 1M tokens). Covers cache tokens, geo vs global,
every modelId form, string token counts, errors and what must stay unpriced (NULL, never 0)."""

from __future__ import annotations

import gzip
import json

import pytest

from conftest import Project, make_project

ACCOUNT = "111122223333"
HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
SUPPORT_CHAT_PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/k8x2m4p9q1w3"
UNMAPPED_PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/zzzzzzzzzzzz"

# request id -> (modelId, input, output, cache read, cache write, expected cost in USD or None)
CASES: dict[str, tuple[str, object, object, object, object, float | None]] = {
    # Haiku 4.5 base price 1 / 5 / 0.10 / 1.25 through global.
    "haiku-global-cache": (f"global.{HAIKU_45}", 1000, 2000, 3000, 4000,
                           (1000 * 1 + 2000 * 5 + 3000 * 0.10 + 4000 * 1.25) / 1e6),
    # ... and 1.1x through a geo profile and in-region.
    "haiku-us-cache": (f"us.{HAIKU_45}", 1000, 2000, 3000, 4000,
                       1.1 * (1000 * 1 + 2000 * 5 + 3000 * 0.10 + 4000 * 1.25) / 1e6),
    "haiku-bare": (HAIKU_45, 1000, 2000, 3000, 4000,
                   1.1 * (1000 * 1 + 2000 * 5 + 3000 * 0.10 + 4000 * 1.25) / 1e6),
    # (100K input tokens: below the 200K long-context tier, tests/test_golden_prices.py prices above it)
    "sonnet45-fm-arn": (f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET_45}", 100_000, 0, 0, 0, 0.33),
    "sonnet45-global": (f"global.{SONNET_45}", 100_000, 100_000, 0, 0, 0.3 + 1.5),
    # Sonnet 4 has no geo premium.
    "sonnet4-us-profile-arn": (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{SONNET_4}",
                               100_000, 0, 100_000, 0, 0.3 + 0.03),
    # Application profile support-chat-prod copies us. Sonnet 4.5: geo price 3.3 / 16.5.
    "app-profile": (SUPPORT_CHAT_PROFILE, 0, 1_000_000, 0, 0, 16.5),
    # Counts delivered as JSON strings are numbers.
    "string-counts": (f"global.{HAIKU_45}", "120", "80", None, None, (120 * 1 + 80 * 5) / 1e6),
    # Embeddings: input only, no output field at all.
    "titan-embed": ("amazon.titan-embed-text-v2:0", 1000, None, None, None, 1000 * 0.02 / 1e6),
    # A throttled call is a request with zero tokens and zero cost.
    "throttled": (f"us.{HAIKU_45}", 0, 0, None, None, 0.0),
    # Unpriced: an unknown model, and tokens of a kind the model has no rate for.
    "unknown-model": ("acme.mystery-model-v1:0", 100, 10, None, None, None),
    "haiku3-cache-no-rate": (HAIKU_3, 100, 10, 50, 0, None),
    "unmapped-profile": (UNMAPPED_PROFILE, 100, 10, None, None, None),
}


def record(request_id: str, model_id: str, tokens: tuple) -> dict:
    names = ["inputTokenCount", "outputTokenCount", "cacheReadInputTokenCount", "cacheWriteInputTokenCount"]
    counts = {name: value for name, value in zip(names, tokens, strict=True) if value is not None}
    body = {
        "schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-05T10:00:00Z",
        "accountId": ACCOUNT, "identity": {"arn": f"arn:aws:iam::{ACCOUNT}:user/golden"},
        "region": "us-east-1", "requestId": request_id, "operation": "Converse", "modelId": model_id,
        "input": {"inputContentType": "application/json", "inputBodyJson": {"messages": []},
                  **{k: v for k, v in counts.items() if k != "outputTokenCount"}},
        "output": {"outputContentType": "application/json",
                   **({"outputTokenCount": counts["outputTokenCount"]} if "outputTokenCount" in counts else {})},
    }
    if request_id == "throttled":
        body["errorCode"] = "ThrottlingException"
    return body


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, object]:
    root = tmp_path_factory.mktemp("golden")
    folder = root / "logs" / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / "2026/11/05/10"
    folder.mkdir(parents=True)
    lines = [json.dumps(record(rid, case[0], case[1:5])) for rid, case in CASES.items()]
    with gzip.open(folder / "20261105T101500000Z_00000000000000aa.json.gz", "wt") as handle:
        handle.write("\n".join(lines) + "\n")
    project = make_project(root / "project", root / "logs")
    return project, project.dbt("build")


def test_golden_costs(golden: tuple[Project, object]) -> None:
    project, _ = golden
    got = dict(project.query("select request_id, cost_usd from main_staging.int_invocations_priced"))
    assert got.keys() == CASES.keys()
    for request_id, case in CASES.items():
        expected = case[-1]
        if expected is None:
            assert got[request_id] is None, request_id
        else:
            assert got[request_id] == pytest.approx(expected, abs=1e-12), request_id


def test_unpriced_tokens_fail_the_build_naming_each_model_but_marts_are_built(golden) -> None:
    project, run = golden
    assert not run.success
    failed = {name for name, status in run.statuses().items() if status in ("fail", "error")}
    assert failed == {"assert_all_tokens_priced"}
    unpriced = [m for m in run.messages if m.startswith("UNPRICED: ")]
    assert any(m.startswith("UNPRICED: acme.mystery-model-v1:0 (scope in_region): 1 requests, 110 tokens")
               for m in unpriced), unpriced
    assert any(HAIKU_3 in m for m in unpriced)
    assert any(UNMAPPED_PROFILE in m for m in unpriced)
    # every mart is still built, keeping the tokens with cost NULL
    for mart in ("fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost"):
        (tokens, requests, null_costs), = project.query(
            f"select sum(input_tokens), sum(unpriced_request_count), count(*) filter (where cost_usd is null) "
            f"from main.{mart}")
        assert tokens == sum(int(c[1]) for c in CASES.values() if c[1] is not None)
        assert requests == 3 and null_costs >= 1


def test_unmapped_profile_is_unattributed(golden) -> None:
    project, run = golden
    assert run.statuses()["warn_unmapped_application_profiles"] == "warn"
    rows = project.query("select app, attribution_status, model_id from main_staging.int_invocations_attributed "
                         "where request_id in ('unmapped-profile', 'app-profile') order by request_id")
    assert rows == [("support-chat", "profile", SONNET_45), ("unattributed", "unmapped_profile", None)]


def test_fail_on_unpriced_false_turns_the_failure_into_a_warning(golden) -> None:
    project, _ = golden
    run = project.dbt("build", vars={"bedrock_costs_fail_on_unpriced": False})
    assert run.success
    assert run.statuses()["assert_all_tokens_priced"] == "warn"


def test_one_hour_cache_write_rate(golden) -> None:
    project, _ = golden
    assert project.dbt("build", "--full-refresh", vars={"bedrock_costs_cache_write_ttl": "1h",
                                                      "bedrock_costs_fail_on_unpriced": False}).success
    (cost,), = project.query("select cost_usd from main_staging.int_invocations_priced "
                             "where request_id = 'haiku-global-cache'")
    assert cost == pytest.approx((1000 * 1 + 2000 * 5 + 3000 * 0.10 + 4000 * 2.0) / 1e6, abs=1e-12)
