"""The IAM, S3 and KMS policy documents Bedrock invocation logging needs, and how to merge them.

Every document is built here once; enable_logging writes them and validate checks them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bedrock_costs.arns import bedrock_source_arn, log_stream_arn, s3_object_arn

Policy = dict[str, Any]
Statement = dict[str, Any]

BEDROCK_SERVICE = "bedrock.amazonaws.com"
LOG_STREAM = "aws/bedrock/modelinvocations"
BUCKET_STATEMENT_SID = "AmazonBedrockInvocationLogsWrite"
KMS_STATEMENT_SID = "AmazonBedrockInvocationLogsEncrypt"
TRUST_STATEMENT_SID = "AmazonBedrockInvocationLogsAssume"
ROLE_POLICY_NAME = "BedrockInvocationLogsToCloudWatch"


def document(statements: list[Statement]) -> Policy:
    """A policy document holding ``statements``."""
    return {"Version": "2012-10-17", "Statement": statements}


def source_conditions(region: str, account_id: str) -> dict[str, dict[str, str]]:
    """The confused-deputy guard: only Bedrock acting for this account and region."""
    return {
        "StringEquals": {"aws:SourceAccount": account_id},
        "ArnLike": {"aws:SourceArn": bedrock_source_arn(region, account_id)},
    }


def log_key_pattern(prefix: str, account_id: str) -> str:
    """``<prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/*`` (no leading slash without a prefix)."""
    head = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    return f"{head}AWSLogs/{account_id}/BedrockModelInvocationLogs/*"


def _bedrock_may(sid: str, action: str, region: str, account_id: str, resource: str | None) -> Statement:
    """Allow ``bedrock.amazonaws.com`` one action, only when acting for this account and region."""
    statement: Statement = {"Sid": sid, "Effect": "Allow", "Principal": {"Service": BEDROCK_SERVICE}, "Action": action}
    if resource is not None:
        statement["Resource"] = resource
    statement["Condition"] = source_conditions(region, account_id)
    return statement


def bucket_statement(bucket: str, prefix: str, region: str, account_id: str) -> Statement:
    """Bucket-policy statement: only Bedrock, for this account and region, puts log objects under the prefix."""
    resource = s3_object_arn(region, bucket, log_key_pattern(prefix, account_id))
    return _bedrock_may(BUCKET_STATEMENT_SID, "s3:PutObject", region, account_id, resource)


def kms_statement(region: str, account_id: str) -> Statement:
    """Key-policy statement letting Bedrock encrypt the log objects it writes with SSE-KMS."""
    return _bedrock_may(KMS_STATEMENT_SID, "kms:GenerateDataKey", region, account_id, "*")


def trust_statement(region: str, account_id: str) -> Statement:
    """Trust-policy statement: Bedrock may assume the role, for this account and region only."""
    return _bedrock_may(TRUST_STATEMENT_SID, "sts:AssumeRole", region, account_id, None)


def role_policy(region: str, account_id: str, log_group: str) -> Policy:
    """The role's inline policy: create and write the one Bedrock stream of the log group."""
    return document(
        [
            {
                "Sid": "WriteBedrockInvocationLogStream",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": log_stream_arn(region, account_id, log_group, LOG_STREAM),
            }
        ]
    )


def parse_policy(value: str | Mapping[str, Any] | None) -> Policy | None:
    """A policy as a dict, whether AWS returned a JSON string, a dict or nothing."""
    if value is None or value == "":
        return None
    parsed: Policy = json.loads(value) if isinstance(value, str) else dict(value)
    return parsed


def statements(policy: Policy | None) -> list[Statement]:
    """The statements of a policy as a list (AWS allows a lone object)."""
    if not policy:
        return []
    found = policy.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def canonical(value: Any) -> Any:
    """A form that compares equal for equivalent policies: sorted keys, sorted lists, 1-lists unwrapped."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        items = sorted((canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
        return items[0] if len(items) == 1 else items
    return value


def _without_sid(statement: Statement) -> Statement:
    return {key: value for key, value in statement.items() if key != "Sid"}


def has_statement(policy: Policy | None, wanted: Statement) -> bool:
    """True when ``policy`` holds a statement equivalent to ``wanted`` (the Sid may differ)."""
    target = canonical(_without_sid(wanted))
    return any(canonical(_without_sid(found)) == target for found in statements(policy))


def merge_statement(policy: Policy | None, wanted: Statement) -> Policy:
    """``policy`` with ``wanted`` in place of any statement with its Sid; all others are kept."""
    kept = [found for found in statements(policy) if found.get("Sid") != wanted["Sid"]]
    merged = dict(policy or {})
    merged.setdefault("Version", "2012-10-17")
    merged["Statement"] = [*kept, wanted]
    return merged


def same_policy(current: Policy | None, desired: Policy) -> bool:
    """True when two whole policy documents are equivalent."""
    return current is not None and canonical(current) == canonical(desired)
