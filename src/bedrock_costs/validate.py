"""Check that Bedrock cost attribution is wired end to end; print PASS/FAIL, exit 1 on any FAIL.

    bedrock-costs validate [--profile-map seeds/profile_map.csv] [--invoke] [--tail 15]

Checks the logging configuration and both destinations; the log bucket (public access blocked, ACLs
disabled, default encryption, Bedrock's policy statement, and no statement that lets in anyone but
this account and Bedrock); the role's trust; the log group's retention; and every mapped profile
(exists, ACTIVE, tags and model as in the map). --invoke sends one tiny call through each profile;
--tail MINUTES sums the recent log records per modelId and app. --dry-run runs the read-only checks
but sends no model call.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bedrock_costs import inputs, readers
from bedrock_costs.arns import ModelSource, parse_arn
from bedrock_costs.aws import Target, get_or_none, paginate
from bedrock_costs.cli import ExitCode, check_or_fail, command_parser, open_target, run_guarded
from bedrock_costs.errors import InputError
from bedrock_costs.policies import LOG_STREAM, bucket_statement, has_statement, risky_statements, trust_statement
from bedrock_costs.profile_map import DEFAULT_PATH, MapRow, ProfileMap, read_profile_map, sources
from bedrock_costs.profiles import model_mismatch, tag_mismatches
from bedrock_costs.results import Result, progress
from bedrock_costs.tables import table

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
_PROMPT = "Reply with the single word OK."
_NOT_IN_MAP = "(not in map)"
_NO_MODEL_ID = "(no modelId)"
_PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_ENCRYPTIONS = {"AES256": "SSE-S3", "aws:kms": "SSE-KMS", "aws:kms:dsse": "DSSE-KMS"}
_BODY_FLAGS = {"text": "textDataDeliveryEnabled", "image": "imageDataDeliveryEnabled",
               "embedding": "embeddingDataDeliveryEnabled", "video": "videoDataDeliveryEnabled",
               "audio": "audioDataDeliveryEnabled"}
EXIT_CODES: dict[int, str] = {
    ExitCode.OK: "every check passed (or was skipped)",
    ExitCode.FAILED: "a check FAILed: its line says what is wrong and how to fix it",
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("validate", __doc__, exit_codes=EXIT_CODES)
    parser.add_argument("--profile-map", type=Path, default=DEFAULT_PATH,
                        help="the profile map CSV (default %(default)s)")
    parser.add_argument("--retention-days", type=int, help="expected log-group retention (default: any)")
    parser.add_argument("--invoke", action="store_true", help="send one tiny call through each profile")
    parser.add_argument("--tail", type=int, metavar="MINUTES", help="summarise the last MINUTES of logs")
    return parser.parse_args(argv)


def verdict(item: str, problems: Sequence[str], ok_detail: str = "") -> Result:
    """PASS with ``ok_detail`` when there are no problems, else FAIL listing them."""
    if problems:
        return Result(item, FAIL, "; ".join(problems), failed=True)
    return Result(item, PASS, ok_detail)


def check_logging(config: Mapping[str, Any] | None) -> list[Result]:
    """The logging configuration exists and has both destinations; which bodies it stores is the account's
    choice (metadata only is enough for cost attribution)."""
    if not config:
        return [verdict("logging configuration", ["not set: run bedrock-costs enable-logging"])]
    s3, cloudwatch = config.get("s3Config") or {}, config.get("cloudWatchConfig") or {}
    bodies = [kind for kind, flag in _BODY_FLAGS.items() if config.get(flag)]
    stored = f"bodies logged: {', '.join(bodies)}" if bodies else "metadata only: no prompt or response bodies"
    return [
        verdict("logging configuration", [], stored),
        verdict("  s3 destination", [] if s3.get("bucketName") else ["no s3Config"],
                f"s3://{s3.get('bucketName')}/{s3.get('keyPrefix', '')}"),
        verdict("  cloudwatch destination",
                [] if cloudwatch.get("logGroupName") and cloudwatch.get("roleArn") else ["no cloudWatchConfig"],
                cloudwatch.get("logGroupName", "")),
    ]


def _fix_command(bucket: str, prefix: str) -> str:
    return f"bedrock-costs enable-logging --bucket {bucket}" + (f" --prefix {prefix}" if prefix else "")


def check_public_access_block(target: Target, bucket: str, fix: str) -> list[Result]:
    """All four public-access-block settings are on for the bucket."""
    item = "public access block"
    found = get_or_none(target.client("s3").get_public_access_block, ("NoSuchPublicAccessBlockConfiguration",),
                        Bucket=bucket)
    if found is None:
        return [Result(item, FAIL, f"[NoPublicAccessBlock] {bucket} has none, so a policy or ACL can make the logs "
                                   f"public: run {fix}", failed=True)]
    settings = found["PublicAccessBlockConfiguration"]
    off = [name for name in _PUBLIC_ACCESS_SETTINGS if settings.get(name) is not True]
    if off:
        return [Result(item, FAIL, f"[PartialPublicAccessBlock] {', '.join(off)} {'is' if len(off) == 1 else 'are'} "
                                   f"off; all four must be on: run {fix}", failed=True)]
    return [Result(item, PASS, "all four settings on")]


def check_ownership(target: Target, bucket: str, fix: str) -> list[Result]:
    """ACLs are disabled (BucketOwnerEnforced), so no ACL can grant another account access."""
    item = "object ownership"
    found = get_or_none(target.client("s3").get_bucket_ownership_controls, ("OwnershipControlsNotFoundError",),
                        Bucket=bucket)
    rules = found["OwnershipControls"]["Rules"] if found else []
    ownership = rules[0].get("ObjectOwnership") if rules else None
    if ownership != "BucketOwnerEnforced":
        return [Result(item, FAIL, f"[AclsEnabled] {ownership or 'no ownership controls'}: ACLs can grant other "
                                   f"accounts access; disable them (BucketOwnerEnforced): run {fix}", failed=True)]
    return [Result(item, PASS, "BucketOwnerEnforced (ACLs disabled)")]


def check_encryption(target: Target, bucket: str, fix: str) -> list[Result]:
    """The bucket has a default encryption. Since January 2023 S3 answers SSE-S3 for every bucket with no
    other default; an answer of no configuration (older S3, or an emulator such as moto) fails."""
    item = "default encryption"
    found = get_or_none(target.client("s3").get_bucket_encryption,
                        ("ServerSideEncryptionConfigurationNotFoundError",), Bucket=bucket)
    rules = found["ServerSideEncryptionConfiguration"]["Rules"] if found else []
    known = [default for rule in rules if (default := rule.get("ApplyServerSideEncryptionByDefault"))
             and default.get("SSEAlgorithm") in _ENCRYPTIONS]
    if not known:
        return [Result(item, FAIL, f"[NoDefaultEncryption] {bucket} has no default encryption: run {fix} "
                                   "(SSE-S3, or --kms-key for SSE-KMS)", failed=True)]
    algorithm = known[0]["SSEAlgorithm"]
    key = f" {known[0]['KMSMasterKeyID']}" if known[0].get("KMSMasterKeyID") else ""
    return [Result(item, PASS, f"{_ENCRYPTIONS[algorithm]} ({algorithm}){key}")]


def check_bucket_policy(target: Target, bucket: str, prefix: str, fix: str) -> list[Result]:
    """Bedrock's statement is there, and no statement lets in anyone but this account and Bedrock."""
    policy = readers.bucket_policy(target, bucket)
    wanted = bucket_statement(bucket, prefix, target.region, target.account_id)
    found = has_statement(policy, wanted)
    results = [verdict(f"bucket policy {bucket}", [] if found else [
        f"no statement allowing bedrock s3:PutObject on {wanted['Resource']}"], wanted["Resource"])]
    findings = risky_statements(policy, target.account_id)
    results += [Result(f"  {f.label}", FAIL, f"[{f.code}] {f.reason}: remove it, or run {fix} --fix", failed=True)
                for f in findings]
    if not findings:
        results.append(Result("bucket policy statements", PASS, "only this account and bedrock.amazonaws.com"))
    return results


