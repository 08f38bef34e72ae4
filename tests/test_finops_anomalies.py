"""Anomalies: a baseline of known median and MAD, then spikes of known size, and new spenders.

code-review (global. Haiku 4.5, $1 per 1M input tokens) spends $1 in even hours and $2 in odd hours
from Nov 1 to Nov 7: a baseline median of $1.50 and a MAD of $0.50. On Nov 8 (the as-of date) it
spends $18 at 01:00 and 02:00 (12x the median), $9 at 05:00 (6x) and $4 at 07:00 (2.7x, under the
3x floor), the usual pattern otherwise. Alex calls us. Opus 4.5 directly for the first time on Nov 8;
Bob already did on Nov 2; Carol's first model is Sonnet 4.5, which is not expensive."""

from __future__ import annotations

from datetime import datetime

import pytest

from conftest import DbtRun, Project
from test_finops_logs import (
    CODE_REVIEW,
    HAIKU_45,
    OPUS_45,
    SONNET_45,
    Call,
    at,
    build,
    failures,
    hours,
    rows,
)

M = 1_000_000
TASK = "arn:aws:sts::111122223333:assumed-role/code-review-ecs-task/task-1"
ALEX = "arn:aws:iam::111122223333:user/alex.kim"
BOB = "arn:aws:iam::111122223333:user/bob"
CAROL = "arn:aws:iam::111122223333:user/carol"
NOV_8_SPEND = {1: 18, 2: 18, 5: 9, 7: 4}


def hourly_spend(hour: datetime) -> int:
    if hour.day == 8 and hour.hour in NOV_8_SPEND:
        return NOV_8_SPEND[hour.hour]
    return 1 if hour.hour % 2 == 0 else 2


CALLS = [
    *(Call(f"cr-{h:%d%H}", h.replace(minute=20), CODE_REVIEW, TASK, input_tokens=hourly_spend(h) * M)
      for h in hours(at(1, 0), 8 * 24)),
    Call("alex-haiku", at(3, 12), HAIKU_45, ALEX, input_tokens=1000),
    Call("alex-opus", at(8, 5, 30), f"us.{OPUS_45}", ALEX, input_tokens=M),  # geo: $5.50 per 1M
    Call("bob-opus-early", at(2, 12), f"us.{OPUS_45}", BOB, input_tokens=1000),
    Call("bob-opus", at(8, 6), f"us.{OPUS_45}", BOB, input_tokens=1000),
    Call("carol-sonnet", at(8, 6), f"us.{SONNET_45}", CAROL, input_tokens=1000),
]


@pytest.fixture(scope="module")
def anomalies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, DbtRun]:
    project, run = build(tmp_path_factory.mktemp("anomalies"), CALLS, ["fct_cost_anomalies"])
    assert run.success, failures(run)
    return project, run


def found(project: Project) -> list[dict]:
    return rows(project, "select * from main.fct_cost_anomalies order by anomaly_type, dimension, started_at")


def test_spikes_are_flagged_with_their_ratio_to_the_median(anomalies: tuple[Project, DbtRun]) -> None:
    project, _ = anomalies
    spikes = [r for r in found(project) if r["anomaly_type"] == "spend_spike"]
    # each spike once per app and once per caller; the $4 hour and every Nov 7 hour stay quiet
    assert [(r["dimension"], r["entity_name"], r["started_at"], r["ended_at"], r["hour_count"]) for r in spikes] == [
        ("app", "code-review", datetime(2026, 11, 8, 1), datetime(2026, 11, 8, 3), 2),
        ("app", "code-review", datetime(2026, 11, 8, 5), datetime(2026, 11, 8, 6), 1),
        ("caller", "task-1", datetime(2026, 11, 8, 1), datetime(2026, 11, 8, 3), 2),
        ("caller", "task-1", datetime(2026, 11, 8, 5), datetime(2026, 11, 8, 6), 1),
    ]
    loop, single = spikes[0], spikes[1]
    assert spikes[2]["entity_key"] == TASK
    assert loop["cost_usd"] == pytest.approx(36) and loop["expected_cost_usd"] == pytest.approx(3)
    assert loop["spend_ratio"] == pytest.approx(12)
    assert (loop["baseline_hourly_usd"], loop["baseline_mad_usd"]) == (pytest.approx(1.5), pytest.approx(0.5))
    assert loop["baseline_hour_count"] == 7 * 24 and loop["peak_hourly_cost_usd"] == pytest.approx(18)
    assert loop["max_robust_z"] == pytest.approx((18 - 1.5) / (1.4826 * 0.5))
    assert loop["request_count"] == 2 and str(loop["usage_date"]) == "2026-11-08"
    assert loop["description"] == (
        "app code-review spent $36.00 from 2026-11-08 01:00 to 03:00 UTC, 12.0x its usual $3.00")
    assert single["spend_ratio"] == pytest.approx(6)
    assert single["description"] == (
        "app code-review spent $9.00 from 2026-11-08 05:00 to 06:00 UTC, 6.0x its usual $1.50")


def test_first_direct_use_of_an_expensive_model_is_a_new_spender(anomalies: tuple[Project, DbtRun]) -> None:
    project, _ = anomalies
    (new,) = [r for r in found(project) if r["anomaly_type"] == "new_spender"]
    assert (new["dimension"], new["entity_key"], new["entity_name"], new["model_id"]) == (
        "caller", ALEX, "alex.kim", OPUS_45)
    assert (new["started_at"], new["ended_at"], new["hour_count"], new["request_count"]) == (
        datetime(2026, 11, 8, 5), datetime(2026, 11, 8, 6), 1, 1)
    assert new["cost_usd"] == pytest.approx(5.5) and new["spend_ratio"] is None
    assert new["description"] == (f"caller alex.kim first called {OPUS_45} directly at 2026-11-08 05:00 UTC: "
                                  "$5.50 in 1 requests")


def test_thresholds_are_vars(anomalies: tuple[Project, DbtRun]) -> None:
    project, _ = anomalies
    strict = project.dbt("run", "--select", "fct_cost_anomalies", vars={
        "bedrock_costs_anomaly_min_ratio": 13, "bedrock_costs_expensive_input_usd_per_mtok": 20})
    assert strict.success, failures(strict)
    assert found(project) == []  # 12x < 13x, and no model costs $20 per 1M input tokens
    wide = project.dbt("run", "--select", "fct_cost_anomalies", vars={
        "bedrock_costs_anomaly_min_ratio": 2.5, "bedrock_costs_anomaly_mad_threshold": 3})  # $4: z = 3.4
    assert wide.success, failures(wide)
    seven = [r for r in found(project) if r["dimension"] == "app" and r["started_at"].hour == 7]
    assert [r["spend_ratio"] for r in seven] == [pytest.approx(4 / 1.5)]
    bad = project.dbt("run", "--select", "fct_cost_anomalies", vars={"bedrock_costs_anomaly_detect_days": "x"})
    assert not bad.success and any("must be a number" in m for m in bad.messages)
