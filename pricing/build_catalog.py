"""Build seeds/model_pricing.csv and pricing/litellm_differences.csv from the inputs in pricing/.

    PYTHONPATH=src python pricing/build_catalog.py [--out seeds/model_pricing.csv]

Inputs (all in this folder, all committed):
- litellm_bedrock_snapshot.json  LiteLLM's Bedrock chat and embedding prices (snapshot_litellm.py makes it)
- litellm_aliases.csv            LiteLLM ids that are spelled differently from Bedrock's, or no Bedrock model
- model_launches.csv             the models the catalog carries, and the UTC day each launched on Bedrock
- kept_rows.csv                  the 12 models' rows as the seed had them before this catalog (kept verbatim)
- manual_rows.csv                models LiteLLM lacks, priced from the sources named in their rows

The rules (docs/prices.md explains each): one row per (model, scope, region pattern, tier); ``%`` carries the US
price and a family or Region row only where the price differs; in-region takes the geo rate where LiteLLM's bare
key carries the global rate (Claude 4.5+, OpenAI frontier, Nova 2); a family price applies to geo and in-region
alike (AWS bills the source Region); a family row repeats every tier its ``%`` row has.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bedrock_costs.price_crosscheck import (
    RATE_COLUMNS,
    Alias,
    Disagreement,
    PriceRow,
    crosscheck,
    litellm_rates,
    load_aliases,
    load_snapshot,
    parse_litellm_key,
    read_catalog,
    region_matches,
    write_catalog,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

Rates = dict[str, float | None]
Tiers = dict[int, Rates]
Cell = tuple[str, str]  # (scope, region_pattern)

PREMIUM = "premium"
MIRROR = "mirror"
TIER_DERIVED = "tier-derived"
CORRECTED = "corrected"
KEPT = "kept"
KEPT_SHAPE = "kept-shape"
CLAUDE_1H = "claude-1h"

# (model, scope, Region, column) -> (value, why): LiteLLM values taken as copy errors.
CORRECTIONS = {
    ("meta.llama3-8b-instruct-v1:0", "in_region", "us-gov-east-1", "output_usd_per_mtok"): (
        0.6,
        "LiteLLM's us-gov-east-1 Llama 3 8B output (2.65) repeats the 70B input price; priced as us-gov-west-1 (0.60)",
    ),
}
REASONS = {
    PREMIUM: "AWS: in-region costs the Region's standard rate (1.1x global), as geo profiles do; "
             "LiteLLM's bare key carries the global rate",
    TIER_DERIVED: "LiteLLM's entry for this Region omits the long-context tier AWS bills; derived from the % row",
    KEPT_SHAPE: "seed keeps no cache-read price for Nova (unchanged: the sample ground truth uses it); "
                "LiteLLM lists one (0.25x input)",
    CLAUDE_1H: "seed carries the Claude 1h cache-write rule (2x input) for this model; LiteLLM lists no 1h price",
}


@dataclass
class Priced:
    """The tiers of one (model, scope, pattern), where they come from, and what was derived."""

    tiers: Tiers
    source: str
    tags: set[str] = field(default_factory=set)
    tier_sources: dict[int, str] = field(default_factory=dict)  # a tier's own source, where it differs


def _same_tiers(a: Tiers, b: Tiers) -> bool:
    if set(a) != set(b):
        return False
    return all(
        (a[t][c] is None) == (b[t][c] is None) and (a[t][c] is None or abs(a[t][c] - b[t][c]) < 1e-12)  # type: ignore[operator]
        for t in a
        for c in RATE_COLUMNS
    )


def _representative(pattern: str) -> str:
    """A Region name that matches ``pattern`` and no longer family pattern (for redundancy checks)."""
    return pattern.replace("%", "x-9") if "%" in pattern else pattern


def _resolve(cells: dict[str, Priced], region: str, skip: str | None = None) -> Priced | None:
    matching = [p for p in cells if p != skip and region_matches(p, region)]
    return cells[max(matching, key=len)] if matching else None


def _drop_redundant(scoped: dict[str, Priced]) -> None:
    """Drop a non-% pattern whose tiers equal what its Regions would get without it."""
    for pattern in sorted((p for p in scoped if p != "%"), key=len):
        fallback = _resolve(scoped, _representative(pattern), skip=pattern)
        if fallback is not None and _same_tiers(fallback.tiers, scoped[pattern].tiers):
            del scoped[pattern]


def collect(snapshot: dict[str, dict[str, object]], aliases: dict[str, Alias], models: set[str],
            version: str) -> dict[str, dict[Cell, Priced]]:
    """LiteLLM's entries per catalog model and (scope, pattern). Where several keys price one cell, the id's own
    key wins over an alias's, and a bare key over ``bedrock/us-east-1/<id>`` (which stands in for a model LiteLLM
    lists only per Region)."""
    best: dict[tuple[str, Cell], tuple[tuple[int, int, str], Priced]] = {}
    for key, entry in sorted(snapshot.items()):
        parsed = parse_litellm_key(key)
        if parsed is None or entry.get("mode") not in ("chat", "embedding"):
            continue
        alias = aliases.get(parsed.raw_id)
        model_id = alias.model_id if alias else parsed.raw_id
        if model_id is None or model_id not in models:
            continue
        patterns = parsed.patterns
        if parsed.scope == "in_region" and patterns == ("us-east-1",):
            patterns = ("%", "us-east-1")
        for pattern in patterns:
            rank = (1 if alias else 0, 1 if pattern != parsed.patterns[0] else 0, key)
            slot = (model_id, (parsed.scope, pattern))
            if slot not in best or rank < best[slot][0]:
                best[slot] = (rank, Priced(litellm_rates(entry), f"litellm {version}: {key}"))
    out: dict[str, dict[Cell, Priced]] = {}
    for (model_id, cell), (_rank, priced) in best.items():
        out.setdefault(model_id, {})[cell] = priced
    return out


def apply_corrections(cells: dict[str, dict[Cell, Priced]]) -> None:
    for (model_id, scope, region, column), (value, _why) in CORRECTIONS.items():
        priced = cells.get(model_id, {}).get((scope, region))
        if priced is not None:
            priced.tiers[0][column] = value
            priced.source += f" ({column.split('_')[0]} corrected to {value}: see pricing/litellm_differences.csv)"
            priced.tags.add(CORRECTED)


def shape_model(model_cells: dict[Cell, Priced], version: str) -> dict[Cell, Priced]:
    """Apply the catalog's rules to one model's LiteLLM cells."""
    by_scope: dict[str, dict[str, Priced]] = {}
    for (scope, pattern), priced in model_cells.items():
        by_scope.setdefault(scope, {})[pattern] = priced

    regional, geo = by_scope.get("in_region", {}), by_scope.get("geo", {})
    # In-region costs the geo rate where LiteLLM's bare key carries the (10% lower) global rate.
    if "%" in regional and "%" in geo:
        bare, us = regional["%"].tiers[0]["input_usd_per_mtok"], geo["%"].tiers[0]["input_usd_per_mtok"]
        if bare and us and abs(us - 1.1 * bare) < 1e-9 * us:
            regional["%"] = Priced({t: dict(r) for t, r in geo["%"].tiers.items()},
                                   f"derived: 1.1x global as geo (AWS in-region rate); {geo['%'].source}", {PREMIUM})
    # GovCloud has two Regions: one family row where both are priced alike.
    if {"us-gov-east-1", "us-gov-west-1"} <= set(regional) and "us-gov-%" not in regional and _same_tiers(
            regional["us-gov-east-1"].tiers, regional["us-gov-west-1"].tiers):
        west = regional.pop("us-gov-west-1")
        regional.pop("us-gov-east-1")
        regional["us-gov-%"] = Priced(west.tiers, west.source.replace("us-gov-west-1", "us-gov-east-1/-west-1"))
    for scoped in by_scope.values():
        _drop_redundant(scoped)
    # AWS bills a cross-Region call at its source Region's rate: a Region price holds for geo and in-region alike.
    if regional and geo:
        # (a Region-only in-region price is not copied to geo: no profile is called from a lone Region)
        for source_scope, target in ((geo, regional), (regional, geo)):
            for pattern, priced in list(source_scope.items()):
                lone_region = source_scope is regional and "%" not in pattern
                if pattern != "%" and pattern not in target and not lone_region:
                    target[pattern] = Priced({t: dict(r) for t, r in priced.tiers.items()},
                                             f"derived: Region price holds for every scope; {priced.source}",
                                             priced.tags | {MIRROR})
        for scoped in (regional, geo):
            _drop_redundant(scoped)
    # A family row repeats every tier its scope's % row has.
    for scoped in by_scope.values():
        base = scoped.get("%")
        if base is None:
            continue
        for priced in scoped.values():
            for tier in set(base.tiers) - set(priced.tiers):
                priced.tiers[tier] = {
                    c: (priced.tiers[0][c] * base.tiers[tier][c] / base.tiers[0][c]  # type: ignore[operator]
                        if priced.tiers[0][c] is not None and base.tiers[tier][c] is not None and base.tiers[0][c]
                        else None)
                    for c in RATE_COLUMNS
                }
                priced.tags.add(TIER_DERIVED)
                if "long-context" not in priced.source:
                    priced.source += "; long-context tier derived from the % row"
    return {(scope, pattern): priced for scope, scoped in by_scope.items() for pattern, priced in scoped.items()}


def _kept_tiers(row: PriceRow) -> Rates:
    return dict(zip(RATE_COLUMNS, row.rates, strict=True))


def apply_kept(model_cells: dict[Cell, Priced], kept: list[PriceRow]) -> None:
    """The seed's rows stay as they were; generated rows of the same model follow their shape."""
    for row in kept:
        cell = (row.price_scope, row.region_pattern)
        generated = model_cells.get(cell)
        tiers = {t: r for t, r in (generated.tiers.items() if generated else []) if t != 0}
        tiers[0] = _kept_tiers(row)
        model_cells[cell] = Priced(tiers, generated.source if generated else row.source,
                                   {KEPT} | (generated.tags if generated else set()), {0: row.source})
    for (scope, pattern), priced in model_cells.items():
        base = next((r for r in kept if r.price_scope == scope and r.region_pattern == "%"), None)
        if base is None:
            continue
        kept_rates = _kept_tiers(base)
        for tier, rates in priced.tiers.items():
            if pattern == "%" and tier == 0:
                continue
            for column in ("cache_read_usd_per_mtok", "cache_write_usd_per_mtok", "cache_write_1h_usd_per_mtok"):
                if kept_rates[column] is None and rates[column] is not None:
                    rates[column] = None
                    priced.tags.add(KEPT_SHAPE)
            if kept_rates["cache_write_1h_usd_per_mtok"] is not None and rates["cache_write_1h_usd_per_mtok"] is None \
                    and rates["input_usd_per_mtok"] is not None:
                rates["cache_write_1h_usd_per_mtok"] = 2 * rates["input_usd_per_mtok"]
                priced.tags.add(CLAUDE_1H)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def build(version: str) -> tuple[list[PriceRow], dict[str, dict[Cell, Priced]]]:
    launches = {r["model_id"]: f"{r['launched_on']} 00:00:00" for r in _read_csv(HERE / "model_launches.csv")}
    kept_rows = read_catalog(HERE / "kept_rows.csv")
    manual = read_catalog(HERE / "manual_rows.csv")
    cells = collect(load_snapshot(HERE / "litellm_bedrock_snapshot.json"), load_aliases(HERE / "litellm_aliases.csv"),
                    set(launches), version)
    apply_corrections(cells)
    shaped = {model_id: shape_model(model_cells, version) for model_id, model_cells in cells.items()}
    for model_id in {r.model_id for r in kept_rows}:
        model_kept = [r for r in kept_rows if r.model_id == model_id]
        if any(r.effective_from != launches[model_id] for r in model_kept):
            raise SystemExit(f"{model_id}: kept rows start at another instant than model_launches.csv says")
        apply_kept(shaped.setdefault(model_id, {}), model_kept)
    for row in manual:
        tiers: Tiers = {row.above_input_tokens: _kept_tiers(row)}
        shaped.setdefault(row.model_id, {})[(row.price_scope, row.region_pattern)] = Priced(tiers, row.source)
    missing = sorted(set(launches) - set(shaped))
    if missing:
        raise SystemExit(f"no price found for {missing}")
    rows = [
        PriceRow(model_id, scope, pattern, tier, launches[model_id], "",
                 tuple(rates[c] for c in RATE_COLUMNS), priced.tier_sources.get(tier, priced.source))
        for model_id, model_cells in shaped.items()
        for (scope, pattern), priced in model_cells.items()
        for tier, rates in sorted(priced.tiers.items())
    ]
    return rows, shaped