def check_bucket(target: Target, s3_config: Mapping[str, Any]) -> list[Result]:
    """The bucket is in the region, is not public, lets in only this account and Bedrock, and is encrypted.
    Each read is its own check, so one denied read does not hide the others."""
    bucket, prefix = s3_config["bucketName"], s3_config.get("keyPrefix", "")
    region = readers.bucket_region(target, bucket)
    if region != target.region:
        return [verdict(f"bucket {bucket}", [f"in {region}, not {target.region}" if region else "does not exist"])]
    fix = _fix_command(bucket, prefix)
    return [
        *check_or_fail("public access block", lambda: check_public_access_block(target, bucket, fix)),
        *check_or_fail("object ownership", lambda: check_ownership(target, bucket, fix)),
        *check_or_fail("default encryption", lambda: check_encryption(target, bucket, fix)),
        *check_or_fail(f"bucket policy {bucket}", lambda: check_bucket_policy(target, bucket, prefix, fix)),
    ]


def check_role(target: Target, role_arn: str) -> list[Result]:
    """The CloudWatch role trusts Bedrock for this account and region only."""
    name = role_arn.rsplit("/", 1)[-1]
    role = readers.role(target, name)
    if role is None:
        return [verdict(f"role {name}", ["does not exist"])]
    trusted = has_statement(role["AssumeRolePolicyDocument"], trust_statement(target.region, target.account_id))
    return [verdict(f"role trust {name}", [] if trusted else ["does not trust bedrock.amazonaws.com under "
                                                             "aws:SourceAccount/aws:SourceArn"],
                    "bedrock.amazonaws.com")]


