"""The sample generator writes Bedrock's real layout and covers every form the pipeline must handle."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, generate

KEY = re.compile(
    r"^AWSLogs/(\d{12})/BedrockModelInvocationLogs/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/(\d{2})/"
    r"(\d{8}T\d{6}\d{3}Z)_([0-9a-f]{16})\.json\.gz$"
)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generator")
    generate(out, records=6_000, days=2, start="2026-11-01", seed=3)
    return out


@pytest.fixture(scope="module")
def records(logs: Path) -> list[dict]:
    out = []
    for path in logs.glob("AWSLogs/*/BedrockModelInvocationLogs/*/*/*/*/*/*.json.gz"):
        with gzip.open(path, "rt") as handle:
            out += [json.loads(line) for line in handle]
    return out


def test_layout_and_file_names(logs: Path) -> None:
    files = [p.relative_to(logs).as_posix() for p in (logs / "AWSLogs").rglob("*") if p.is_file()]
    log_files = [f for f in files if "/data/" not in f and not f.endswith("permission-check")]
    assert log_files and all(KEY.match(f) for f in log_files), [f for f in log_files if not KEY.match(f)][:3]
    for f in log_files:
        m = KEY.match(f)
        assert m and m.group(7).startswith("".join(m.group(i) for i in (3, 4, 5)) + "T" + m.group(6))
    assert any("/data/" in f for f in files)
    assert any(f.endswith("BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check") for f in files)


def test_covers_accounts_regions_operations(records: list[dict]) -> None:
    assert {r["accountId"] for r in records} == {"111122223333", "444455556666", "777788889999"}  # + GovCloud
    assert {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"} <= {r["region"] for r in records}
    assert {r["operation"] for r in records} == {"Converse", "ConverseStream", "InvokeModel",
                                                 "InvokeModelWithResponseStream"}
    streamed = [r for r in records if r["operation"].endswith("Stream") and "outputBodyJson" in r["output"]]
    assert streamed and all(isinstance(r["output"]["outputBodyJson"], list) for r in streamed)


def test_covers_every_model_id_form(records: list[dict]) -> None:
    ids = {r["modelId"] for r in records}
    assert any(re.match(r"^[a-z]+\.[a-z0-9.-]+:\d+$", i) for i in ids)  # bare id
    assert any(":foundation-model/" in i for i in ids)
    for prefix in ("us.", "eu.", "global."):
        assert any(i.startswith(prefix) for i in ids), prefix
    assert any(":inference-profile/apac." in i for i in ids)
    assert any(":inference-profile/us." in i for i in ids) or any(":application-inference-profile/" in i for i in ids)
    assert any(":application-inference-profile/" in i for i in ids)


def test_covers_every_identity_form_and_optional_fields(records: list[dict]) -> None:
    arns = {r["identity"]["arn"] for r in records}
    assert any(":user/" in a for a in arns)
    assert any("assumed-role/AWSReservedSSO_" in a for a in arns)
    assert any(":assumed-role/" in a and "AWSReservedSSO_" not in a for a in arns)
    assert any(a.endswith(":root") for a in arns)
    assert any(":federated-user/" in a for a in arns)
    assert any(r["input"].get("cacheReadInputTokenCount") for r in records)
    assert any(r["input"].get("cacheWriteInputTokenCount") for r in records)
    assert any("outputTokenCount" not in r["output"] for r in records)  # embeddings
    assert any("errorCode" in r for r in records)
    assert any("requestMetadata" in r for r in records)
    assert any("inferenceRegion" in r for r in records)
    assert any("inputBodyS3Path" in r["input"] for r in records)
    assert len({tuple(r) for r in records}) > 1  # key order varies


def test_skew_a_few_apps_and_callers_dominate(records: list[dict]) -> None:
    by_caller = Counter(r["identity"]["arn"] for r in records)
    top3 = sum(n for _, n in by_caller.most_common(3))
    assert top3 / len(records) > 0.5
    assert len(by_caller) >= 15


def test_ground_truth_counts_each_request_once(logs: Path, records: list[dict]) -> None:
    with (logs / "ground_truth" / "app_daily_cost.csv").open() as handle:
        truth = sum(int(r["request_count"]) for r in csv.DictReader(handle))
    # the records asked for, and the planted ones (the last day's loop and new spender, the first
    # day's long requests)
    import generate_sample_logs as generator  # scripts/ is on the test path

    planted = sum(calls for schedule in (generator.PLANTED_HOURS, generator.FIRST_DAY_PLANTED_HOURS)
                  for hours in schedule.values() for _, calls in hours)
    assert truth == len({r["requestId"] for r in records}) == 6_000 + planted
    assert len(records) > truth  # some records are delivered twice


def test_same_seed_same_output(tmp_path: Path) -> None:
    generate(tmp_path / "a", records=500, days=1, start="2026-11-01", seed=8)
    generate(tmp_path / "b", records=500, days=1, start="2026-11-01", seed=8)
    for name in ("app_daily_cost.csv", "caller_daily_cost.csv"):
        truth_a, truth_b = (tmp_path / side / "ground_truth" / name for side in ("a", "b"))
        assert truth_a.read_text() == truth_b.read_text()
    files_a = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*.json.gz"))
    files_b = sorted(p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*.json.gz"))
    assert files_a == files_b


def test_bundled_profile_map_lists_the_generators_profiles() -> None:
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import generate_sample_logs as generator

    with (REPO / "seeds" / "profile_map.csv").open() as handle:
        seed = {row["profile_arn"]: row for row in csv.DictReader(handle)}
    for profile in generator.profiles():
        row = seed[profile.arn]
        assert (row["profile_name"], row["app"], row["team"], row["cost_center"], row["environment"],
                row["model_source"]) == (profile.name, profile.app, profile.team, profile.cost_center,
                                         profile.environment, profile.model_source)
