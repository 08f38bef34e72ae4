"""The price catalog (seeds/model_pricing.csv) read and resolved as the SQL does, and compared with LiteLLM.

``rate_table`` is int_model_rates computed here: the longest ``region_pattern`` that matches each Region among the
rows of a (model, scope), each tier up to the next, one rate per token type; tests/test_price_rates.py holds it
equal to the dbt model row for row. ``resolve`` prices a call the same way.

LiteLLM's public price map keys Bedrock prices by the modelId a caller passes (``us.<id>``, ``global.<id>``,
``bedrock/<region>/<id>`` or the bare id). Each key names a scope and a Region, so it can be priced from the
catalog the way ``int_invocations_priced`` prices a call: the longest ``region_pattern`` that matches the Region
among the rows of the (model, scope), then the tier row whose ``above_input_tokens`` applies.

``crosscheck`` lists every field where the two disagree. The deliberate differences are kept in
``pricing/litellm_differences.csv``; tests/test_price_catalog.py fails on any other.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

CATALOG_COLUMNS = (
    "model_id",
    "price_scope",
    "region_pattern",
    "above_input_tokens",
    "effective_from",
    "effective_to",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok",
    "cache_write_1h_usd_per_mtok",
    "source",
)
RATE_COLUMNS = (
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok",
    "cache_write_1h_usd_per_mtok",
)
SCOPES = ("global", "geo", "in_region")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

# LiteLLM per-token field -> our column (per-token; multiplied by 1e6 on read).
_LITELLM_FIELDS = {
    "input_cost_per_token": "input_usd_per_mtok",
    "output_cost_per_token": "output_usd_per_mtok",
    "cache_read_input_token_cost": "cache_read_usd_per_mtok",
    "cache_creation_input_token_cost": "cache_write_usd_per_mtok",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h_usd_per_mtok",
}
_TIERED_FIELD = re.compile(r"^(?P<base>.+?)_above_(?P<k>\d+)k_tokens$")

# Geo (system) inference-profile prefixes: the Region family whose source Regions call them, and one Region
# of that family to price a LiteLLM key at. ``us.`` is the default (``%``): the catalog carries the US price
# as its ``%`` row and a family row only where another family's price differs.
GEO_PREFIXES: dict[str, tuple[tuple[str, ...], str]] = {
    "us-gov.": (("us-gov-%",), "us-gov-west-1"),
    "us.": (("%",), "us-east-1"),
    "eu.": (("eu-%",), "eu-central-1"),
    "apac.": (("ap-%",), "ap-southeast-1"),
    "jp.": (("ap-northeast-1", "ap-northeast-3"), "ap-northeast-1"),
    "au.": (("ap-southeast-2", "ap-southeast-4"), "ap-southeast-2"),
    "ca.": (("ca-%",), "ca-central-1"),
    "in.": (("ap-south-1", "ap-south-2"), "ap-south-1"),
}
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_COMMITMENT = re.compile(r"^(\*|[a-z]{2}(-gov)?-[a-z]+-\d)/\d+-month-commitment/")


@dataclass(frozen=True)
class PriceRow:
    """One row of the catalog; a rate is None where the model has no such price."""

    model_id: str
    price_scope: str
    region_pattern: str
    above_input_tokens: int
    effective_from: str
    effective_to: str
    rates: tuple[float | None, ...]
    source: str

    def rate(self, column: str) -> float | None:
        return self.rates[RATE_COLUMNS.index(column)]

    def sort_key(self) -> tuple[str, str, str, int, str]:
        return (self.model_id, self.price_scope, self.region_pattern, self.above_input_tokens, self.effective_from)

    def as_csv(self) -> dict[str, str]:
        values = dict(zip(RATE_COLUMNS, (format_rate(rate) for rate in self.rates), strict=True))
        return {
            "model_id": self.model_id,
            "price_scope": self.price_scope,
            "region_pattern": self.region_pattern,
            "above_input_tokens": str(self.above_input_tokens),
            "effective_from": self.effective_from,
            "effective_to": self.effective_to,
            **values,
            "source": self.source,
        }


def format_rate(value: float | None) -> str:
    """A rate as the CSV carries it: plain decimal, no exponent, no float noise (10 decimals at most)."""
    if value is None:
        return ""
    text = format(Decimal(repr(round(value, 10))).normalize(), "f")
    return text[:-2] if text.endswith(".0") else text


def _rate(text: str) -> float | None:
    return float(text) if text.strip() else None


def read_catalog(path: Path) -> list[PriceRow]:
    """Every row of a catalog CSV (header checked)."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CATALOG_COLUMNS:
            raise ValueError(f"{path}: header is not {','.join(CATALOG_COLUMNS)}")
        return [
            PriceRow(
                model_id=row["model_id"],
                price_scope=row["price_scope"],
                region_pattern=row["region_pattern"],
                above_input_tokens=int(row["above_input_tokens"]),
                effective_from=row["effective_from"],
                effective_to=row["effective_to"],
                rates=tuple(_rate(row[column]) for column in RATE_COLUMNS),
                source=row["source"],
            )
            for row in reader
        ]


