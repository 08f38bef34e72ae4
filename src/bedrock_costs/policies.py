"""The IAM, S3 and KMS policy documents Bedrock invocation logging needs, and how to merge them.

Every document is built here once; enable_logging writes them and validate checks them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
# What Bedrock may do in the log bucket (the user guide's statement grants just this).
BEDROCK_BUCKET_ACTIONS = frozenset({"s3:putobject"})
_ACCOUNT_ID = re.compile(r"\d{12}")
_IAM_PRINCIPAL = re.compile(r"arn:aws[a-z-]*:(?:iam|sts)::(?P<account>\d{12}):.+")
_BEDROCK_SOURCE_ARN = re.compile(r"arn:aws[a-z-]*:bedrock:[a-z0-9-]*:(?P<account>\d{12}):.*")


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


# --- who a bucket policy lets in -----------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """A bucket-policy statement that lets someone other than the bucket's account and Bedrock in."""

    index: int  # 1-based position in the policy's Statement list
    sid: str | None
    code: str  # PublicBucketPolicy, ForeignPrincipal or UnguardedService
    reason: str  # what it grants to whom, and why that is a risk
    statement: Statement

    @property
    def label(self) -> str:
        """``statement 2 (Sid PublicRead)``, or ``statement 2 (no Sid)``."""
        return f"statement {self.index} " + (f"(Sid {self.sid})" if self.sid else "(no Sid)")


_SEVERITY = ("PublicBucketPolicy", "ForeignPrincipal", "UnguardedService")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _conditions(statement: Statement) -> dict[str, list[str]]:
    """Condition key (lower case, as IAM compares them) -> its values, over the operators that pin a value."""
    pinned: dict[str, list[str]] = {}
    for operator, keys in (statement.get("Condition") or {}).items():
        if operator.lower() in ("stringequals", "arnequals", "arnlike") and isinstance(keys, dict):
            for key, values in keys.items():
                pinned.setdefault(key.lower(), []).extend(str(value) for value in _as_list(values))
    return pinned


def _bedrock_guard_problem(statement: Statement, account_id: str) -> str | None:
    """Why a bedrock.amazonaws.com grant is not limited to this account's Bedrock (None when it is)."""
    pinned = _conditions(statement)
    accounts = pinned.get("aws:sourceaccount", [])
    source_arns = pinned.get("aws:sourcearn", [])
    arn_accounts = [match["account"] if (match := _BEDROCK_SOURCE_ARN.fullmatch(arn)) else arn for arn in source_arns]
    if accounts != [account_id] or not arn_accounts or any(found != account_id for found in arn_accounts):
        named = sorted({*accounts, *arn_accounts} - {account_id})
        whose = f"Bedrock acting for {', '.join(named)}" if named else "Bedrock acting for any account"
        return (f"grants bedrock.amazonaws.com without aws:SourceAccount {account_id} and an aws:SourceArn of "
                f"this account: {whose} could write here (the confused-deputy problem)")
    return None


def _grant_risks(statement: Statement, account_id: str) -> list[tuple[str, str]]:
    """(code, reason) for each principal outside the account that an Allow statement lets in."""
    actions = _as_list(statement.get("Action"))
    what = ", ".join(map(str, actions)) if actions else "every action but " + ", ".join(
        map(str, _as_list(statement.get("NotAction"))))
    if "NotPrincipal" in statement:
        return [("PublicBucketPolicy", f"grants {what} to everyone but the principals it names (Allow with "
                                       "NotPrincipal): anyone on the internet can use it")]
    principal = statement.get("Principal")
    entries = [("AWS", value) for value in _as_list(principal)] if not isinstance(principal, dict) else [
        (kind, value) for kind, values in principal.items() for value in _as_list(values)]
    risks: list[tuple[str, str]] = []
    for kind, value in entries:
        if value == "*":
            risks.append(("PublicBucketPolicy", f"grants {what} to everyone (Principal \"*\"): anyone on the "
                                                "internet can use it on the invocation logs, which hold the prompts "
                                                "unless logging is metadata only"))
        elif kind == "AWS":
            match = _IAM_PRINCIPAL.fullmatch(str(value))
            owner = match["account"] if match else value if _ACCOUNT_ID.fullmatch(str(value)) else None
            if owner is None:
                risks.append(("ForeignPrincipal", f"grants {what} to {value}, which is no principal of account "
                                                  f"{account_id} (a deleted role's id, or another account)"))
            elif owner != account_id:
                risks.append(("ForeignPrincipal", f"grants {what} to account {owner}: another account can use "
                                                  "it on your invocation logs (read them, or write forged records)"))
        elif kind == "Service" and value == BEDROCK_SERVICE:
            extra = [a for a in map(str, actions) if a.lower() not in BEDROCK_BUCKET_ACTIONS] or (
                [] if actions else ["NotAction"])
            problem = _bedrock_guard_problem(statement, account_id)
            if problem:
                risks.append(("UnguardedService", problem))
            elif extra:
                risks.append(("ForeignPrincipal", f"grants bedrock.amazonaws.com {', '.join(extra)}: Bedrock "
                                                  "needs only s3:PutObject"))
        else:
            risks.append(("ForeignPrincipal", f"grants {what} to {kind} principal {value}: only account "
                                              f"{account_id} and {BEDROCK_SERVICE} need this bucket"))
    return risks


def risky_statements(policy: Policy | None, account_id: str) -> list[Finding]:
    """The Allow statements of a bucket policy that let in anyone but ``account_id``'s own principals and
    bedrock.amazonaws.com acting for this account: everyone (``*``), other accounts, other services, and
    Bedrock without the ``aws:SourceAccount``/``aws:SourceArn`` guard. Deny statements never let anyone in."""
    findings: list[Finding] = []
    for index, statement in enumerate(statements(policy), start=1):
        if statement.get("Effect") != "Allow":
            continue
        risks = _grant_risks(statement, account_id)
        if risks:
            sid = statement.get("Sid")
            code = min((code for code, _ in risks), key=_SEVERITY.index)  # the worst, when principals differ
            findings.append(Finding(index, str(sid) if sid else None, code,
                                    "; ".join(dict.fromkeys(reason for _, reason in risks)), statement))
    return findings


def without_statements(policy: Policy, findings: Sequence[Finding]) -> Policy:
    """A copy of ``policy`` without the statements ``findings`` name; every other key and statement kept."""
    dropped = {finding.index for finding in findings}
    kept = [found for index, found in enumerate(statements(policy), start=1) if index not in dropped]
    return {**policy, "Statement": kept}
