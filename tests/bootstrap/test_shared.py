"""The shared package: policy documents, model sources, the profile-map CSV, errors and tables."""

from __future__ import annotations

import io
import re
from pathlib import Path

import boto3
import botocore.parsers
import botocore.session
import pytest
from botocore.exceptions import ClientError

from bedrock_costs import enable_logging, policies
from bedrock_costs.arns import copy_from_arn, parse_model_source, unusable_from
from bedrock_costs.aws import retry_on
from bedrock_costs.cli import check_or_fail, describe_client_error
from bedrock_costs.permissions import IAM_ACTIONS
from bedrock_costs.profile_map import append_rows, pending_sources, read_profile_map, write_profile_arn
from bedrock_costs.tables import table

from .conftest import CallLog

ACCOUNT, REGION = "111122223333", "eu-west-1"
ROOT = Path(__file__).resolve().parents[2]
CONDITIONS = {
    "StringEquals": {"aws:SourceAccount": ACCOUNT},
    "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:*"},
}


def test_bucket_statement_lets_only_bedrock_put_log_objects() -> None:
    statement = policies.bucket_statement("logs-bucket", "/team/bedrock/", REGION, ACCOUNT)
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert statement["Action"] == "s3:PutObject"
    assert statement["Resource"] == (
        f"arn:aws:s3:::logs-bucket/team/bedrock/AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/*"
    )
    assert statement["Condition"] == CONDITIONS


def test_bucket_statement_without_prefix_has_no_leading_slash() -> None:
    resource = policies.bucket_statement("b-1", "", REGION, ACCOUNT)["Resource"]
    assert resource == f"arn:aws:s3:::b-1/AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/*"


