"""bedrock-costs enable-logging against moto: what it creates, idempotency, dry run, errors and reruns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from bedrock_costs import enable_logging
from bedrock_costs.policies import bucket_statement, has_statement, role_policy, trust_statement

from .conftest import ACCOUNT, REGION, CallLog

COMMAND = Path(sys.executable).with_name("bedrock-costs")  # the console script `pip install -e .` wrote
ARGS = ["--bucket", "bedrock-logs-test", "--prefix", "bedrock", "--region", REGION]


def test_first_run_creates_everything_with_least_privilege(aws: boto3.Session,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main(ARGS) == 0
    s3, iam = aws.client("s3"), aws.client("iam")

    policy = json.loads(s3.get_bucket_policy(Bucket="bedrock-logs-test")["Policy"])
    assert policy["Statement"] == [bucket_statement("bedrock-logs-test", "bedrock", REGION, ACCOUNT)]
    [statement] = policy["Statement"]
    assert statement["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert statement["Resource"] == (
        f"arn:aws:s3:::bedrock-logs-test/bedrock/AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/*")
    assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:*"}
    assert all(s3.get_public_access_block(Bucket="bedrock-logs-test")["PublicAccessBlockConfiguration"].values())
    ownership = s3.get_bucket_ownership_controls(Bucket="bedrock-logs-test")["OwnershipControls"]["Rules"][0]
    assert ownership["ObjectOwnership"] == "BucketOwnerEnforced"
    rule = s3.get_bucket_encryption(Bucket="bedrock-logs-test")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"

    role = iam.get_role(RoleName="BedrockInvocationLoggingRole")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [trust_statement(REGION, ACCOUNT)]
    inline = iam.get_role_policy(RoleName="BedrockInvocationLoggingRole",
                                 PolicyName="BedrockInvocationLogsToCloudWatch")
    assert inline["PolicyDocument"] == role_policy(REGION, ACCOUNT, "/aws/bedrock/invocations")

    [group] = aws.client("logs").describe_log_groups(logGroupNamePrefix="/aws/bedrock/invocations")["logGroups"]
    assert group["retentionInDays"] == 90

    config = aws.client("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]
    assert config["s3Config"] == {"bucketName": "bedrock-logs-test", "keyPrefix": "bedrock"}
    assert config["cloudWatchConfig"] == {
        "logGroupName": "/aws/bedrock/invocations",
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/BedrockInvocationLoggingRole",
        "largeDataDeliveryS3Config": {"bucketName": "bedrock-logs-test", "keyPrefix": "bedrock"},
    }
    assert config["textDataDeliveryEnabled"] is True
    assert not (config["imageDataDeliveryEnabled"] or config["embeddingDataDeliveryEnabled"]
                or config["videoDataDeliveryEnabled"])
    assert "created" in capsys.readouterr().out


def test_second_run_makes_no_write_call(aws: boto3.Session, api_calls: CallLog,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main(ARGS) == 0
    capsys.readouterr()
    api_calls.clear()
    assert enable_logging.main(ARGS) == 0
    assert api_calls.writes() == []
    assert "Nothing to do: already configured." in capsys.readouterr().out


def test_dry_run_makes_no_write_call(aws: boto3.Session, api_calls: CallLog,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main([*ARGS, "--dry-run"]) == 0
    assert api_calls.writes() == []
    out = capsys.readouterr().out
    assert "would create" in out and "Dry run:" in out
    assert aws.client("s3").list_buckets()["Buckets"] == []


def test_flags_change_only_the_logging_configuration(aws: boto3.Session, api_calls: CallLog) -> None:
    assert enable_logging.main(ARGS) == 0
    api_calls.clear()
    assert enable_logging.main([*ARGS, "--image-delivery", "--embedding-delivery"]) == 0
    assert api_calls.writes() == ["PutModelInvocationLoggingConfiguration"]
    config = aws.client("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]
    assert config["imageDataDeliveryEnabled"] and config["embeddingDataDeliveryEnabled"]


def test_other_bucket_policy_statements_are_kept(aws: boto3.Session) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="bedrock-logs-test")
    other = {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": "arn:aws:s3:::bedrock-logs-test/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    s3.put_bucket_policy(Bucket="bedrock-logs-test", Policy=json.dumps({"Version": "2012-10-17", "Statement": [other]}))
    assert enable_logging.main(ARGS) == 0
    policy = json.loads(s3.get_bucket_policy(Bucket="bedrock-logs-test")["Policy"])
    assert policy["Statement"][0] == other
    assert has_statement(policy, bucket_statement("bedrock-logs-test", "bedrock", REGION, ACCOUNT))


def test_existing_trust_is_merged_not_replaced(aws: boto3.Session) -> None:
    iam = aws.client("iam")
    other = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    iam.create_role(RoleName="BedrockInvocationLoggingRole",
                    AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [other]}))
    assert enable_logging.main(ARGS) == 0
    trust = iam.get_role(RoleName="BedrockInvocationLoggingRole")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0] == other
    assert has_statement(trust, trust_statement(REGION, ACCOUNT))


def test_bucket_in_another_region_is_refused(aws: boto3.Session, capsys: pytest.CaptureFixture[str]) -> None:
    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="bedrock-logs-test", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert enable_logging.main(ARGS) == 1
    assert "ERROR [BucketRegion]: bucket bedrock-logs-test is in eu-west-1" in capsys.readouterr().err


def test_bucket_is_created_in_the_target_region(aws: boto3.Session) -> None:
    assert enable_logging.main(["--bucket", "eu-logs-test", "--region", "eu-west-1"]) == 0
    location = aws.client("s3").get_bucket_location(Bucket="eu-logs-test")["LocationConstraint"]
    assert location == "eu-west-1"
    config = aws.client("bedrock", region_name="eu-west-1").get_model_invocation_logging_configuration()
    assert config["loggingConfig"]["cloudWatchConfig"]["roleArn"].endswith(":role/BedrockInvocationLoggingRole")


def _kms_key(aws: boto3.Session) -> str:
    return aws.client("kms").create_key(Description="logs")["KeyMetadata"]["Arn"]


def test_kms_key_policy_guidance_without_permission_to_change_it(aws: boto3.Session, api_calls: CallLog,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    key = _kms_key(aws)
    assert enable_logging.main([*ARGS, "--kms-key", key]) == 1
    captured = capsys.readouterr()
    assert "ERROR [KmsKeyPolicy]" in captured.err and "--update-key-policy" in captured.err
    assert '"kms:GenerateDataKey"' in captured.out and '"aws:SourceAccount"' in captured.out
    assert "PutKeyPolicy" not in api_calls.operations()
    assert "PutModelInvocationLoggingConfiguration" not in api_calls.operations()


def test_kms_key_policy_is_merged_and_bucket_uses_sse_kms(aws: boto3.Session, api_calls: CallLog) -> None:
    key = _kms_key(aws)
    original = json.loads(aws.client("kms").get_key_policy(KeyId=key, PolicyName="default")["Policy"])
    assert enable_logging.main([*ARGS, "--kms-key", key, "--update-key-policy"]) == 0
    policy = json.loads(aws.client("kms").get_key_policy(KeyId=key, PolicyName="default")["Policy"])
    assert policy["Statement"][: len(original["Statement"])] == original["Statement"]
    assert policy["Statement"][-1]["Action"] == "kms:GenerateDataKey"
    assert policy["Statement"][-1]["Principal"] == {"Service": "bedrock.amazonaws.com"}
    rule = aws.client("s3").get_bucket_encryption(Bucket="bedrock-logs-test")["ServerSideEncryptionConfiguration"]
    assert rule["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}
    api_calls.clear()
    assert enable_logging.main([*ARGS, "--kms-key", key]) == 0
    assert api_calls.writes() == []


def test_run_interrupted_half_way_completes_on_rerun(aws: boto3.Session, api_calls: CallLog,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    api_calls.fail_once("PutRolePolicy", "Throttling", "Rate exceeded")
    assert enable_logging.main(ARGS) == 1
    assert "ERROR [Throttling]: PutRolePolicy failed: Rate exceeded" in capsys.readouterr().err
    api_calls.clear()
    assert enable_logging.main(ARGS) == 0
    assert api_calls.writes() == ["PutRolePolicy", "PutModelInvocationLoggingConfiguration"]


def test_access_denied_names_the_action(aws: boto3.Session, api_calls: CallLog,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    api_calls.fail_once("PutBucketPolicy")
    assert enable_logging.main(ARGS) == 1
    last_line = capsys.readouterr().err.splitlines()[-1]
    assert last_line.startswith(
        "ERROR [AccessDenied]: PutBucketPolicy was denied: grant the operator s3:PutBucketPolicy")


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--bucket", "Bad_Bucket"], "--bucket"), (["--retention-days", "45"], "--retention-days"),
     (["--role-name", "has space"], "--role-name"), (["--kms-key", "alias/logs"], "--kms-key"),
     (["--kms-key", "arn:aws:kms:eu-west-1:123456789012:key/abc"], "is in eu-west-1")],
)
def test_invalid_input_fails_before_any_call(aws: boto3.Session, api_calls: CallLog, capsys: pytest.CaptureFixture[str],
                                             extra: list[str], message: str) -> None:
    assert enable_logging.main([*ARGS, *extra]) == 2
    assert api_calls.calls == []
    err = capsys.readouterr().err
    assert err.startswith("ERROR [InvalidInput]: ") and message in err


def test_no_credentials_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    assert enable_logging.main(ARGS) == 3
    assert capsys.readouterr().err.startswith("ERROR [NoCredentials]: no AWS credentials found")


def test_unknown_profile_gives_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main([*ARGS, "--profile", "nope"]) == 3
    assert "ERROR [ProfileNotFound]" in capsys.readouterr().err


def test_cli_against_moto_server_with_profile_and_endpoint(tmp_path: Path) -> None:
    """The real command line, the installed `bedrock-costs enable-logging`: --profile from a config file,
    AWS_ENDPOINT_URL pointing at moto_server."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        (tmp_path / "config").write_text(f"[profile onboard]\nregion = {REGION}\n")
        (tmp_path / "credentials").write_text("[onboard]\naws_access_key_id = a\naws_secret_access_key = b\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {
            "AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
            "AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_EC2_METADATA_DISABLED": "true"}
        command = [str(COMMAND), "enable-logging", "--bucket", "cli-logs", "--profile", "onboard"]
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert first.returncode == 0, first.stderr
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 0, second.stderr
        assert "Nothing to do: already configured." in second.stdout
    finally:
        server.stop()