def write_catalog(path: Path, rows: Iterable[PriceRow]) -> None:
    """Write rows sorted by model, scope, pattern, tier and start (the catalog's order)."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CATALOG_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=PriceRow.sort_key):
            writer.writerow(row.as_csv())


def region_matches(pattern: str, region: str) -> bool:
    """SQL ``region LIKE pattern`` (``%`` any run, ``_`` one character)."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, region) is not None


def in_force(row: PriceRow, as_of: str) -> bool:
    return row.effective_from <= as_of and (not row.effective_to or as_of < row.effective_to)


def chosen_pattern(candidates: Iterable[PriceRow], region: str) -> str | None:
    """The region pattern that prices ``region`` among one (model, scope)'s rows: the longest that matches."""
    patterns = {r.region_pattern for r in candidates if region_matches(r.region_pattern, region)}
    return max(patterns, key=lambda p: (len(p), p)) if patterns else None


def resolve(rows: Sequence[PriceRow], model_id: str, scope: str, region: str, as_of: str) -> dict[int, PriceRow]:
    """The rows that price a call as the SQL does, by tier: the longest matching pattern among the (model, scope)'s
    rows, then the rows of that pattern in force at ``as_of``. Empty when no pattern matches."""
    candidates = [r for r in rows if r.model_id == model_id and r.price_scope == scope]
    best = chosen_pattern(candidates, region)
    return {r.above_input_tokens: r for r in candidates if r.region_pattern == best and in_force(r, as_of)}


# int_model_rates' token types and the catalog column each is priced from (cache writes: per TTL)
TOKEN_TYPES = ("input", "output", "cache_read", "cache_write")
OPEN_END = "9999-12-31 00:00:00"


@dataclass(frozen=True)
class Rate:
    """One row of int_model_rates: a rate of one token type, for one model, scope, Region and tier, in force from
    ``valid_from`` (inclusive) to ``valid_to`` (exclusive)."""

    model_id: str
    price_scope: str
    aws_region: str
    region_pattern: str
    above_input_tokens: int
    up_to_input_tokens: int | None
    context_tier: str
    token_type: str
    usd_per_mtok: float | None
    valid_from: str
    valid_to: str


def rate_column(token_type: str, cache_write_ttl: str = "5m") -> str:
    """The catalog column a token type is priced from (a cache write at the TTL of bedrock_costs_cache_write_ttl)."""
    if token_type == "cache_write" and cache_write_ttl == "1h":
        return "cache_write_1h_usd_per_mtok"
    return f"{token_type}_usd_per_mtok"


