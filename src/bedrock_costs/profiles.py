"""How an application inference profile in AWS compares with its row in the profile map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bedrock_costs.arns import ModelSource, geo_prefix_for, model_id_from_arn, parse_arn


def _model_regions(profile: Mapping[str, Any]) -> dict[str, set[str]]:
    """Foundation-model id -> the regions the profile routes it to."""
    found: dict[str, set[str]] = {}
    for model in profile.get("models", []):
        parsed = parse_arn(model["modelArn"])
        found.setdefault(model_id_from_arn(model["modelArn"]), set()).add(parsed.region if parsed else "")
    return found


def model_mismatch(profile: Mapping[str, Any], source: ModelSource) -> str | None:
    """Why the profile's models are not what ``source`` names; None when they match."""
    models = _model_regions(profile)
    if set(models) != {source.model_id}:
        return f"profile routes to {', '.join(sorted(models)) or 'no model'}, map says {source.model_id}"
    if source.region and models[source.model_id] != {source.region}:
        return f"profile routes to {', '.join(sorted(models[source.model_id]))}, map says {source.region} only"
    return None


def inferred_model_source(profile: Mapping[str, Any]) -> str:
    """A model_source for a profile found in AWS: its foundation-model ARN, or a system profile id
    inferred from the regions it routes to (AWS does not return the profile it was copied from)."""
    models = profile.get("models", [])
    if len(models) == 1:
        return str(models[0]["modelArn"])
    regions = {region for found in _model_regions(profile).values() for region in found}
    model_ids = sorted(_model_regions(profile))
    return f"{geo_prefix_for(regions)}.{model_ids[0]}" if model_ids else ""


def tag_mismatches(expected: Mapping[str, str], actual: Mapping[str, str]) -> list[str]:
    """``key: map=... aws=...`` for every expected tag the profile lacks or holds differently."""
    return [
        f"{key}: map={value!r} aws={actual.get(key)!r}"
        for key, value in sorted(expected.items())
        if actual.get(key) != value
    ]


def format_tags(tags: Mapping[str, str]) -> str:
    """``k=v k=v`` for a summary line."""
    return " ".join(f"{key}={value}" for key, value in sorted(tags.items()))
