"""Turn on Bedrock model-invocation logging to S3 and CloudWatch Logs, with least-privilege policies.

    bedrock-costs enable-logging --bucket NAME [--prefix P] [--kms-key ARN] [--metadata-only] [--fix] [--dry-run]

Each step reads the current state, compares it with the wanted one and writes only the difference,
so a second run changes nothing and a run stopped part-way finishes when run again.

Prompts are a privacy choice. By default Bedrock logs the text of every prompt and response, which
can hold personal or confidential data. --metadata-only logs no body at all (text, image, embedding,
video and audio delivery off); cost attribution needs only the metadata.

Bucket-policy statements that let anyone but this account and Bedrock in (everyone, another account,
another service) are listed with the risk they pose, and kept; --fix removes exactly those.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bedrock_costs import inputs, readers
from bedrock_costs.arns import iam_role_arn
from bedrock_costs.aws import Target, get_or_none, retry_on
from bedrock_costs.cli import ExitCode, command_parser, finish, open_target, run_guarded
from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.policies import (
    ROLE_POLICY_NAME,
    Finding,
    Policy,
    bucket_statement,
    canonical,
    document,
    has_statement,
    kms_statement,
    merge_statement,
    risky_statements,
    role_policy,
    same_policy,
    trust_statement,
    without_statements,
)
from bedrock_costs.results import ALREADY, Result, converge, progress

if TYPE_CHECKING:
    from mypy_boto3_bedrock.type_defs import LoggingConfigTypeDef, S3ConfigTypeDef
    from mypy_boto3_s3.literals import ObjectOwnershipType
    from mypy_boto3_s3.type_defs import PublicAccessBlockConfigurationTypeDef, ServerSideEncryptionRuleTypeDef

_PUBLIC_ACCESS_BLOCK: PublicAccessBlockConfigurationTypeDef = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
_OWNERSHIP: ObjectOwnershipType = "BucketOwnerEnforced"
_IAM_PROPAGATION_ERRORS = ("ValidationException", "AccessDeniedException")
EXIT_CODES: dict[int, str] = {
    ExitCode.OK: "configured (with --dry-run: planned, nothing left for you to decide)",
    ExitCode.FAILED: "a step failed (an ERROR line says which), or needs you: a bucket-policy statement that "
                     "lets others in was kept (rerun with --fix), or a KMS key policy to change",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C): every step is idempotent, so rerun to finish",
}


@dataclass(frozen=True)
class Settings:
    """The validated command line."""

    bucket: str
    prefix: str
    log_group: str
    role_name: str
    retention_days: int
    kms_key: str | None
    update_key_policy: bool
    image: bool
    embedding: bool
    video: bool
    metadata_only: bool
    fix: bool
    dry_run: bool


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("enable-logging", __doc__, exit_codes=EXIT_CODES)
    parser.add_argument("--bucket", required=True, help="S3 bucket for the logs (created if missing)")
    parser.add_argument("--prefix", default="", help="S3 key prefix (default: none); letters, digits and / _ . -")
    parser.add_argument("--log-group", default="/aws/bedrock/invocations",
                        help="CloudWatch log group Bedrock writes to (default %(default)s)")
    parser.add_argument("--role-name", default="BedrockInvocationLoggingRole",
                        help="IAM role Bedrock assumes to write that group (default %(default)s)")
    parser.add_argument("--retention-days", type=int, default=90,
                        help="days CloudWatch keeps the log events (default %(default)s)")
    parser.add_argument("--kms-key", help="KMS key ARN for SSE-KMS (default: SSE-S3)")
    parser.add_argument("--update-key-policy", action="store_true",
                        help="add the Bedrock statement to the KMS key policy (else print it)")
    parser.add_argument("--metadata-only", "--no-bodies", action="store_true", dest="metadata_only",
                        help="log no prompts and responses, nor image, embedding, video or audio bodies: only each "
                             "call's metadata. Storing prompts and responses is a privacy choice (they can hold "
                             "personal or confidential data), and cost attribution does not need them")
    parser.add_argument("--image-delivery", action="store_true", help="log image bodies")
    parser.add_argument("--embedding-delivery", action="store_true", help="log embedding bodies")
    parser.add_argument("--video-delivery", action="store_true", help="log video bodies")
    parser.add_argument("--fix", action="store_true",
                        help="remove the bucket-policy statements that let in anyone but this account and Bedrock "
                             "(listed, and kept, without it); with --dry-run, show what would go")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    """Validate the command line (no AWS call)."""
    if args.metadata_only and (args.image_delivery or args.embedding_delivery or args.video_delivery):
        raise InputError("--metadata-only logs no body, so it goes without --image-delivery, --embedding-delivery "
                         "and --video-delivery")
    return Settings(
        bucket=inputs.bucket_name(args.bucket),
        prefix=inputs.key_prefix(args.prefix),
        log_group=inputs.log_group_name(args.log_group),
        role_name=inputs.role_name(args.role_name),
        retention_days=inputs.retention_days(args.retention_days),
        kms_key=args.kms_key,
        update_key_policy=args.update_key_policy,
        image=args.image_delivery,
        embedding=args.embedding_delivery,
        video=args.video_delivery,
        metadata_only=args.metadata_only,
        fix=args.fix,
        dry_run=args.dry_run,
    )


def _marker(found: Any) -> bool | None:
    """True when something exists, None when it does not (the 'current' of a create step)."""
    return None if found is None else True


def ensure_bucket(target: Target, s: Settings) -> tuple[Result, bool]:
    """The bucket, in the target region; returns whether it exists now."""
    region = readers.bucket_region(target, s.bucket)
    if region is not None and region != target.region:
        raise SetupError("BucketRegion", f"bucket {s.bucket} is in {region}; Bedrock needs it in {target.region}: "
                                         f"choose another --bucket, or run with --region {region}")
    request: dict[str, Any] = {"Bucket": s.bucket, "ObjectOwnership": _OWNERSHIP}
    if target.region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": target.region}
    result = converge(f"s3 bucket {s.bucket}", _marker(region), True,
                      lambda: target.client("s3").create_bucket(**request), s.dry_run)
    return result, region is not None or not s.dry_run


def _encryption_rule(s: Settings) -> ServerSideEncryptionRuleTypeDef:
    if s.kms_key:
        return {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": s.kms_key},
                "BucketKeyEnabled": True}
    return {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}


def _same_encryption(current: Mapping[str, Any] | None, desired: Mapping[str, Any]) -> bool:
    if current is None:
        return False
    keys = ("ApplyServerSideEncryptionByDefault", "BucketKeyEnabled") if "BucketKeyEnabled" in desired else (
        "ApplyServerSideEncryptionByDefault",)
    return all(canonical(current.get(key)) == canonical(desired.get(key)) for key in keys)


def ensure_bucket_settings(target: Target, s: Settings, exists: bool) -> list[Result]:
    """Public access blocked, ACLs disabled, default encryption, and the Bedrock bucket-policy statement."""
    s3 = target.client("s3")

    def read(call: Any, not_found: str, key: str) -> Any:
        found = get_or_none(call, (not_found, "NoSuchBucket"), Bucket=s.bucket) if exists else None
        return found[key] if found else None

    access = read(s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", "PublicAccessBlockConfiguration")
    ownership = read(s3.get_bucket_ownership_controls, "OwnershipControlsNotFoundError", "OwnershipControls")
    encryption = read(s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError",
                      "ServerSideEncryptionConfiguration")
    rule = _encryption_rule(s)
    return [
        converge("  block public access", access, _PUBLIC_ACCESS_BLOCK, lambda: s3.put_public_access_block(
            Bucket=s.bucket, PublicAccessBlockConfiguration=_PUBLIC_ACCESS_BLOCK), s.dry_run),
        converge("  object ownership (ACLs disabled)", ownership and ownership["Rules"][0]["ObjectOwnership"],
                 _OWNERSHIP, lambda: s3.put_bucket_ownership_controls(
                     Bucket=s.bucket, OwnershipControls={"Rules": [{"ObjectOwnership": _OWNERSHIP}]}), s.dry_run),
        converge("  default encryption", encryption and encryption["Rules"][0], rule,
                 lambda: s3.put_bucket_encryption(Bucket=s.bucket, ServerSideEncryptionConfiguration={"Rules": [rule]}),
                 s.dry_run, same=_same_encryption, detail="SSE-KMS" if s.kms_key else "SSE-S3"),
        *ensure_bucket_policy(target, s, readers.bucket_policy(target, s.bucket) if exists else None),
    ]


def print_findings(bucket: str, findings: list[Finding], s: Settings) -> None:
    """List the statements that let others in, each with its risk and its JSON, and what happens to them."""
    print(f"Statements in the bucket policy of {bucket} that let in more than this account and Bedrock:")
    for finding in findings:
        print(f"  {finding.label}: {finding.reason}")
        print(f"    {json.dumps(finding.statement)}")
    if not s.fix:
        print("They are kept: rerun with --fix to remove exactly these (--dry-run --fix shows the plan).")
    else:
        print("--fix " + ("would remove" if s.dry_run else "removes") + " exactly these; every other statement stays.")
    print()


def _finding_result(finding: Finding, s: Settings) -> Result:
    if not s.fix:
        result = Result(f"  {finding.label}", "kept: a risk",
                        f"[{finding.code}] {finding.reason}; rerun with --fix to remove it", failed=True)
    else:
        result = Result(f"  {finding.label}", "would remove" if s.dry_run else "removed", finding.reason, changed=True)
    progress(f"{finding.label}: {result.status}")
    return result


def ensure_bucket_policy(target: Target, s: Settings, policy: Policy | None) -> list[Result]:
    """Bedrock's statement in the bucket policy; statements that let others in are reported, and removed
    only with --fix. S3 refuses a policy that grants public access once BlockPublicPolicy is on, so
    Bedrock's statement cannot be added beside such a statement: that stops the run until --fix."""
    item = "  bucket policy: bedrock PutObject"
    statement = bucket_statement(s.bucket, s.prefix, target.region, target.account_id)
    findings = risky_statements(policy, target.account_id)
    if findings:
        print_findings(s.bucket, findings, s)
    public = [finding for finding in findings if finding.code == "PublicBucketPolicy"]
    if public and not s.fix and not has_statement(policy, statement):
        message = (f"the bucket policy of {s.bucket} {public[0].reason} ({public[0].label}); S3 refuses to add "
                   "Bedrock's statement to a policy that grants public access once public access is blocked: "
                   "rerun with --fix to remove it (--dry-run --fix shows the plan)")
        if not s.dry_run:
            raise SetupError("PublicBucketPolicy", message)
        return [Result(item, "action needed", message, failed=True), *(_finding_result(f, s) for f in findings)]
    removing = s.fix and bool(findings)
    kept = without_statements(policy, findings) if policy and removing else policy
    result = converge(item, policy, statement,
                      lambda: target.client("s3").put_bucket_policy(
                          Bucket=s.bucket, Policy=json.dumps(merge_statement(kept, statement))),
                      s.dry_run, same=lambda current, wanted: not removing and has_statement(current, wanted),
                      detail=statement["Resource"])
    return [result, *(_finding_result(finding, s) for finding in findings)]