def rate_table(rows: Sequence[PriceRow], regions: Iterable[str], cache_write_ttl: str = "5m") -> list[Rate]:
    """int_model_rates, computed here: every (model, scope) priced in every Region one of its patterns matches, by
    the longest pattern, each tier up to the next tier of its pattern, one rate per token type."""
    by_scope: dict[tuple[str, str], list[PriceRow]] = {}
    for row in rows:
        by_scope.setdefault((row.model_id, row.price_scope), []).append(row)
    out: list[Rate] = []
    for candidates in by_scope.values():
        for region in sorted(set(regions)):
            best = chosen_pattern(candidates, region)
            chosen = [r for r in candidates if r.region_pattern == best]
            tiers = sorted({r.above_input_tokens for r in chosen})
            for row in chosen:
                higher = [t for t in tiers if t > row.above_input_tokens]
                for token_type in TOKEN_TYPES:
                    out.append(Rate(
                        row.model_id, row.price_scope, region, row.region_pattern, row.above_input_tokens,
                        min(higher) if higher else None,
                        "long_context" if row.above_input_tokens > 0 else "standard", token_type,
                        row.rate(rate_column(token_type, cache_write_ttl)), row.effective_from,
                        row.effective_to or OPEN_END))
    return out


@dataclass(frozen=True)
class LiteLLMKey:
    """What a LiteLLM Bedrock key says: the model id it names, its scope, the patterns and one Region it prices."""

    key: str
    raw_id: str
    scope: str
    patterns: tuple[str, ...]
    region: str


def parse_litellm_key(key: str) -> LiteLLMKey | None:
    """Split a LiteLLM Bedrock key; None for keys that are no on-demand price (commitments, Claude Platform)."""
    rest = key.removeprefix("bedrock/")
    rest = rest.removeprefix("converse/").removeprefix("invoke/")
    if rest.startswith("claude_platform/") or _COMMITMENT.match(rest):
        return None
    region: str | None = None
    if "/" in rest:
        head, rest = rest.split("/", 1)
        if not _REGION.match(head):
            return None
        region = head
    for prefix, (patterns, test_region) in GEO_PREFIXES.items():
        if rest.startswith(prefix):
            return LiteLLMKey(key, rest[len(prefix):], "geo", patterns, region or test_region)
    if rest.startswith("global."):
        return LiteLLMKey(key, rest[len("global."):], "global", ("%",), region or "us-east-1")
    if region is None:
        return LiteLLMKey(key, rest, "in_region", ("%",), "us-east-1")
    return LiteLLMKey(key, rest, "in_region", (region,), region)


def load_snapshot(path: Path) -> dict[str, dict[str, Any]]:
    """The trimmed LiteLLM entries of pricing/litellm_bedrock_snapshot.json, by key."""
    data = json.loads(path.read_text())
    entries: dict[str, dict[str, Any]] = data["entries"]
    return entries


@dataclass(frozen=True)
class Alias:
    """A LiteLLM id that is not the canonical Bedrock id: the id it stands for (None: no Bedrock model) and why."""

    model_id: str | None
    reason: str


def load_aliases(path: Path) -> dict[str, Alias]:
    with path.open(newline="") as handle:
        return {r["litellm_id"]: Alias(r["model_id"] or None, r["reason"]) for r in csv.DictReader(handle)}


def litellm_rates(entry: dict[str, Any]) -> dict[int, dict[str, float | None]]:
    """An entry's rates in USD per 1M tokens, by tier (0 = standard). An embedding's 0 output is "no price"."""
    tiers: dict[int, dict[str, float | None]] = {0: dict.fromkeys(RATE_COLUMNS)}
    for name, value in entry.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        tier, base = 0, name
        match = _TIERED_FIELD.match(name)
        if match and match["base"] in _LITELLM_FIELDS:
            tier, base = int(match["k"]) * 1000, match["base"]
        elif match and match["base"] == "cache_creation_input_token_cost_above_1hr":
            tier, base = int(match["k"]) * 1000, "cache_creation_input_token_cost_above_1hr"
        if base not in _LITELLM_FIELDS:
            continue
        tiers.setdefault(tier, dict.fromkeys(RATE_COLUMNS))[_LITELLM_FIELDS[base]] = float(value) * 1e6
    if entry.get("mode") == "embedding" and tiers[0]["output_usd_per_mtok"] == 0.0:
        tiers[0]["output_usd_per_mtok"] = None
    return tiers


