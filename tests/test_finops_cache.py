"""Cache economics: known cache read and write tokens give known savings, premiums and payback.

    code-review (global. Haiku 4.5: input $1, cache read $0.10, write $1.25 per 1M; 1h write $2):
        1M input, 9M read, 1M write -> hit ratio 0.9, saves 9 x 0.90 = $8.10, writes cost $1.25,
        $0.25 above plain input: net $7.85, pays back.
    support-chat (us. Sonnet 4.5: input $3.30, read $0.33, write $4.125; 1h write $6.60):
        5M input, 1M read, 4M write (in 100 calls, each below the long-context tier) -> hit ratio 1/6,
        saves $2.97, writes cost $16.50, $3.30 above input: net -$0.33, never pays back.
    doc-search (Titan embeddings): no cache. A direct Claude 3 Haiku call reads the cache, which that
    model has no price for: unpriced. A huge write on Oct 1 falls outside the 30-day window."""

from __future__ import annotations

import pytest

from conftest import DbtRun, Project
from test_finops_logs import CODE_REVIEW, SUPPORT_CHAT, Call, at, build, failures, rows

M = 1_000_000
DOC_SEARCH = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/e4m1q7s3u9y2"
CALLS = [
    Call("cr", at(5), CODE_REVIEW, input_tokens=M, cache_read_tokens=9 * M, cache_write_tokens=M),
    Call("cr-old", at(1, month=10), CODE_REVIEW, cache_write_tokens=100 * M),
    # the same tokens in 100 calls of 100K each: one 10M-token call would be priced at Sonnet 4.5's
    # long-context rates (above 200K), which tests/test_golden_prices.py covers
    *(Call(f"sc-{i:02d}", at(5), SUPPORT_CHAT, input_tokens=5 * M // 100, cache_read_tokens=M // 100,
           cache_write_tokens=4 * M // 100) for i in range(100)),
    Call("ds", at(5), DOC_SEARCH, input_tokens=M),
    Call("haiku3", at(5), "anthropic.claude-3-haiku-20240307-v1:0", input_tokens=1000, cache_read_tokens=1000),
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, DbtRun]:
    project, run = build(tmp_path_factory.mktemp("cache"), CALLS, ["fct_app_cache_economics"])
    assert run.success, failures(run)
    return project, run


def by_app(project: Project) -> dict[str, dict]:
    return {r["app"]: r for r in rows(project, "select * from main.fct_app_cache_economics")}


def test_cache_savings_premium_and_payback(cache: tuple[Project, DbtRun]) -> None:
    project, _ = cache
    got = by_app(project)
    assert got.keys() == {"code-review", "support-chat", "doc-search", "unattributed"}
    cr, sc = got["code-review"], got["support-chat"]
    # the Oct 1 write is outside the window
    assert (cr["request_count"], cr["cached_request_count"], cr["cache_write_input_tokens"]) == (1, 1, M)
    assert cr["cache_hit_ratio"] == pytest.approx(0.9) and cr["reads_per_write_token"] == pytest.approx(9)
    assert cr["cache_read_savings_usd"] == pytest.approx(8.1)
    assert (cr["cache_write_cost_usd"], cr["cache_write_premium_usd"]) == (pytest.approx(1.25), pytest.approx(0.25))
    assert (cr["net_cache_savings_usd"], cr["cache_status"]) == (pytest.approx(7.85), "pays_back")
    assert cr["cache_read_cost_usd"] == pytest.approx(0.9)
    assert sc["cache_hit_ratio"] == pytest.approx(1 / 6)
    assert sc["cache_read_savings_usd"] == pytest.approx(2.97)
    assert (sc["cache_write_cost_usd"], sc["cache_write_premium_usd"]) == (pytest.approx(16.5), pytest.approx(3.3))
    assert (sc["net_cache_savings_usd"], sc["cache_status"]) == (pytest.approx(-0.33), "never_pays_back")
    ds = got["doc-search"]
    assert (ds["cache_hit_ratio"], ds["cache_read_savings_usd"], ds["cache_status"]) == (0, 0, "not_used")
    assert ds["reads_per_write_token"] is None
    direct = got["unattributed"]
    assert (direct["cache_read_savings_usd"], direct["cache_status"]) == (None, "unpriced")
    assert (str(cr["window_start_date"]), str(cr["window_end_date"])) == ("2026-10-07", "2026-11-05")


def test_one_hour_cache_writes_and_a_wider_window(cache: tuple[Project, DbtRun]) -> None:
    project, _ = cache
    run = project.dbt("run", "--full-refresh", "--select", "int_model_rates", "int_model_prices",
                      "int_invocations_priced", "int_invocations_attributed",
                      "int_hourly_usage", "fct_app_cache_economics",
                      vars={"bedrock_costs_cache_write_ttl": "1h", "bedrock_costs_finops_window_days": 40})
    assert run.success, failures(run)
    got = by_app(project)
    cr, sc = got["code-review"], got["support-chat"]
    # Oct 1 is inside 40 days: 101M written at $2, $1 above input, against $8.10 saved
    assert cr["cache_write_cost_usd"] == pytest.approx(101 * 2.0)
    assert cr["cache_write_premium_usd"] == pytest.approx(101 * 1.0)
    assert (cr["net_cache_savings_usd"], cr["cache_status"]) == (pytest.approx(8.1 - 101), "never_pays_back")
    assert sc["cache_write_premium_usd"] == pytest.approx(4 * (6.6 - 3.3))
    assert str(cr["window_start_date"]) == "2026-09-27"