def test_trust_statement_and_role_policy() -> None:
    trust = policies.trust_statement(REGION, ACCOUNT)
    assert (trust["Principal"], trust["Action"], trust["Condition"]) == (
        {"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole", CONDITIONS)
    permissions = policies.role_policy(REGION, ACCOUNT, "/aws/bedrock/invocations")
    [statement] = permissions["Statement"]
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == (
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/bedrock/invocations:log-stream:aws/bedrock/modelinvocations"
    )
    assert "Principal" not in statement and "Condition" not in statement


def test_kms_statement() -> None:
    statement = policies.kms_statement(REGION, ACCOUNT)
    assert (statement["Principal"], statement["Action"], statement["Resource"], statement["Condition"]) == (
        {"Service": "bedrock.amazonaws.com"}, "kms:GenerateDataKey", "*", CONDITIONS)


def test_merge_keeps_other_statements_and_replaces_its_own() -> None:
    other = {"Sid": "Other", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    stale = {**policies.bucket_statement("b-1", "old", REGION, ACCOUNT)}
    merged = policies.merge_statement({"Version": "2012-10-17", "Statement": [other, stale]},
                                      policies.bucket_statement("b-1", "new", REGION, ACCOUNT))
    assert merged["Statement"][0] == other
    assert len(merged["Statement"]) == 2
    assert "/new/AWSLogs/" in merged["Statement"][1]["Resource"]


def test_has_statement_ignores_list_form_order_and_sid() -> None:
    wanted = policies.role_policy(REGION, ACCOUNT, "g")["Statement"][0]
    as_aws_returns = {**wanted, "Sid": "Renamed", "Action": list(reversed(wanted["Action"])),
                      "Resource": [wanted["Resource"]]}
    assert policies.has_statement({"Statement": as_aws_returns}, wanted)
    assert not policies.has_statement({"Statement": [{**wanted, "Resource": "*"}]}, wanted)
    assert not policies.has_statement(None, wanted)


@pytest.mark.parametrize(
    ("model_source", "copy_from"),
    [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0",
         "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0",
         "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0"),
        ("amazon.nova-pro-v1:0", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"),
        ("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
         "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"),
    ],
)
def test_copy_from_is_resolved_in_the_region_and_account(model_source: str, copy_from: str) -> None:
    assert copy_from_arn(parse_model_source(model_source), "us-east-1", "123456789012") == copy_from


@pytest.mark.parametrize("model_source", ["gpt-4", "xx.anthropic.claude-v2", "", "claude sonnet",
                                          "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc"])
def test_unknown_model_source_is_rejected(model_source: str) -> None:
    with pytest.raises(ValueError, match="model_source"):
        parse_model_source(model_source)


@pytest.mark.parametrize(
    ("model_source", "region", "usable"),
    [("us.m.x-v1:0", "us-west-2", True), ("us.m.x-v1:0", "eu-west-1", False), ("eu.m.x-v1:0", "eu-central-1", True),
     ("jp.m.x-v1:0", "ap-northeast-1", True), ("global.m.x-v1:0", "ap-south-1", True),
     ("arn:aws:bedrock:us-west-2::foundation-model/m.x-v1:0", "us-east-1", False)],
)
def test_geography_of_system_profiles(model_source: str, region: str, usable: bool) -> None:
    assert (unusable_from(parse_model_source(model_source), region) is None) is usable


MAP_TEXT = (
    'profile_name,profile_arn,app,team,cost_center,environment,model_source,tag_owner,notes\r\n'
    'done,arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa,a,t,CC-1,prod,'
    'amazon.nova-pro-v1:0,alice,"quoted, with comma"\r\n'
    '\r\n'
    'todo,,b,t,CC-2,prod,us.anthropic.claude-sonnet-4-5-20250929-v1:0,bob,"multi\r\nline"\r\n'
    'last,,c,t,CC-3,dev,amazon.nova-pro-v1:0,,no newline at end'
)


def test_write_back_changes_only_the_arn_of_that_row(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_bytes(MAP_TEXT.encode())
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bbbbbbbbbbbb"
    write_profile_arn(path, "todo", arn)
    assert path.read_bytes().decode() == MAP_TEXT.replace("todo,,", f"todo,{arn},")
    write_profile_arn(path, "last", arn)
    assert path.read_bytes().decode().endswith(f"last,{arn},c,t,CC-3,dev,amazon.nova-pro-v1:0,,no newline at end")


def test_read_and_append_keep_columns(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_bytes(MAP_TEXT.encode())
    profile_map = read_profile_map(path)
    assert [row.name for row in profile_map.rows] == ["done", "todo", "last"]
    assert profile_map.rows[1].tags() == {"app": "b", "team": "t", "cost_center": "CC-2", "environment": "prod",
                                          "owner": "bob"}
    append_rows(path, [{"profile_name": "new", "app": "n", "tag_owner": "carol", "unknown": "dropped"}])
    text = path.read_bytes().decode()
    assert text.startswith(MAP_TEXT + "\r\n")
    assert text.endswith("new,,n,,,,,carol,\r\n")


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [("x" * 65, "amazon.nova-pro-v1:0", "at most 64"), ("bad/name", "amazon.nova-pro-v1:0", r"\(\[0-9a-zA-Z\]"),
     ("double--dash", "amazon.nova-pro-v1:0", "profile_name"), ("ok", "gpt-4", "unknown model_source")],
)
def test_pending_rows_are_checked(tmp_path: Path, name: str, source: str, message: str) -> None:
    path = tmp_path / "map.csv"
    path.write_text(f"profile_name,profile_arn,app,team,cost_center,environment,model_source\n"
                    f"{name},,a,t,c,prod,{source}\n")
    with pytest.raises(ValueError, match=message):
        pending_sources(read_profile_map(path))


def test_access_denied_names_the_iam_action() -> None:
    error = ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "PutBucketEncryption")
    code, message = describe_client_error(error)
    assert code == "AccessDenied"
    assert "s3:PutEncryptionConfiguration" in message and "PutBucketEncryption" in message


def test_retry_on_retries_only_the_codes_named() -> None:
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "role"}}, "Put")
        return "ok"

    assert retry_on(flaky, ("ValidationException",), sleep=lambda _: None) == "ok"
    assert len(attempts) == 3

    def throttled() -> str:
        attempts.append(1)
        raise ClientError({"Error": {"Code": "Throttling", "Message": ""}}, "Put")

    with pytest.raises(ClientError):
        retry_on(throttled, ("ValidationException",), sleep=lambda _: None)
    assert len(attempts) == 4