def ensure_key_policy(target: Target, s: Settings) -> list[Result]:
    """The KMS key policy lets Bedrock encrypt the log objects, or the statement to add is printed."""
    key = s.kms_key
    if not key:
        return []
    item = "kms key policy: bedrock GenerateDataKey"
    current = readers.key_policy(target, key)
    wanted = kms_statement(target.region, target.account_id)
    if has_statement(current, wanted) or s.update_key_policy:
        return [converge(item, current, wanted, lambda: target.client("kms").put_key_policy(
            KeyId=key, PolicyName="default", Policy=json.dumps(merge_statement(current, wanted))),
            s.dry_run, same=has_statement)]
    print(f"Add this statement to the key policy of {s.kms_key} (KMS grants cannot name a service principal):")
    print(json.dumps(wanted, indent=2))
    message = "add the statement printed above to the key policy, or rerun with --update-key-policy (kms:PutKeyPolicy)"
    if not s.dry_run:
        raise SetupError("KmsKeyPolicy", f"{s.kms_key} does not let bedrock.amazonaws.com use it: {message}")
    return [Result(item, "action needed", message, failed=True)]


def ensure_log_group(target: Target, s: Settings) -> list[Result]:
    """The log group and its retention."""
    logs = target.client("logs")
    group = readers.log_group(target, s.log_group)
    return [
        converge(f"log group {s.log_group}", _marker(group), True,
                 lambda: logs.create_log_group(logGroupName=s.log_group), s.dry_run),
        converge("  retention", group and group.get("retentionInDays"), s.retention_days,
                 lambda: logs.put_retention_policy(logGroupName=s.log_group, retentionInDays=s.retention_days),
                 s.dry_run, detail=f"{s.retention_days} days"),
    ]


