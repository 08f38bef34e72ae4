"""Build the ARNs Bedrock uses. One place, so the scripts and the sample generator agree."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Prefixes of the system-defined cross-region inference profiles.
GEO_PREFIXES: tuple[str, ...] = ("us", "eu", "apac", "jp", "au", "ca", "us-gov")
GLOBAL_PREFIX = "global"


def partition_for(region: str) -> str:
    """The ARN partition of a region: aws, aws-us-gov or aws-cn."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def foundation_model_arn(region: str, model_id: str) -> str:
    """arn:aws:bedrock:<region>::foundation-model/<model_id> (no account: AWS owns it)."""
    return f"arn:{partition_for(region)}:bedrock:{region}::foundation-model/{model_id}"


def system_profile_arn(region: str, account_id: str, profile_id: str) -> str:
    """ARN of a system-defined inference profile such as ``us.anthropic.claude-...``."""
    return f"arn:{partition_for(region)}:bedrock:{region}:{account_id}:inference-profile/{profile_id}"


def application_profile_arn(region: str, account_id: str, profile_id: str) -> str:
    """ARN of an application inference profile (``profile_id`` is the 12-character id AWS assigns)."""
    return (
        f"arn:{partition_for(region)}:bedrock:{region}:{account_id}"
        f":application-inference-profile/{profile_id}"
    )


def is_system_profile_id(model_source: str) -> bool:
    """True for ids such as ``us.anthropic.claude-...`` or ``global.anthropic.claude-...``."""
    prefix = model_source.split(".", 1)[0]
    return "." in model_source and (prefix in GEO_PREFIXES or prefix == GLOBAL_PREFIX)


# Regions that serve each geography's system inference profiles (a prefix, or exact names).
_GEO_REGIONS: dict[str, tuple[str, ...]] = {
    "us": ("us-east-", "us-west-"),
    "eu": ("eu-",),
    "apac": ("ap-",),
    "jp": ("ap-northeast-1", "ap-northeast-3"),
    "au": ("ap-southeast-2", "ap-southeast-4"),
    "ca": ("ca-",),
    "us-gov": ("us-gov-",),
}
_MODEL_ID = re.compile(r"[a-z0-9][a-z0-9-]*\.[a-zA-Z0-9][a-zA-Z0-9_:-]*")
_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*)"
    r":(?P<account>\d{12}|):(?P<resource_type>[a-z-]+)/(?P<resource_id>.+)"
)


@dataclass(frozen=True)
class Arn:
    """The parts of a ``type/id`` ARN such as a Bedrock model or profile ARN."""

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource_id: str


@dataclass(frozen=True)
class ModelSource:
    """What a profile-map ``model_source`` names: a system profile or a foundation model."""

    kind: str  # "system-profile" or "foundation-model"
    model_id: str  # the foundation-model id underneath, e.g. anthropic.claude-...
    profile_id: str | None = None  # us.anthropic.claude-... for a system profile
    region: str | None = None  # set when the source was given as an ARN
    account: str | None = None  # set for a system-profile ARN


def parse_arn(text: str) -> Arn | None:
    """Split an ARN of the form ``arn:<p>:<svc>:<region>:<account>:<type>/<id>``; None if not one."""
    match = _ARN.fullmatch(text.strip())
    return Arn(**match.groupdict()) if match else None


def model_id_from_arn(model_arn: str) -> str:
    """The foundation-model id at the end of a foundation-model ARN (or the text itself)."""
    parsed = parse_arn(model_arn)
    return parsed.resource_id if parsed else model_arn