def test_table_columns_are_aligned() -> None:
    out = io.StringIO()
    print(table(("a", "status"), [("long item", "ok"), ("x", "already configured")]), file=out)
    lines = out.getvalue().splitlines()
    assert [line.index("status") if i == 0 else None for i, line in enumerate(lines[:1])] == [11]
    assert lines[2].startswith("long item  ok") and lines[3].startswith("x          already configured")


def test_onboarding_doc_lists_every_iam_action() -> None:
    doc = (ROOT / "docs" / "onboarding.md").read_text()
    actions = {action for needed in IAM_ACTIONS.values() for action in needed}
    assert sorted(a for a in actions if not re.search(re.escape(a) + r"\b", doc)) == []


# --- bucket-policy statements that let someone other than this account and Bedrock in -------------

OWN = policies.bucket_statement("logs-bucket", "bedrock", REGION, ACCOUNT)
OTHER_ACCOUNT = "444455556666"


def _allow(principal: object, action: object = "s3:GetObject", **extra: object) -> dict[str, object]:
    return {"Effect": "Allow", "Principal": principal, "Action": action,
            "Resource": "arn:aws:s3:::logs-bucket/*", **extra}


@pytest.mark.parametrize(
    ("statement", "code", "words"),
    [
        (_allow("*", Sid="PublicRead"), "PublicBucketPolicy", ["everyone"]),
        (_allow({"AWS": "*"}), "PublicBucketPolicy", ["everyone"]),
        (_allow({"AWS": ["*"]}, "s3:PutObject"), "PublicBucketPolicy", ["everyone"]),
        ({"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "s3:*",
          "Resource": "*"}, "PublicBucketPolicy", ["NotPrincipal"]),
        (_allow({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}, "s3:PutObject"), "ForeignPrincipal", [OTHER_ACCOUNT]),
        (_allow({"AWS": OTHER_ACCOUNT}), "ForeignPrincipal", [OTHER_ACCOUNT]),
        (_allow({"AWS": [f"arn:aws:iam::{ACCOUNT}:role/reader", f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/r/s"]}),
         "ForeignPrincipal", [OTHER_ACCOUNT]),
        (_allow({"AWS": "AROAEXAMPLEUNIQUEID"}), "ForeignPrincipal", ["AROAEXAMPLEUNIQUEID"]),
        (_allow({"Federated": "cognito-identity.amazonaws.com"}), "ForeignPrincipal", ["cognito-identity"]),
        (_allow({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}), "ForeignPrincipal", ["CanonicalUser"]),
        (_allow({"Service": "logging.s3.amazonaws.com"}, "s3:PutObject"), "ForeignPrincipal",
         ["logging.s3.amazonaws.com"]),
        ({**OWN, "Condition": {}}, "UnguardedService", ["aws:SourceAccount"]),
        ({**OWN, "Condition": {"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT},
                               "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{REGION}:{OTHER_ACCOUNT}:*"}}},
         "UnguardedService", [OTHER_ACCOUNT]),
        ({**OWN, "Action": ["s3:PutObject", "s3:GetObject"]}, "ForeignPrincipal", ["s3:GetObject"]),
    ],
)
def test_statements_that_let_others_in_are_found(statement: dict[str, object], code: str, words: list[str]) -> None:
    other = {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    [finding] = policies.risky_statements({"Statement": [other, OWN, statement]}, ACCOUNT)
    assert (finding.index, finding.code, finding.statement) == (3, code, statement)
    assert finding.label == (f"statement 3 (Sid {statement['Sid']})" if "Sid" in statement else "statement 3 (no Sid)")
    assert all(word in finding.reason for word in words), finding.reason


@pytest.mark.parametrize(
    "statement",
    [
        OWN,
        policies.bucket_statement("logs-bucket", "old-prefix", REGION, ACCOUNT),  # an earlier prefix: still Bedrock
        {**OWN, "Condition": {"StringEquals": {"AWS:SourceAccount": [ACCOUNT]},  # keys are case-insensitive
                              "ArnLike": {"aws:sourcearn": [f"arn:aws:bedrock:{REGION}:{ACCOUNT}:*"]}}},
        _allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/analytics"}),
        _allow({"AWS": [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"]}, "s3:*"),
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
    ],
)
def test_the_owner_bedrock_and_deny_statements_are_not_risks(statement: dict[str, object]) -> None:
    assert policies.risky_statements({"Statement": statement}, ACCOUNT) == []
    assert policies.risky_statements(None, ACCOUNT) == []


def test_without_statements_removes_exactly_the_ones_named() -> None:
    public, partner = _allow("*", Sid="PublicRead"), _allow({"AWS": OTHER_ACCOUNT}, Sid="Partner")
    policy = {"Version": "2012-10-17", "Id": "keep-me", "Statement": [public, OWN, partner]}
    findings = policies.risky_statements(policy, ACCOUNT)
    assert policies.without_statements(policy, findings) == {"Version": "2012-10-17", "Id": "keep-me",
                                                             "Statement": [OWN]}
    assert policy["Statement"] == [public, OWN, partner]  # the input is left as it was


# --- AWS errors print as one clean line ----------------------------------------------------------

HTML_BODY = (b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title>\n<style>body { color: red }</style>"
             b"</head>\n<body>\n<h1>502   Bad Gateway</h1>\n<p>The proxy &amp; the server\n   said no.</p>\n"
             + b"<p>more text</p>\n" * 200 + b"<!-- a comment --></body>\n</html>\n")


def html_error(service: str, operation: str, status: int = 502) -> ClientError:
    """The ClientError botocore itself builds when an endpoint answers with an HTML page (a proxy, an emulator)."""
    model = botocore.session.get_session().get_service_model(service)
    parsed = botocore.parsers.create_parser(model.metadata["protocol"]).parse(
        {"status_code": status, "headers": {"content-type": "text/html"}, "body": HTML_BODY}, None)
    return ClientError(parsed, operation)  # type: ignore[arg-type]


def test_botocore_passes_an_html_body_through_as_the_message() -> None:
    """The premise of the next tests: JSON-protocol services hand the raw page to us."""
    message = html_error("bedrock", "GetModelInvocationLoggingConfiguration").response["Error"]["Message"]
    assert message.startswith("<!DOCTYPE html>\n<html>") and message.count("\n") > 200


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("- ")]  # progress lines start "- "


def test_an_html_error_prints_as_one_clean_capped_line(aws: boto3.Session, api_calls: CallLog,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    api_calls.failures["GetModelInvocationLoggingConfiguration"] = html_error(
        "bedrock", "GetModelInvocationLoggingConfiguration")
    assert enable_logging.main(["--bucket", "bedrock-logs-test", "--region", "us-east-1"]) == 1
    [line] = _error_lines(capsys.readouterr().err)
    assert line.startswith("ERROR [502]: GetModelInvocationLoggingConfiguration failed: 502 Bad Gateway 502 Bad "
                           "Gateway The proxy & the server said no. more text more text")
    assert not re.search(r"[<>]|&amp;|\s{2,}|color: red|a comment", line), line
    assert len(line) <= 300 and line.endswith("...")


def test_an_html_access_denied_still_names_the_permission(aws: boto3.Session, api_calls: CallLog,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    api_calls.failures["PutModelInvocationLoggingConfiguration"] = html_error(
        "bedrock", "PutModelInvocationLoggingConfiguration", status=403)
    assert enable_logging.main(["--bucket", "bedrock-logs-test", "--region", "us-east-1"]) == 1
    [line] = _error_lines(capsys.readouterr().err)
    assert line.startswith("ERROR [AccessDenied]: PutModelInvocationLoggingConfiguration was denied: grant the "
                           "operator bedrock:PutModelInvocationLoggingConfiguration and iam:PassRole; AWS said: "
                           "502 Bad Gateway")  # the page's own text, whatever the status
    assert "<" not in line and len(line) <= 400


def test_a_check_that_fails_with_html_is_a_clean_fail_line() -> None:
    result = check_or_fail("tail", lambda: (_ for _ in ()).throw(html_error("logs", "FilterLogEvents")))
    [failed] = result
    assert failed.status == "FAIL" and failed.detail.startswith("[502] FilterLogEvents failed: 502 Bad Gateway")
    assert "\n" not in failed.detail and "<" not in failed.detail and len(failed.detail) <= 300
