"""Hand-written invocation logs for the FinOps tests: each test module lists its calls (who, when,
which model, how many tokens, which requestMetadata), writes them where Bedrock would, and builds
only the models it checks. The expected answers are worked out by hand from the list prices."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import DbtRun, Project, make_project

ACCOUNT = "111122223333"
HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
OPUS_45 = "anthropic.claude-opus-4-5-20251101-v1:0"
OPUS_41 = "anthropic.claude-opus-4-1-20250805-v1:0"
# application inference profiles of seeds/profile_map.csv
SUPPORT_CHAT = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/k8x2m4p9q1w3"  # us. Sonnet 4.5
CODE_REVIEW = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/r3v9h6j2l8z5"  # global. Haiku 4.5
EU_ASSISTANT = f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:application-inference-profile/w6a3d9g5k1n7"  # eu. Sonnet 4.5
LEGAL_DRAFTING = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/p2f8j4m6r1t9"  # us. Opus 4.1
GATEWAY_ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/llm-gateway/litellm-proxy"
USER = f"arn:aws:iam::{ACCOUNT}:user/finops-test"


@dataclass
class Call:
    """One invocation as Bedrock logs it."""

    request_id: str
    at: datetime
    model_id: str
    caller_arn: str = USER
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    metadata: dict[str, str] | None = None
    region: str = "us-east-1"
    extra: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schemaType": "ModelInvocationLog", "schemaVersion": "1.0",
            "timestamp": self.at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "accountId": ACCOUNT,
            "identity": {"arn": self.caller_arn}, "region": self.region, "requestId": self.request_id,
            "operation": "Converse", "modelId": self.model_id,
            "input": {"inputContentType": "application/json", "inputTokenCount": self.input_tokens,
                      "cacheReadInputTokenCount": self.cache_read_tokens,
                      "cacheWriteInputTokenCount": self.cache_write_tokens},
            "output": {"outputContentType": "application/json", "outputTokenCount": self.output_tokens},
            **self.extra,
        }
        if self.metadata is not None:
            body["requestMetadata"] = self.metadata
        return body


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute)


def hours(start: datetime, count: int) -> list[datetime]:
    return [start + timedelta(hours=n) for n in range(count)]


def write_logs(logs: Path, calls: Iterable[Call]) -> None:
    """One gzipped JSON-lines file per account/region/hour folder, as Bedrock delivers them."""
    folders: dict[Path, list[str]] = defaultdict(list)
    for call in calls:
        region = logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / call.region
        folder = region / call.at.strftime("%Y/%m/%d/%H")
        folders[folder].append(json.dumps(call.record()))
    for folder, lines in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        year, month, day, hour = folder.as_posix().split("/")[-4:]
        with gzip.open(folder / f"{year}{month}{day}T{hour}1500000Z_00000000000000aa.json.gz", "wt") as handle:
            handle.write("\n".join(lines) + "\n")


def build(root: Path, calls: Sequence[Call], models: Sequence[str],
          vars: dict[str, Any] | None = None) -> tuple[Project, DbtRun]:
    """Write the logs, then `dbt build` the models and their parents (and only their own tests)."""
    write_logs(root / "logs", calls)
    project = make_project(root / "project", root / "logs")
    selection = [f"+{model}" for model in models]
    run = project.dbt("build", "--select", *selection, "--indirect-selection", "cautious", vars=vars)
    return project, run


def failures(run: DbtRun) -> str:
    return "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m or "Error" in m)


def rows(project: Project, sql: str) -> list[dict[str, Any]]:
    """Query the project's DuckDB file; rows as dicts."""
    import duckdb

    with duckdb.connect(str(project.database)) as con:
        relation = con.sql(sql)
        return [dict(zip(relation.columns, values, strict=True)) for values in relation.fetchall()]


def test_write_logs_uses_the_bedrock_layout(tmp_path: Path) -> None:
    write_logs(tmp_path, [Call("a", at(5, 1), HAIKU_45, metadata={"user": "u-1"}),
                          Call("b", at(5, 1, 30), HAIKU_45), Call("c", at(5, 2), HAIKU_45, region="eu-west-1")])
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json.gz"))
    prefix = f"AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs"
    assert files == [
        f"{prefix}/eu-west-1/2026/11/05/02/20261105T021500000Z_00000000000000aa.json.gz",
        f"{prefix}/us-east-1/2026/11/05/01/20261105T011500000Z_00000000000000aa.json.gz",
    ]
    with gzip.open(tmp_path / files[1], "rt") as handle:
        records = [json.loads(line) for line in handle]
    assert [r["requestId"] for r in records] == ["a", "b"]
    assert records[0]["requestMetadata"] == {"user": "u-1"} and "requestMetadata" not in records[1]