def check_log_group(target: Target, name: str, retention: int | None) -> list[Result]:
    """The log group exists and expires its events (at the retention asked for, if any)."""
    group = readers.log_group(target, name)
    if group is None:
        return [verdict(f"log group {name}", ["does not exist"])]
    days = group.get("retentionInDays")
    problems = ["never expires: set a retention"] if days is None else []
    if retention is not None and days is not None and days != retention:
        problems.append(f"retention {days} days, expected {retention}")
    return [verdict(f"log group retention {name}", problems, f"{days} days")]


def in_scope(target: Target, row: MapRow) -> str | None:
    """Why a row is not checked from this account and region; None when it is."""
    parsed = parse_arn(row.arn)
    if parsed and (parsed.region, parsed.account) != (target.region, target.account_id):
        return f"in {parsed.region}/{parsed.account}"
    return None


def check_profile(target: Target, row: MapRow, source: ModelSource) -> list[Result]:
    """The profile exists, is an ACTIVE application profile, with the map's tags and model."""
    item = f"profile {row.name}"
    if not row.arn:
        return [verdict(item, ["no profile_arn: run bedrock-costs create-profiles"])]
    if ":provisioned-model/" in row.arn:
        return [Result(item, SKIP, "a provisioned model: the map gives its model and the owner of its idle hours")]
    elsewhere = in_scope(target, row)
    if elsewhere:
        return [Result(item, SKIP, f"{elsewhere}: run with the matching --region/--profile")]
    bedrock = target.client("bedrock")
    found = get_or_none(bedrock.get_inference_profile, ("ResourceNotFoundException",),
                        inferenceProfileIdentifier=row.arn)
    if found is None:
        return [verdict(item, [f"{row.arn} does not exist"])]
    problems = [] if found.get("status") == "ACTIVE" else [f"status {found.get('status')}"]
    problems += [] if found.get("type") == "APPLICATION" else [f"type {found.get('type')}"]
    problems += tag_mismatches(row.tags(), readers.profile_tags(target, row.arn))
    mismatch = model_mismatch(found, source)
    return [verdict(item, problems + ([mismatch] if mismatch else []), "ACTIVE, tags and model match")]


