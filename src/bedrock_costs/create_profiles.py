"""Create one tagged application inference profile per profile-map row that has no profile_arn.

    bedrock-costs create-profiles [--profile-map seeds/profile_map.csv] [--dry-run]
    bedrock-costs create-profiles --sync [--write]

A profile that already exists under the row's name is reused, never duplicated. Each new ARN is
written back into the CSV as soon as it exists, touching nothing else in the file, so a run
stopped part-way finishes when run again. --sync lists the account's application profiles that
the map lacks (with their tags); --sync --write appends them so their calls can be attributed.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bedrock_costs import readers
from bedrock_costs.arns import ModelSource, copy_from_arn, geo_prefix_for, unusable_from
from bedrock_costs.aws import Target
from bedrock_costs.cli import ExitCode, command_parser, finish, open_target, run_guarded
from bedrock_costs.errors import InputError
from bedrock_costs.profile_map import (
    DEFAULT_PATH,
    TAG_COLUMNS,
    TAG_PREFIX,
    MapRow,
    ProfileMap,
    append_rows,
    pending_sources,
    read_profile_map,
    write_profile_arn,
)
from bedrock_costs.profiles import format_tags, inferred_model_source, model_mismatch, tag_mismatches
from bedrock_costs.results import ALREADY, Result, converge, progress

if TYPE_CHECKING:
    from mypy_boto3_bedrock.type_defs import TagTypeDef

EXIT_CODES: dict[int, str] = {ExitCode.FAILED: "a step failed (an ERROR line, or a FAIL line, says which and why)"}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("create-profiles", __doc__, exit_codes=EXIT_CODES)
    parser.add_argument("--profile-map", type=Path, default=DEFAULT_PATH,
                        help="the profile map CSV; new ARNs are written back into it (default %(default)s)")
    parser.add_argument("--sync", action="store_true", help="report application profiles missing from the map")
    parser.add_argument("--write", action="store_true", help="with --sync: append them to the map")
    return parser.parse_args(argv)


def _api_tags(tags: dict[str, str]) -> list[TagTypeDef]:
    return [{"key": key, "value": value} for key, value in sorted(tags.items())]


def _on_demand_problem(target: Target, source: ModelSource) -> str | None:
    """Where the region serves the model only through a system profile, say which to use."""
    if source.kind != "foundation-model":
        return None
    details = target.client("bedrock").get_foundation_model(modelIdentifier=source.model_id)["modelDetails"]
    if "ON_DEMAND" in details.get("inferenceTypesSupported", []):
        return None
    geo = geo_prefix_for({target.region})
    return (f"{source.model_id} has no on-demand throughput in {target.region}: set model_source to a "
            f"system profile such as {geo}.{source.model_id} or global.{source.model_id}")


def reuse_profile(target: Target, path: Path, row: MapRow, found: Mapping[str, Any], source: ModelSource,
                  dry_run: bool) -> list[Result]:
    """Link an existing profile of the same name: check its model, bring its tags in line, write its ARN."""
    arn = found["inferenceProfileArn"]
    mismatch = model_mismatch(found, source)
    if mismatch:
        return [Result(row.name, "FAIL", f"exists with another model ({mismatch}); rename the row or fix "
                                         "model_source", failed=True)]
    current = readers.profile_tags(target, arn)
    wanted = row.tags()
    tags = converge(f"  tags of {row.name}", current, wanted, lambda: target.client("bedrock").tag_resource(
        resourceARN=arn, tags=_api_tags(wanted)), dry_run, same=lambda a, b: not tag_mismatches(b, a or {}),
        detail=format_tags(wanted))
    if not dry_run:
        write_profile_arn(path, row.name, arn)
    status = "would link existing" if dry_run else "linked existing"
    return [Result(row.name, status, arn, changed=True), tags]


def create_profile(target: Target, path: Path, row: MapRow, source: ModelSource, dry_run: bool) -> Result:
    """Create the profile and write its ARN into the map at once."""
    problem = _on_demand_problem(target, source)
    if problem:
        return Result(row.name, "FAIL", problem, failed=True)
    copy_from = copy_from_arn(source, target.region, target.account_id)

    def create() -> None:
        created = target.client("bedrock").create_inference_profile(
            inferenceProfileName=row.name,
            description=f"bedrock-costs: app {row.get('app')}, team {row.get('team')}",
            modelSource={"copyFrom": copy_from},
            tags=_api_tags(row.tags()),
        )
        write_profile_arn(path, row.name, created["inferenceProfileArn"])
        progress(f"{row.name}: {created['inferenceProfileArn']} ({created.get('status', '')})")

    return converge(row.name, None, copy_from, create, dry_run, detail=f"copyFrom {copy_from}")


def create_profiles(target: Target, profile_map: ProfileMap, pending: list[tuple[MapRow, ModelSource]],
                    dry_run: bool) -> list[Result]:
    """One result per pending row: created, linked, skipped (another region or account) or failed."""
    if not pending:
        return [Result(str(profile_map.path), ALREADY, "every row has a profile_arn")]
    existing = {found["inferenceProfileName"]: found for found in readers.application_profiles(target)}
    results: list[Result] = []
    for row, source in pending:
        elsewhere = unusable_from(source, target.region, target.account_id)
        if elsewhere:
            results.append(Result(row.name, "skipped", f"{elsewhere}: run with the matching --region/--profile"))
        elif row.name in existing:
            results += reuse_profile(target, profile_map.path, row, existing[row.name], source, dry_run)
        else:
            results.append(create_profile(target, profile_map.path, row, source, dry_run))
    return results


def row_for(profile: Mapping[str, Any], tags: dict[str, str], header: Sequence[str]) -> dict[str, str]:
    """A map row for a profile found in AWS; tags fill the tag columns the map already has."""
    row = {column: tags.get(column, "") for column in TAG_COLUMNS}
    row |= {c: tags.get(c[len(TAG_PREFIX):], "") for c in header if c.startswith(TAG_PREFIX)}
    row |= {"profile_name": profile["inferenceProfileName"], "profile_arn": profile["inferenceProfileArn"],
            "model_source": inferred_model_source(profile)}
    return row


def sync(target: Target, profile_map: ProfileMap, write: bool, dry_run: bool) -> list[Result]:
    """Application profiles in the account and region that the map does not know."""
    known_arns = set(profile_map.by_arn())
    unlinked = {row.name for row in profile_map.rows if not row.arn}
    results: list[Result] = []
    new_rows: list[dict[str, str]] = []
    for found in readers.application_profiles(target):
        name, arn = found["inferenceProfileName"], found["inferenceProfileArn"]
        if arn in known_arns:
            continue
        if name in unlinked:
            results.append(Result(name, "unlinked",
                                  "row has no profile_arn: run bedrock-costs create-profiles to link it"))
            continue
        tags = readers.profile_tags(target, arn)
        new_rows.append(row_for(found, tags, profile_map.header))
        status = "not in map" if not write else ("would add" if dry_run else "added")
        results.append(Result(name, status, f"{arn} {format_tags(tags)}", changed=write))
    if write and new_rows and not dry_run:
        append_rows(profile_map.path, new_rows)
    return results or [Result(str(profile_map.path), ALREADY, "every application profile is mapped")]


def run(args: argparse.Namespace) -> int:
    if args.write and not args.sync:
        raise InputError("--write goes with --sync")
    profile_map = read_profile_map(args.profile_map)
    pending = pending_sources(profile_map)
    target = open_target(args)
    if args.sync:
        return finish(sync(target, profile_map, args.write, args.dry_run), args.dry_run)
    return finish(create_profiles(target, profile_map, pending, args.dry_run), args.dry_run)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))