def parse_model_source(text: str) -> ModelSource:
    """Classify a ``model_source`` value; raise ValueError naming what is accepted."""
    value = text.strip()
    parsed = parse_arn(value) if value.startswith("arn:") else None
    if parsed and parsed.service == "bedrock" and parsed.resource_type == "foundation-model":
        return _foundation_model(parsed.resource_id, text, region=parsed.region)
    if parsed and parsed.service == "bedrock" and parsed.resource_type == "inference-profile":
        source = _system_profile(parsed.resource_id, text)
        return ModelSource(source.kind, source.model_id, source.profile_id, parsed.region, parsed.account)
    if parsed and parsed.resource_type == "application-inference-profile":
        raise ValueError(
            f"model_source {text!r} is an application profile; copy from its system profile "
            "or foundation model instead"
        )
    if value.count(".") >= 2 or is_system_profile_id(value):
        return _system_profile(value, text)
    return _foundation_model(value, text)


def _foundation_model(model_id: str, original: str, region: str | None = None) -> ModelSource:
    if not _MODEL_ID.fullmatch(model_id):
        raise ValueError(
            f"unknown model_source {original!r}: expected a system inference profile id "
            "(us./eu./apac./jp./au./global. + model id) or its ARN, or a foundation-model id or ARN"
        )
    return ModelSource("foundation-model", model_id, region=region)


def _system_profile(profile_id: str, original: str) -> ModelSource:
    prefix, _, model_id = profile_id.partition(".")
    if not is_system_profile_id(profile_id):
        known = ", ".join(f"{p}." for p in (*GEO_PREFIXES, GLOBAL_PREFIX))
        raise ValueError(f"unknown model_source {original!r}: prefix {prefix!r} is not one of {known}")
    _foundation_model(model_id, original)
    return ModelSource("system-profile", model_id, profile_id=profile_id)


def unusable_from(source: ModelSource, region: str, account_id: str | None = None) -> str | None:
    """Why ``source`` cannot be copied from ``region`` (and account); None when it can."""
    if source.region and source.region != region:
        return f"its ARN is in {source.region}"
    if source.account and account_id and source.account != account_id:
        return f"its ARN is in account {source.account}"
    if source.kind != "system-profile" or source.profile_id is None:
        return None
    prefix = source.profile_id.split(".", 1)[0]
    if prefix == GLOBAL_PREFIX:
        return None if partition_for(region) == "aws" else f"global. profiles are not served in {region}"
    return None if _geo_serves(prefix, region) else f"{prefix}. profiles are not served from {region}"


def copy_from_arn(source: ModelSource, region: str, account_id: str) -> str:
    """The ``modelSource.copyFrom`` ARN for ``source`` in this region and account."""
    if source.kind == "system-profile" and source.profile_id:
        return system_profile_arn(region, source.account or account_id, source.profile_id)
    return foundation_model_arn(region, source.model_id)


def bedrock_source_arn(region: str, account_id: str) -> str:
    """``arn:aws:bedrock:<region>:<account>:*``, the aws:SourceArn Bedrock logs delivery uses."""
    return f"arn:{partition_for(region)}:bedrock:{region}:{account_id}:*"


def log_stream_arn(region: str, account_id: str, log_group: str, stream: str) -> str:
    """ARN of one stream of a CloudWatch log group."""
    return f"arn:{partition_for(region)}:logs:{region}:{account_id}:log-group:{log_group}:log-stream:{stream}"


def s3_object_arn(region: str, bucket: str, key: str) -> str:
    """ARN of an S3 object key (or key pattern) in ``bucket``."""
    return f"arn:{partition_for(region)}:s3:::{bucket}/{key}"


def iam_role_arn(region: str, account_id: str, role_name: str) -> str:
    """ARN of an IAM role (IAM is global; the region only picks the partition)."""
    return f"arn:{partition_for(region)}:iam::{account_id}:role/{role_name}"


def _geo_serves(prefix: str, region: str) -> bool:
    served = _GEO_REGIONS.get(prefix, ())
    return any(region == s or (s.endswith("-") and region.startswith(s)) for s in served)


def geo_prefix_for(regions: set[str]) -> str:
    """The narrowest system-profile prefix whose geography holds every region (else ``global``)."""
    for prefix in ("us", "eu", "ca", "jp", "au", "apac", "us-gov"):
        if regions and all(_geo_serves(prefix, region) for region in regions):
            return prefix
    return GLOBAL_PREFIX