def canonical_id(raw_id: str, aliases: dict[str, Alias]) -> str | None:
    """The catalog id a LiteLLM id stands for; None when the alias file says it is no Bedrock model."""
    alias = aliases.get(raw_id)
    return alias.model_id if alias else raw_id


@dataclass(frozen=True)
class Disagreement:
    """One field where the catalog and LiteLLM price a key differently (None: no price on that side)."""

    model_id: str
    price_scope: str
    region_pattern: str
    field: str
    ours: float | str | None
    theirs: float | str | None
    litellm_key: str = dataclasses.field(compare=False)

    def key(self) -> tuple[str, str, str, str]:
        return (self.model_id, self.price_scope, self.region_pattern, self.field)


def _same(ours: float | None, theirs: float | None) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs))


def tier_field(column: str, tier: int) -> str:
    """The field name of a rate at a tier: ``input_usd_per_mtok`` or ``input_usd_per_mtok>200000``."""
    return column if tier == 0 else f"{column}>{tier}"


def compare_entry(rows: Sequence[PriceRow], model_id: str, parsed: LiteLLMKey, entry: dict[str, Any],
                  as_of: str) -> list[Disagreement]:
    """The disagreements of one LiteLLM entry with the catalog rows of its model."""
    found = resolve(rows, model_id, parsed.scope, parsed.region, as_of)
    if not found:
        scoped = any(r.model_id == model_id and r.price_scope == parsed.scope for r in rows)
        what = "region_pattern" if scoped else "price_scope"
        return [Disagreement(model_id, parsed.scope, "", what, None, parsed.region, parsed.key)]
    pattern = next(iter(found.values())).region_pattern
    theirs = litellm_rates(entry)
    out: list[Disagreement] = []
    for tier in sorted(set(found) | set(theirs)):
        row = found.get(tier)
        their_tier = theirs.get(tier, dict.fromkeys(RATE_COLUMNS))
        for column in RATE_COLUMNS:
            ours = row.rate(column) if row else None
            if not _same(ours, their_tier[column]):
                out.append(Disagreement(model_id, parsed.scope, pattern, tier_field(column, tier), ours,
                                        their_tier[column], parsed.key))
    return out


def crosscheck(catalog_path: Path, snapshot_path: Path, aliases_path: Path | None = None,
               as_of: str = "9999-12-31 00:00:00") -> list[Disagreement]:
    """Every disagreement between the catalog and the LiteLLM snapshot, one per (model, scope, pattern, field).

    Only models the catalog carries are compared (a model it lacks is a coverage gap, measured apart). Rows are
    taken as in force at ``as_of`` (default: the open rows)."""
    rows = read_catalog(catalog_path)
    aliases = load_aliases(aliases_path) if aliases_path else {}
    models = {r.model_id for r in rows}
    seen: dict[tuple[str, str, str, str], Disagreement] = {}
    for key, entry in sorted(load_snapshot(snapshot_path).items()):
        if entry.get("mode") not in ("chat", "embedding"):
            continue
        parsed = parse_litellm_key(key)
        model_id = canonical_id(parsed.raw_id, aliases) if parsed else None
        if parsed is None or model_id is None or model_id not in models:
            continue
        for disagreement in compare_entry(rows, model_id, parsed, entry, as_of):
            seen.setdefault(disagreement.key(), disagreement)
    return sorted(seen.values(), key=Disagreement.key)
