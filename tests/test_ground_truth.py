"""The marts equal the generator's own ground truth: counts and tokens exactly, cost to 1e-9 USD."""

from __future__ import annotations

from collections import defaultdict

from conftest import Project, read_truth

MEASURES = ["request_count", "input_tokens", "output_tokens", "cache_read_input_tokens",
            "cache_write_input_tokens"]


def totals(rows: list[dict], keys: list[str]) -> dict[tuple, list[float]]:
    out: dict[tuple, list[float]] = defaultdict(lambda: [0] * (len(MEASURES) + 1))
    for row in rows:
        key = tuple(str(row[k]) for k in keys)
        for i, measure in enumerate(MEASURES):
            out[key][i] += int(row[measure])
        out[key][-1] += float(row["cost_usd"])
    return dict(out)


def assert_equal(actual: dict, expected: dict) -> None:
    assert actual.keys() == expected.keys()
    for key, want in expected.items():
        got = actual[key]
        assert got[:-1] == want[:-1], key
        assert abs(got[-1] - want[-1]) < 1e-9, (key, got[-1], want[-1])


def test_app_mart_matches_ground_truth(sample: Project) -> None:
    truth = totals(read_truth(sample.logs, "app_daily_cost.csv"), ["usage_date", "app", "team"])
    assert_equal(totals(sample.mart("fct_daily_app_cost"), ["usage_date", "app", "team"]), truth)


def test_caller_mart_matches_ground_truth(sample: Project) -> None:
    truth = totals(read_truth(sample.logs, "caller_daily_cost.csv"), ["usage_date", "caller_arn"])
    assert_equal(totals(sample.mart("fct_daily_caller_cost"), ["usage_date", "caller_arn"]), truth)


def test_app_caller_mart_matches_both_truths(sample: Project) -> None:
    rows = sample.mart("fct_daily_app_caller_cost")
    assert_equal(totals(rows, ["usage_date", "app", "team"]),
                 totals(read_truth(sample.logs, "app_daily_cost.csv"), ["usage_date", "app", "team"]))
    assert_equal(totals(rows, ["usage_date", "caller_arn"]),
                 totals(read_truth(sample.logs, "caller_daily_cost.csv"), ["usage_date", "caller_arn"]))


def test_sample_is_fully_priced_and_attributed(sample: Project) -> None:
    rows = sample.mart("fct_daily_app_cost")
    assert all(row["cost_usd"] is not None and row["unpriced_request_count"] == 0 for row in rows)
    assert {row["attribution_status"] for row in rows} == {"profile", "direct"}
    apps = {row["app"] for row in rows}
    # one meaning of app: the trusted gateway's requestMetadata names sales-copilot and hr-bot
    assert {"support-chat", "code-review", "doc-search", "eu-assistant", "legal-drafting", "analytics",
            "sales-copilot", "hr-bot", "unattributed"} == apps


def test_duplicates_and_non_log_objects_are_not_counted(sample: Project) -> None:
    """The sample delivers some records twice and holds data/ bodies and a permission-check object."""
    logs = sample.logs / "AWSLogs"
    assert list(logs.glob("*/BedrockModelInvocationLogs/*/*/*/*/*/data/*.json.gz"))
    assert list(logs.glob("*/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check"))
    truth_requests = sum(int(r["request_count"]) for r in read_truth(sample.logs, "app_daily_cost.csv"))
    (staged, files_read), = sample.query(
        "select count(*), count(distinct log_file) from main_staging.stg_bedrock__invocations")
    assert staged == truth_requests
    (data_files,), = sample.query(
        "select count(*) from main_staging.stg_bedrock__invocations where log_file like '%/data/%'")
    assert data_files == 0
    assert files_read > 0


def test_sample_exercises_duplicates_and_late_delivery(sample: Project) -> None:
    """The fixture really contains what the dedupe and date-by-timestamp logic must handle."""
    import json

    (run_file,) = (sample.logs / "ground_truth").glob("run_*.json")
    run = json.loads(run_file.read_text())
    assert run["duplicate_lines"] > 0 and run["late_records"] > 0
    (spilled,), = sample.query("""
        select count(*) from main_staging.stg_bedrock__invocations
        where log_file not like '%/' || strftime(invoked_at, '%Y/%m/%d/%H') || '/%'
    """)
    assert spilled == run["late_records"]