def ensure_role(target: Target, s: Settings) -> list[Result]:
    """The role Bedrock assumes to write to CloudWatch: its trust and its one inline policy."""
    iam = target.client("iam")
    trust = trust_statement(target.region, target.account_id)
    current = readers.role(target, s.role_name)
    permissions = role_policy(target.region, target.account_id, s.log_group)
    results = [converge(f"iam role {s.role_name}", _marker(current), True, lambda: iam.create_role(
        RoleName=s.role_name, AssumeRolePolicyDocument=json.dumps(document([trust])),
        Description="Lets Amazon Bedrock write model-invocation logs to CloudWatch Logs"), s.dry_run)]
    if current is not None:
        trusted = current["AssumeRolePolicyDocument"]
        results.append(converge("  trust: bedrock.amazonaws.com", trusted, trust, lambda: iam.update_assume_role_policy(
            RoleName=s.role_name, PolicyDocument=json.dumps(merge_statement(trusted, trust))),
            s.dry_run, same=has_statement))
    inline = readers.role_inline_policy(target, s.role_name, ROLE_POLICY_NAME) if current else None
    results.append(converge(f"  inline policy {ROLE_POLICY_NAME}", inline, permissions, lambda: iam.put_role_policy(
        RoleName=s.role_name, PolicyName=ROLE_POLICY_NAME, PolicyDocument=json.dumps(permissions)),
        s.dry_run, same=same_policy, detail="logs:CreateLogStream, logs:PutLogEvents"))
    return results