def _embedding_body(model_id: str) -> dict[str, Any] | None:
    if model_id.startswith("amazon.titan-embed"):
        return {"inputText": "OK"}
    if model_id.startswith("cohere.embed"):
        return {"texts": ["OK"], "input_type": "search_query"}
    return None


def invoke_profile(target: Target, row: MapRow, source: ModelSource, dry_run: bool) -> list[Result]:
    """One tiny Converse call (InvokeModel for embedding models) through the profile."""
    item = f"invoke {row.name}"
    if not row.arn or in_scope(target, row) or ":provisioned-model/" in row.arn:
        return [Result(item, SKIP, "no profile in this account and region")]
    if dry_run:
        return [Result(item, SKIP, "dry run: no call sent")]
    runtime = target.client("bedrock-runtime")
    body = _embedding_body(source.model_id)
    if body is not None:
        response = runtime.invoke_model(modelId=row.arn, body=json.dumps(body), contentType="application/json")
        tokens = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amzn-bedrock-input-token-count")
        return [Result(item, PASS, f"InvokeModel, {tokens or '?'} input tokens")]
    usage = runtime.converse(modelId=row.arn, messages=[{"role": "user", "content": [{"text": _PROMPT}]}],
                             inferenceConfig={"maxTokens": 10}).get("usage", {})
    return [Result(item, PASS, f"Converse, {usage.get('inputTokens')} in / {usage.get('outputTokens')} out tokens")]


def _count(value: Any) -> int:
    """A token count as the pipeline reads it (an absent count is 0, a string of digits is its number);
    ValueError for anything else: text, a fraction, a negative number, true/false, a list."""
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise ValueError(f"not a token count: {value!r}")


def read_record(record: Mapping[str, Any]) -> tuple[str, int, int, bool]:
    """modelId, input and output tokens, and whether every count was readable (the readable ones count)."""
    model_id = record.get("modelId")
    readable = isinstance(model_id, str) and bool(model_id)
    counts = [0, 0]
    for slot, (part, field) in enumerate((("input", "inputTokenCount"), ("output", "outputTokenCount"))):
        section = record.get(part)
        if section is None:
            continue
        if not isinstance(section, dict):
            readable = False
            continue
        try:
            counts[slot] = _count(section.get(field))
        except ValueError:
            readable = False
    return (model_id if isinstance(model_id, str) and model_id else _NO_MODEL_ID), counts[0], counts[1], readable


def tail_usage(target: Target, log_group: str, minutes: int, profile_map: ProfileMap) -> list[list[Any]]:
    """Rows of modelId, app, requests, input and output tokens, and unreadable records, from the last
    ``minutes`` of logs. A record whose counts are not numbers is counted as far as it can be, and flagged."""
    start = int((time.time() - minutes * 60) * 1000)
    events = paginate(target.client("logs"), "filter_log_events", "events", logGroupName=log_group,
                      logStreamNames=[LOG_STREAM], startTime=start)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for event in events:
        try:
            record = json.loads(event["message"])
        except ValueError:
            continue  # the "Permissions are correctly set" line, for one
        if not isinstance(record, dict) or "modelId" not in record:
            continue
        model_id, input_tokens, output_tokens, readable = read_record(record)
        counter = totals[model_id]
        counter.update(requests=1, input_tokens=input_tokens, output_tokens=output_tokens,
                       unreadable=0 if readable else 1)
    apps = {arn: row.get("app") for arn, row in profile_map.by_arn().items()}
    return [[model_id, apps.get(model_id) or _NOT_IN_MAP, c["requests"], c["input_tokens"], c["output_tokens"],
             c["unreadable"]] for model_id, c in sorted(totals.items())]


