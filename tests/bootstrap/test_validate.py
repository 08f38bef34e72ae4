"""bedrock-costs validate: PASS/FAIL checks over moto state, Stubber for the inference-profile and runtime calls."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bedrock_costs import enable_logging, validate
from bedrock_costs.aws import Target

from .conftest import ACCOUNT, REGION, CallLog

HEADER = "profile_name,profile_arn,app,team,cost_center,environment,model_source\n"
ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/k8x2m4p9q1w3"
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
ROW = f"support-chat-prod,{ARN},support-chat,cx,CC-1001,prod,us.{SONNET}\n"
TAGS = [{"key": "app", "value": "support-chat"}, {"key": "team", "value": "cx"},
        {"key": "cost_center", "value": "CC-1001"}, {"key": "environment", "value": "prod"},
        {"key": "created-by", "value": "someone"}]
LOG_GROUP = "/aws/bedrock/invocations"


@pytest.fixture
def logging_config(aws: boto3.Session) -> dict[str, Any]:
    """What enable-logging sets up, done straight against moto; returns the logging configuration."""
    args = enable_logging.parse_args(["--bucket", "bedrock-logs-test", "--prefix", "bedrock"])
    enable_logging.enable_logging(Target(aws, REGION, ACCOUNT), enable_logging.settings_from(args))
    return aws.client("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]


def write_map(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "profile_map.csv"
    path.write_text(HEADER + "".join(rows))
    return path


def profile(status: str = "ACTIVE", model_ids: tuple[str, ...] = (SONNET,)) -> dict[str, Any]:
    models = [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{m}"} for m in model_ids
              for r in ("us-east-1", "us-west-2")]
    return {"inferenceProfileName": "support-chat-prod", "inferenceProfileArn": ARN,
            "inferenceProfileId": "k8x2m4p9q1w3", "models": models, "status": status, "type": "APPLICATION"}


def expect_profile(bedrock: Stubber, config: dict[str, Any], found: dict[str, Any] | None = None,
                   tags: list[dict[str, str]] = TAGS) -> None:
    bedrock.add_response("get_model_invocation_logging_configuration", {"loggingConfig": config})
    bedrock.add_response("get_inference_profile", found or profile(), {"inferenceProfileIdentifier": ARN})
    bedrock.add_response("list_tags_for_resource", {"tags": tags}, {"resourceARN": ARN})


def run(path: Path, *extra: str) -> int:
    return validate.main(["--profile-map", str(path), "--region", REGION, *extra])


def test_everything_passes(stubs: dict[str, Stubber], logging_config: dict[str, Any], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    expect_profile(stubs["bedrock"], logging_config)
    assert run(write_map(tmp_path, ROW), "--retention-days", "90") == 0
    out = capsys.readouterr().out
    for check in ("logging configuration", "s3 destination", "cloudwatch destination", "bucket policy",
                  "role trust", "log group retention", "profile support-chat-prod"):
        assert any(line.startswith(check) or line.strip().startswith(check) for line in out.splitlines()
                   if " PASS " in line), check
    assert "0 failed" in out


def test_nothing_configured_fails(aws: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(write_map(tmp_path)) == 1
    assert "not set: run bedrock-costs enable-logging" in capsys.readouterr().out


def test_missing_bucket_statement_and_retention_fail(logging_config: dict[str, Any], aws: boto3.Session,
                                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aws.client("s3").put_bucket_policy(Bucket="bedrock-logs-test", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"},
                       "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bedrock-logs-test/*"}]}))
    aws.client("logs").delete_retention_policy(logGroupName=LOG_GROUP)
    assert run(write_map(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "no statement allowing bedrock s3:PutObject" in out
    assert "never expires" in out


def test_trust_without_conditions_fails(logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    aws.client("iam").update_assume_role_policy(RoleName="BedrockInvocationLoggingRole", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"},
                                               "Action": "sts:AssumeRole"}]}))
    assert run(write_map(tmp_path)) == 1
    assert "does not trust bedrock.amazonaws.com" in capsys.readouterr().out


def test_profile_with_other_tags_and_model_fails(stubs: dict[str, Stubber], logging_config: dict[str, Any],
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expect_profile(stubs["bedrock"], logging_config, profile(model_ids=("amazon.nova-pro-v1:0",)),
                   tags=[{"key": "app", "value": "other"}])
    assert run(write_map(tmp_path, ROW)) == 1
    out = capsys.readouterr().out
    assert "app: map='support-chat' aws='other'" in out and "team: map='cx' aws=None" in out
    assert f"map says {SONNET}" in out


def test_missing_profile_and_unmapped_rows_fail_other_regions_skip(
        stubs: dict[str, Stubber], logging_config: dict[str, Any], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    bedrock = stubs["bedrock"]
    bedrock.add_response("get_model_invocation_logging_configuration", {"loggingConfig": logging_config})
    bedrock.add_client_error("get_inference_profile", "ResourceNotFoundException", "not found")
    eu = ROW.replace(f"{REGION}:{ACCOUNT}", f"eu-west-1:{ACCOUNT}").replace("support-chat-prod", "eu-bot")
    assert run(write_map(tmp_path, ROW, eu, f"new-one,,a,t,c,prod,us.{SONNET}\n")) == 1
    out = capsys.readouterr().out
    assert f"{ARN} does not exist" in out
    assert "profile eu-bot" in out and "SKIP" in out
    assert "no profile_arn: run bedrock-costs create-profiles" in out


def test_access_denied_on_a_check_is_a_fail_line_naming_the_action(
        stubs: dict[str, Stubber], logging_config: dict[str, Any], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    stubs["bedrock"].add_response("get_model_invocation_logging_configuration", {"loggingConfig": logging_config})
    stubs["bedrock"].add_client_error("get_inference_profile", "AccessDeniedException", "no")
    assert run(write_map(tmp_path, ROW)) == 1
    assert "grant the operator bedrock:GetInferenceProfile" in capsys.readouterr().out


def test_invoke_sends_one_converse_call_per_profile(stubs: dict[str, Stubber], logging_config: dict[str, Any],
                                                    tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expect_profile(stubs["bedrock"], logging_config)
    stubs["bedrock-runtime"].add_response("converse", {
        "output": {"message": {"role": "assistant", "content": [{"text": "OK"}]}}, "stopReason": "end_turn",
        "usage": {"inputTokens": 14, "outputTokens": 2, "totalTokens": 16}, "metrics": {"latencyMs": 300}},
        {"modelId": ARN, "messages": [{"role": "user", "content": [{"text": validate._PROMPT}]}],
         "inferenceConfig": {"maxTokens": 10}})
    assert run(write_map(tmp_path, ROW), "--invoke") == 0
    assert "Converse, 14 in / 2 out tokens" in capsys.readouterr().out


def test_invoke_in_dry_run_sends_nothing(stubs: dict[str, Stubber], logging_config: dict[str, Any],
                                         tmp_path: Path, api_calls: CallLog) -> None:
    expect_profile(stubs["bedrock"], logging_config)
    assert run(write_map(tmp_path, ROW), "--invoke", "--dry-run") == 0
    assert "Converse" not in api_calls.operations()


def test_tail_summarises_requests_and_tokens_per_model_and_app(
        stubs: dict[str, Stubber], logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    logs = aws.client("logs")
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName="aws/bedrock/modelinvocations")
    now = int(time.time() * 1000)
    records = [
        "Permissions are correctly set for Amazon Bedrock logs.",
        json.dumps({"modelId": ARN, "input": {"inputTokenCount": 100}, "output": {"outputTokenCount": 20}}),
        json.dumps({"modelId": ARN, "input": {"inputTokenCount": 50}, "output": {"outputTokenCount": 5}}),
        json.dumps({"modelId": "amazon.nova-lite-v1:0", "input": {"inputTokenCount": 4},
                    "output": {"outputTokenCount": 38}}),
    ]
    logs.put_log_events(logGroupName=LOG_GROUP, logStreamName="aws/bedrock/modelinvocations",
                        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(records)])
    expect_profile(stubs["bedrock"], logging_config)
    assert run(write_map(tmp_path, ROW), "--tail", "15") == 0
    out = capsys.readouterr().out
    assert any(line.split() == [ARN, "support-chat", "2", "150", "25"] for line in out.splitlines())
    assert any(line.split()[:2] == ["amazon.nova-lite-v1:0", "(not"] for line in out.splitlines())
    assert "3 requests, 2 attributed to an app" in out


def test_tail_with_no_records_fails(stubs: dict[str, Stubber], logging_config: dict[str, Any], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    stubs["bedrock"].add_response("get_model_invocation_logging_configuration", {"loggingConfig": logging_config})
    assert run(write_map(tmp_path), "--tail", "5") == 1
    assert "no records in the last 5 min" in capsys.readouterr().out


def test_bad_input_fails_before_any_call(aws: boto3.Session, api_calls: CallLog, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run(write_map(tmp_path, ROW.replace(f"us.{SONNET}", "gpt-4o")), "--tail", "5") == 2
    assert run(write_map(tmp_path, ROW), "--tail", "0") == 2
    assert run(write_map(tmp_path, ROW), "--retention-days", "2") == 2
    assert api_calls.calls == []
    assert capsys.readouterr().err.count("ERROR [InvalidInput]") == 3


# --- the log bucket: public access, other principals, encryption (case: a public bucket passed) ----

BUCKET = "bedrock-logs-test"
OTHER_ACCOUNT = "444455556666"


def result_of(out: str, item: str) -> tuple[str, str]:
    """(result, detail) of the table line whose check is ``item``."""
    for line in out.splitlines():
        cells = re.split(r"\s{2,}", line.strip(), maxsplit=2)
        if cells[0] == item:
            return cells[1], cells[2] if len(cells) > 2 else ""
    raise AssertionError(f"no line {item!r} in:\n{out}")


def add_statements(aws: boto3.Session, *statements: dict[str, Any]) -> None:
    s3 = aws.client("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    policy["Statement"] += list(statements)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))


def test_the_bucket_enable_logging_creates_passes_every_bucket_check(
        logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # statements that are no risk: a Deny for everyone, and a read for a role of the bucket's own account
    add_statements(aws, {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                         "Resource": f"arn:aws:s3:::{BUCKET}/*",
                         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                   {"Sid": "OwnReader", "Effect": "Allow", "Action": "s3:GetObject",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/analytics"},
                    "Resource": f"arn:aws:s3:::{BUCKET}/*"})
    assert run(write_map(tmp_path)) == 0
    out = capsys.readouterr().out
    assert result_of(out, "public access block") == ("PASS", "all four settings on")
    assert result_of(out, "object ownership") == ("PASS", "BucketOwnerEnforced (ACLs disabled)")
    assert result_of(out, "default encryption") == ("PASS", "SSE-S3 (AES256)")
    assert result_of(out, "bucket policy statements") == ("PASS", "only this account and bedrock.amazonaws.com")
    assert result_of(out, f"bucket policy {BUCKET}")[0] == "PASS"


def test_a_public_bucket_policy_without_a_public_access_block_fails(
        logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = aws.client("s3")
    s3.delete_public_access_block(Bucket=BUCKET)
    add_statements(aws, {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": f"arn:aws:s3:::{BUCKET}/*"})
    assert run(write_map(tmp_path)) == 1
    out = capsys.readouterr().out
    status, detail = result_of(out, "public access block")
    assert status == "FAIL" and detail.startswith("[NoPublicAccessBlock] ") and "enable-logging" in detail
    status, detail = result_of(out, "statement 2 (Sid PublicRead)")
    assert status == "FAIL"
    assert detail.startswith("[PublicBucketPolicy] grants s3:GetObject to everyone")
    assert f"bedrock-costs enable-logging --bucket {BUCKET} --prefix bedrock --fix" in detail
    assert "0 failed" not in out


def test_a_partial_public_access_block_fails_naming_the_setting(
        logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aws.client("s3").put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True})
    assert run(write_map(tmp_path)) == 1
    status, detail = result_of(capsys.readouterr().out, "public access block")
    assert status == "FAIL" and detail.startswith("[PartialPublicAccessBlock] BlockPublicPolicy is off")
    assert "BlockPublicAcls" not in detail


def test_a_write_grant_to_another_account_fails(logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    add_statements(aws, {"Sid": "PartnerWrite", "Effect": "Allow",
                         "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                         "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": f"arn:aws:s3:::{BUCKET}/*"})
    assert run(write_map(tmp_path)) == 1
    out = capsys.readouterr().out
    status, detail = result_of(out, "statement 2 (Sid PartnerWrite)")
    assert status == "FAIL" and detail.startswith("[ForeignPrincipal] grants s3:PutObject, s3:DeleteObject to account "
                                                  f"{OTHER_ACCOUNT}")
    assert "--fix" in detail
    assert result_of(out, "public access block")[0] == "PASS"  # the other checks still ran


def test_an_unencrypted_bucket_fails(logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """moto, like S3 before 2023, answers ServerSideEncryptionConfigurationNotFoundError when no default is set."""
    aws.client("s3").delete_bucket_encryption(Bucket=BUCKET)
    assert run(write_map(tmp_path)) == 1
    status, detail = result_of(capsys.readouterr().out, "default encryption")
    assert status == "FAIL" and detail.startswith("[NoDefaultEncryption] ")


def test_acls_enabled_fails(logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    aws.client("s3").put_bucket_ownership_controls(
        Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    assert run(write_map(tmp_path)) == 1
    status, detail = result_of(capsys.readouterr().out, "object ownership")
    assert status == "FAIL" and detail.startswith("[AclsEnabled] ObjectWriter")


def test_a_denied_bucket_read_is_one_fail_line_and_the_rest_still_run(
        logging_config: dict[str, Any], api_calls: CallLog, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api_calls.fail_once("GetPublicAccessBlock")
    assert run(write_map(tmp_path)) == 1
    out = capsys.readouterr().out
    status, detail = result_of(out, "public access block")
    assert status == "FAIL" and "s3:GetBucketPublicAccessBlock" in detail
    assert result_of(out, "default encryption")[0] == "PASS"


# --- metadata-only logging passes -----------------------------------------------------------------

def test_metadata_only_logging_passes(aws: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = enable_logging.parse_args(["--bucket", BUCKET, "--metadata-only"])
    enable_logging.enable_logging(Target(aws, REGION, ACCOUNT), enable_logging.settings_from(args))
    assert run(write_map(tmp_path)) == 0
    status, detail = result_of(capsys.readouterr().out, "logging configuration")
    assert status == "PASS" and detail.startswith("metadata only")


# --- --tail with records whose counts are not numbers ---------------------------------------------

def test_tail_counts_what_it_can_and_flags_unreadable_records(
        stubs: dict[str, Stubber], logging_config: dict[str, Any], aws: boto3.Session, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    logs = aws.client("logs")
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName="aws/bedrock/modelinvocations")
    now = int(time.time() * 1000)
    records = [
        json.dumps({"modelId": ARN, "input": {"inputTokenCount": 100}, "output": {"outputTokenCount": 20}}),
        json.dumps({"modelId": ARN, "input": {"inputTokenCount": "abc"}, "output": {"outputTokenCount": 7}}),
        json.dumps({"modelId": ARN, "input": {"inputTokenCount": "120"}, "output": {"outputTokenCount": 3}}),
        json.dumps({"modelId": ARN, "input": "not an object"}),
        json.dumps({"modelId": "amazon.nova-lite-v1:0", "input": {"inputTokenCount": 1.5},
                    "output": {"outputTokenCount": -2}}),
        json.dumps({"modelId": ["not", "a", "string"], "input": {"inputTokenCount": 9}}),
        json.dumps({"modelId": "amazon.nova-lite-v1:0", "input": {}, "output": {"outputTokenCount": True}}),
    ]
    logs.put_log_events(logGroupName=LOG_GROUP, logStreamName="aws/bedrock/modelinvocations",
                        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(records)])
    expect_profile(stubs["bedrock"], logging_config)
    assert run(write_map(tmp_path, ROW), "--tail", "15") == 1
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()]
    assert [ARN, "support-chat", "4", "220", "30", "2"] in rows  # "120" is read as 120, "abc" is not a number
    assert ["amazon.nova-lite-v1:0", "(not", "in", "map)", "2", "0", "0", "2"] in rows
    assert ["(no", "modelId)", "(not", "in", "map)", "1", "9", "0", "1"] in rows
    assert result_of(out, "tail 15 min") == ("PASS", "7 requests, 4 attributed to an app")
    status, detail = result_of(out, "tail unreadable records")
    assert status == "FAIL"
    assert detail.startswith("[UnreadableTokenCounts] 5 of 7 records have token counts that are not numbers: "
                             "(not in map) 3, support-chat 2")