def desired_logging_config(target: Target, s: Settings, current: Mapping[str, Any] | None) -> LoggingConfigTypeDef:
    """The logging configuration: S3 and CloudWatch (large bodies to S3); text on and media per flag, or,
    metadata only, every body off. Each flag is sent, false ones too: Bedrock has been seen to turn on a
    flag left out of the request (hashicorp/terraform-provider-aws#41312)."""
    s3_config: S3ConfigTypeDef = {"bucketName": s.bucket, "keyPrefix": s.prefix}
    config: LoggingConfigTypeDef = {
        "s3Config": s3_config,
        "cloudWatchConfig": {
            "logGroupName": s.log_group,
            "roleArn": iam_role_arn(target.region, target.account_id, s.role_name),
            "largeDataDeliveryS3Config": s3_config,
        },
        "textDataDeliveryEnabled": not s.metadata_only,
        "imageDataDeliveryEnabled": s.image,
        "embeddingDataDeliveryEnabled": s.embedding,
        "videoDataDeliveryEnabled": s.video,
    }
    if s.metadata_only:
        config["audioDataDeliveryEnabled"] = False
    elif current and "audioDataDeliveryEnabled" in current:  # not ours to change
        config["audioDataDeliveryEnabled"] = current["audioDataDeliveryEnabled"]
    return config


def _normalised(config: Any) -> Any:
    """Equivalent configurations compare equal: false flags and empty prefixes dropped."""
    if not isinstance(config, dict):
        return config
    return canonical({k: _normalised(v) for k, v in config.items() if v not in (False, "", None, {})})


def ensure_logging_config(target: Target, s: Settings, role_changed: bool) -> Result:
    """put_model_invocation_logging_configuration, retried while a new role propagates."""
    bedrock = target.client("bedrock")
    current = readers.logging_config(target)
    desired = desired_logging_config(target, s, current)
    attempts = 8 if role_changed else 1

    def write() -> Any:
        return retry_on(lambda: bedrock.put_model_invocation_logging_configuration(loggingConfig=desired),
                        _IAM_PROPAGATION_ERRORS, attempts=attempts)

    was = (current or {}).get("s3Config", {}).get("bucketName")
    where = f"was s3://{was}" if was and was != s.bucket else f"s3://{s.bucket}/{s.prefix} + {s.log_group}"
    detail = f"{where}; " + ("metadata only, no bodies" if s.metadata_only else "text bodies (prompts) logged")
    return converge("bedrock invocation logging", current, desired, write, s.dry_run,
                    same=lambda a, b: _normalised(a) == _normalised(b), detail=detail)


def enable_logging(target: Target, s: Settings) -> list[Result]:
    """Every step, in order; each one read-compare-write."""
    progress(f"account {target.account_id}, region {target.region}" + (" (dry run)" if s.dry_run else ""))
    bucket, exists = ensure_bucket(target, s)
    results = [bucket, *ensure_bucket_settings(target, s, exists), *ensure_key_policy(target, s)]
    results += ensure_log_group(target, s)
    role_results = ensure_role(target, s)
    results += role_results
    role_changed = any(r.status != ALREADY for r in role_results)
    results.append(ensure_logging_config(target, s, role_changed))
    return results


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    target = open_target(args, lambda region: settings.kms_key and inputs.kms_key_arn(settings.kms_key, region))
    return finish(enable_logging(target, settings), settings.dry_run)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))