def check_tail(target: Target, log_group: str | None, minutes: int, profile_map: ProfileMap) -> list[Result]:
    """Print the usage table; PASS when records arrived, saying how many reached an app; FAIL on records
    whose token counts cannot be read (their cost cannot be computed), counted per app."""
    if not log_group:
        return [verdict("tail", ["no CloudWatch log group configured"])]
    rows = tail_usage(target, log_group, minutes, profile_map)
    if rows:
        headers = ("model_id", "app", "requests", "input_tokens", "output_tokens", "unreadable")
        shown = len(headers) if any(row[5] for row in rows) else len(headers) - 1  # the column only when needed
        print(table(headers[:shown], [row[:shown] for row in rows], right={2, 3, 4, 5}))
        print()
    requests = sum(row[2] for row in rows)
    mapped = sum(row[2] for row in rows if row[1] != _NOT_IN_MAP)
    problems = [] if requests else [f"no records in the last {minutes} min (delivery lags a few minutes)"]
    results = [verdict(f"tail {minutes} min", problems, f"{requests} requests, {mapped} attributed to an app")]
    per_app: Counter[str] = Counter()
    for row in rows:
        per_app[row[1]] += row[5]
    unreadable = sum(per_app.values())
    if unreadable:
        apps = ", ".join(f"{app} {count}" for app, count in sorted(per_app.items()) if count)
        results.append(Result("tail unreadable records", FAIL,
                              f"[UnreadableTokenCounts] {unreadable} of {requests} records have token counts that are "
                              f"not numbers: {apps}; their cost cannot be computed (the dbt test "
                              "warn_files_with_malformed_lines names their files)", failed=True))
    return results


def validate(target: Target, args: argparse.Namespace, profile_map: ProfileMap,
             rows: list[tuple[MapRow, ModelSource]]) -> list[Result]:
    """Every check, in order; each AWS error becomes a FAIL line."""
    progress(f"account {target.account_id}, region {target.region}")
    config = readers.logging_config(target)
    results = check_logging(config)
    s3_config, cloudwatch = (config or {}).get("s3Config"), (config or {}).get("cloudWatchConfig") or {}
    if s3_config:
        results += check_or_fail(f"bucket {s3_config['bucketName']}", lambda: check_bucket(target, s3_config))
    if cloudwatch.get("roleArn"):
        results += check_or_fail("role", lambda: check_role(target, cloudwatch["roleArn"]))
    if cloudwatch.get("logGroupName"):
        results += check_or_fail("log group", lambda: check_log_group(target, cloudwatch["logGroupName"],
                                                                      args.retention_days))
    for row, source in rows:
        progress(f"profile {row.name}")
        results += check_or_fail(f"profile {row.name}", partial(check_profile, target, row, source))
        if args.invoke:
            results += check_or_fail(f"invoke {row.name}", partial(invoke_profile, target, row, source, args.dry_run))
    if args.tail:
        results += check_or_fail("tail", lambda: check_tail(target, cloudwatch.get("logGroupName"), args.tail,
                                                            profile_map))
    return results


def run(args: argparse.Namespace) -> int:
    if args.tail is not None and args.tail <= 0:
        raise InputError("--tail takes a number of minutes above 0")
    if args.retention_days is not None:
        inputs.retention_days(args.retention_days)
    profile_map = read_profile_map(args.profile_map)
    rows = sources(profile_map, profile_map.rows)
    results = validate(open_target(args), args, profile_map, rows)
    print(table(("check", "result", "detail"), [(r.item, r.status, r.detail) for r in results]))
    failed = sum(r.failed for r in results)
    print(f"{sum(r.status == PASS for r in results)} passed, {failed} failed, "
          f"{sum(r.status == SKIP for r in results)} skipped.")
    return ExitCode.FAILED if failed else ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))

