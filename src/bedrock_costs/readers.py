"""Reads of the current AWS state, shared by the script that writes it and the one that checks it.

Each returns None (or an empty value) when the thing does not exist yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bedrock_costs.aws import Target, get_or_none, paginate
from bedrock_costs.policies import Policy, parse_policy


def logging_config(target: Target) -> Mapping[str, Any] | None:
    """The account's Bedrock model-invocation logging configuration in the region."""
    config = target.client("bedrock").get_model_invocation_logging_configuration().get("loggingConfig")
    return config or None


def bucket_policy(target: Target, bucket: str) -> Policy | None:
    """The bucket's policy document."""
    found = get_or_none(target.client("s3").get_bucket_policy, ("NoSuchBucketPolicy",), Bucket=bucket)
    return parse_policy(found["Policy"]) if found else None


def bucket_region(target: Target, bucket: str) -> str | None:
    """The bucket's region, or None when no such bucket exists."""
    s3 = target.client("s3")
    if get_or_none(s3.head_bucket, ("404", "NoSuchBucket", "NotFound"), Bucket=bucket) is None:
        return None
    # None (or absent) for us-east-1, whatever the stubs' type says
    location: str | None = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    return location or "us-east-1"


def role(target: Target, role_name: str) -> Mapping[str, Any] | None:
    """The IAM role (its AssumeRolePolicyDocument is already a dict)."""
    found = get_or_none(target.client("iam").get_role, ("NoSuchEntity",), RoleName=role_name)
    return found["Role"] if found else None


def role_inline_policy(target: Target, role_name: str, policy_name: str) -> Policy | None:
    """One inline policy of a role."""
    iam = target.client("iam")
    found = get_or_none(iam.get_role_policy, ("NoSuchEntity",), RoleName=role_name, PolicyName=policy_name)
    return parse_policy(found["PolicyDocument"]) if found else None


def log_group(target: Target, name: str) -> Mapping[str, Any] | None:
    """The CloudWatch log group called ``name``."""
    groups = paginate(target.client("logs"), "describe_log_groups", "logGroups", logGroupNamePrefix=name)
    return next((group for group in groups if group["logGroupName"] == name), None)


def key_policy(target: Target, key_arn: str) -> Policy | None:
    """A KMS key's default key policy."""
    return parse_policy(target.client("kms").get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])


def application_profiles(target: Target) -> list[Mapping[str, Any]]:
    """Every application inference profile in the account and region."""
    bedrock = target.client("bedrock")
    return paginate(bedrock, "list_inference_profiles", "inferenceProfileSummaries", typeEquals="APPLICATION")


def profile_tags(target: Target, arn: str) -> dict[str, str]:
    """A Bedrock resource's tags as a dict."""
    tags = target.client("bedrock").list_tags_for_resource(resourceARN=arn).get("tags", [])
    return {tag["key"]: tag["value"] for tag in tags}