# --- statements that let others into the log bucket: reported, removed only with --fix ------------

OTHER_ACCOUNT = "444455556666"
DENY_INSECURE = {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": "arn:aws:s3:::bedrock-logs-test/*",
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
OWN_READER = {"Sid": "OwnReader", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/analytics"},
              "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bedrock-logs-test/*"}
PARTNER_WRITE = {"Sid": "PartnerWrite", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                 "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bedrock-logs-test/*"}
PUBLIC_READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::bedrock-logs-test/*"}  # no Sid: named by its index
OURS = bucket_statement("bedrock-logs-test", "bedrock", REGION, ACCOUNT)


def set_policy(aws: boto3.Session, *statements: dict[str, object]) -> None:
    aws.client("s3").put_bucket_policy(Bucket="bedrock-logs-test", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}))


def policy_statements(aws: boto3.Session) -> list[dict[str, object]]:
    statements: list[dict[str, object]] = json.loads(
        aws.client("s3").get_bucket_policy(Bucket="bedrock-logs-test")["Policy"])["Statement"]
    return statements


def test_a_foreign_statement_is_reported_kept_and_not_called_configured(
        aws: boto3.Session, api_calls: CallLog, capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main(ARGS) == 0
    set_policy(aws, DENY_INSECURE, OURS, PARTNER_WRITE)
    capsys.readouterr()
    api_calls.clear()
    assert enable_logging.main(ARGS) == 1
    assert api_calls.writes() == []
    assert policy_statements(aws) == [DENY_INSECURE, OURS, PARTNER_WRITE]
    out = capsys.readouterr().out
    assert "already configured." not in out
    [line] = [line for line in out.splitlines() if line.strip().startswith("statement 3 (Sid PartnerWrite)")
              and "kept: a risk" in line]  # the summary table's line
    assert f"[ForeignPrincipal] grants s3:PutObject to account {OTHER_ACCOUNT}" in line
    assert "rerun with --fix" in out
    assert '"Sid": "PartnerWrite"' in out  # the statement itself is printed, to judge it
    assert "DenyInsecure" not in out  # a Deny is no risk


def test_fix_removes_exactly_the_foreign_statements(aws: boto3.Session, api_calls: CallLog,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main(ARGS) == 0
    set_policy(aws, DENY_INSECURE, PUBLIC_READ, OWN_READER, OURS, PARTNER_WRITE)
    api_calls.clear()
    assert enable_logging.main([*ARGS, "--fix"]) == 0
    assert api_calls.writes() == ["PutBucketPolicy"]
    assert policy_statements(aws) == [DENY_INSECURE, OWN_READER, OURS]
    out = capsys.readouterr().out
    assert any(line.strip().startswith("statement 2 (no Sid)") and "removed" in line for line in out.splitlines())
    assert any(line.strip().startswith("statement 5 (Sid PartnerWrite)") and "removed" in line
               for line in out.splitlines())
    api_calls.clear()
    assert enable_logging.main([*ARGS, "--fix"]) == 0
    assert api_calls.writes() == []
    assert "Nothing to do: already configured." in capsys.readouterr().out


def test_dry_run_fix_prints_the_plan_and_changes_nothing(aws: boto3.Session, api_calls: CallLog,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main(ARGS) == 0
    set_policy(aws, PARTNER_WRITE, OURS)
    capsys.readouterr()
    api_calls.clear()
    assert enable_logging.main([*ARGS, "--fix", "--dry-run"]) == 0
    assert api_calls.writes() == []
    assert policy_statements(aws) == [PARTNER_WRITE, OURS]
    out = capsys.readouterr().out
    assert any(line.strip().startswith("statement 1 (Sid PartnerWrite)") and "would remove" in line
               for line in out.splitlines())
    assert any(line.strip().startswith("bucket policy: bedrock PutObject") and "would update" in line
               for line in out.splitlines())
    assert "Dry run: 2 change(s) planned, none made; 0 failed." in out


def test_a_public_policy_stops_the_run_until_fix(aws: boto3.Session, api_calls: CallLog,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """S3 refuses a PutBucketPolicy that grants public access once BlockPublicPolicy is on (which this
    command turns on), so without --fix Bedrock's statement cannot be added: say so, change nothing."""
    aws.client("s3").create_bucket(Bucket="bedrock-logs-test")
    set_policy(aws, PUBLIC_READ)
    api_calls.clear()
    assert enable_logging.main(ARGS) == 1
    assert "PutBucketPolicy" not in api_calls.writes()
    assert policy_statements(aws) == [PUBLIC_READ]
    err = capsys.readouterr().err
    assert "ERROR [PublicBucketPolicy]: the bucket policy of bedrock-logs-test grants s3:GetObject to everyone " \
           '(Principal "*")' in err
    assert "(statement 1 (no Sid)); S3 refuses to add Bedrock's statement" in err
    assert "rerun with --fix" in err
    assert enable_logging.main([*ARGS, "--fix"]) == 0
    assert policy_statements(aws) == [OURS]


@pytest.mark.parametrize("prefix", ["logs/*", "logs?", "log*/x", "my logs", "it's", "logs/../other", "a\\b"])
def test_unsafe_prefix_is_rejected_before_any_call(aws: boto3.Session, api_calls: CallLog,
                                                   capsys: pytest.CaptureFixture[str], prefix: str) -> None:
    assert enable_logging.main(["--bucket", "bedrock-logs-test", "--prefix", prefix, "--region", REGION]) == 2
    assert api_calls.calls == []
    err = capsys.readouterr().err
    assert err.startswith(f"ERROR [InvalidInput]: --prefix {prefix!r}")


def test_safe_prefixes_are_accepted(aws: boto3.Session) -> None:
    assert enable_logging.main(["--bucket", "bedrock-logs-test", "--prefix", "/team-a/bedrock_logs.v2/",
                                "--region", REGION]) == 0
    config = aws.client("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]
    assert config["s3Config"]["keyPrefix"] == "team-a/bedrock_logs.v2"


# --- metadata only: no prompt, response, image, embedding or video bodies -------------------------

FLAGS = ("textDataDeliveryEnabled", "imageDataDeliveryEnabled", "embeddingDataDeliveryEnabled",
         "videoDataDeliveryEnabled", "audioDataDeliveryEnabled")


def test_metadata_only_turns_every_body_delivery_off(aws: boto3.Session, api_calls: CallLog,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main([*ARGS, "--metadata-only"]) == 0
    config = aws.client("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]
    assert {flag: config.get(flag) for flag in FLAGS} == dict.fromkeys(FLAGS, False)  # each sent explicitly
    assert "metadata only" in capsys.readouterr().out
    api_calls.clear()
    assert enable_logging.main([*ARGS, "--no-bodies"]) == 0  # the alias, and idempotent
    assert api_calls.writes() == []
    assert enable_logging.main(ARGS) == 0  # back to text delivery: a deliberate choice, applied
    config = aws.client("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]
    assert config["textDataDeliveryEnabled"] is True


def test_metadata_only_with_a_body_flag_is_bad_input(aws: boto3.Session, api_calls: CallLog,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert enable_logging.main([*ARGS, "--metadata-only", "--image-delivery"]) == 2
    assert api_calls.calls == []
    assert capsys.readouterr().err.startswith("ERROR [InvalidInput]: --metadata-only")


def test_help_says_prompt_storage_is_a_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        enable_logging.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--metadata-only, --no-bodies" in text
    assert "prompts and responses" in text and "privacy" in text
