"""Checks on command-line values, run before any call to AWS. Each raises InputError."""

from __future__ import annotations

import re

from bedrock_costs.arns import parse_arn
from bedrock_costs.errors import InputError

RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_LOG_GROUP = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
# Letters, digits and / _ . - only: the prefix goes into the bucket policy's Resource, where * and ? are
# wildcards that widen Bedrock's grant, and into Athena's table location, where a quote ends the string.
_KEY_PREFIX = re.compile(r"[A-Za-z0-9_./-]*")


def bucket_name(name: str) -> str:
    """An S3 bucket name Bedrock can log to."""
    if not _BUCKET.fullmatch(name) or ".." in name or re.fullmatch(r"[\d.]+", name):
        raise InputError(f"--bucket {name!r} is not a valid S3 bucket name (3-63 of a-z 0-9 . -)")
    return name


def key_prefix(prefix: str) -> str:
    """An S3 key prefix without leading or trailing slashes, and nothing a policy or a query reads as syntax."""
    cleaned = prefix.strip("/")
    segments = cleaned.split("/")
    if (not _KEY_PREFIX.fullmatch(cleaned) or (cleaned and ("" in segments or {".", ".."} & set(segments)))
            or len(cleaned) > 900):
        raise InputError(f"--prefix {prefix!r} may hold only letters, digits and / _ . - (no wildcard such as * "
                         "or ?, which would widen the bucket policy's grant, no space or quote, no empty, . or "
                         ".. segment)")
    return cleaned


def log_group_name(name: str) -> str:
    """A CloudWatch Logs group name."""
    if not _LOG_GROUP.fullmatch(name):
        raise InputError(f"--log-group {name!r} may hold only letters, digits and ._-/# (max 512)")
    return name


def role_name(name: str) -> str:
    """An IAM role name."""
    if not _ROLE_NAME.fullmatch(name):
        raise InputError(f"--role-name {name!r} may hold only letters, digits and +=,.@_- (max 64)")
    return name


def retention_days(days: int) -> int:
    """One of the retention periods CloudWatch Logs accepts."""
    if days not in RETENTION_DAYS:
        raise InputError(f"--retention-days {days} is not one CloudWatch accepts: {RETENTION_DAYS}")
    return days


def kms_key_arn(arn: str, region: str) -> str:
    """A KMS key ARN (not an alias) in the bucket's region."""
    parsed = parse_arn(arn)
    if not parsed or parsed.service != "kms" or parsed.resource_type != "key":
        raise InputError(f"--kms-key {arn!r} must be a key ARN: arn:aws:kms:<region>:<account>:key/<id>")
    if parsed.region != region:
        raise InputError(f"--kms-key is in {parsed.region}; the bucket and logs are in {region}")
    return arn