def reason_for(disagreement: Disagreement, shaped: dict[str, dict[Cell, Priced]]) -> str:
    """Why the catalog differs from LiteLLM here (one of the rules above), or an error for an unexplained one."""
    priced = shaped[disagreement.model_id].get((disagreement.price_scope, disagreement.region_pattern))
    tags = priced.tags if priced else set()
    column = disagreement.field.split(">")[0]
    for (model_id, scope, region, corrected), (_value, why) in CORRECTIONS.items():
        if (disagreement.model_id, disagreement.price_scope, column) == (model_id, scope, corrected) and \
                region_matches(disagreement.region_pattern, region):
            return why
    if CLAUDE_1H in tags and column == "cache_write_1h_usd_per_mtok" and disagreement.theirs is None:
        return REASONS[CLAUDE_1H]
    if KEPT in tags and column == "cache_write_1h_usd_per_mtok" and disagreement.theirs is None:
        return REASONS[CLAUDE_1H]
    if (KEPT_SHAPE in tags or KEPT in tags) and column == "cache_read_usd_per_mtok" and disagreement.ours is None:
        return REASONS[KEPT_SHAPE]
    if TIER_DERIVED in tags and ">" in disagreement.field and disagreement.theirs is None:
        return REASONS[TIER_DERIVED]
    if PREMIUM in tags:
        return REASONS[PREMIUM]
    raise SystemExit(f"unexplained difference from LiteLLM: {disagreement}")


def write_differences(path: Path, rows: Iterable[tuple[Disagreement, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["model_id", "price_scope", "region_pattern", "field", "reason"])
        for disagreement, reason in rows:
            writer.writerow([*disagreement.key(), reason])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "seeds" / "model_pricing.csv")
    parser.add_argument("--differences", type=Path, default=HERE / "litellm_differences.csv")
    args = parser.parse_args(argv)
    import json

    version = json.loads((HERE / "litellm_bedrock_snapshot.json").read_text())["_meta"]["litellm_version"]
    rows, shaped = build(version)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "catalog.csv"
        write_catalog(draft, rows)
        found = crosscheck(draft, HERE / "litellm_bedrock_snapshot.json", HERE / "litellm_aliases.csv")
        explained = [(d, reason_for(d, shaped)) for d in found]
        write_catalog(args.out, rows)
    write_differences(args.differences, explained)
    print(f"{len(rows)} rows for {len(shaped)} models -> {args.out}; {len(explained)} differences -> "
          f"{args.differences}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
