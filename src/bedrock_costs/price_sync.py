"""Compare the price catalog (seeds/model_pricing.csv) with the AWS Price List; with --write, add dated rows.

Reads the Price List API (``pricing:GetProducts``, endpoint us-east-1) for the service codes that price Bedrock
models: AmazonBedrock (Amazon and open-weight models, per 1K tokens), AmazonBedrockFoundationModels (Marketplace
models: Claude, Cohere, AI21, Writer..., per 1M tokens) and AmazonBedrockService (a few Claude models AWS bills
itself). Prints the difference: new models, changed prices, models no longer listed.

--write appends one row per new model and changed price, effective from --effective-from (default: now, UTC),
and closes the open row it supersedes by setting that row's effective_to to the same instant. It never changes
a past rate. Run it again and it says "up to date".

    bedrock-costs sync-prices [--write [--dry-run]] [--effective-from 'YYYY-MM-DD HH:MM:SS'] [--catalog PATH]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from bedrock_costs.aws import error_code, make_session
from bedrock_costs.cli import command_parser, run_guarded
from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.price_crosscheck import (
    CATALOG_COLUMNS,
    RATE_COLUMNS,
    TIMESTAMP,
    PriceRow,
    format_rate,
    read_catalog,
    region_matches,
    resolve,
)
from bedrock_costs.results import progress
from bedrock_costs.tables import table

SERVICE_CODES = ("AmazonBedrock", "AmazonBedrockFoundationModels", "AmazonBedrockService")
PRICE_LIST_ENDPOINT = "us-east-1"
DEFAULT_CATALOG = Path("seeds/model_pricing.csv")
DEFAULT_MODEL_MAP = Path("seeds/price_list_model_map.csv")
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}

# usagetype words of prices that are not the on-demand standard rate, or not per text token
_NOT_ON_DEMAND = re.compile(
    r"(^|-)(batch|flex|priority|latency-optimized|provisioned|reserved|customization|custom-model|storage|training"
    r"|tpm|model-units?|search-units?|guardrail)(-|$)"
)
_NOT_TEXT = re.compile(r"(^|-)(image|images|audio|video|speech|second|seconds|request|requests|query)(-|$)")
_MANTLE_ID = re.compile(r"^[A-Z0-9]+-(?P<id>[a-z0-9-]+\.[a-z0-9.:-]+?)-mantle-")
_USAGETYPE_KEY = re.compile(r"^[A-Z0-9]+-(?P<key>.+?)-(text-)?(input|output|cache)")


@dataclass(frozen=True)
class ListedPrice:
    """One per-token on-demand price of the Price List, in USD per 1M tokens."""

    name: str  # the Bedrock id (mantle usagetypes), else the model name, servicename or usagetype key
    column: str  # a catalog rate column
    scope: str  # "global", "geo" (cross-region, not global) or "standard" (in-region; geo calls pay it too)
    long_context: bool
    region: str
    usd_per_mtok: float
    usagetype: str


@dataclass(frozen=True)
class Mapping:
    model_id: str
    long_context_above_tokens: int | None


@dataclass(frozen=True)
class Observation:
    """What the Price List says one model costs in one Region, scope and tier (only the columns it lists)."""

    model_id: str
    scope: str
    region: str
    tier: int
    rates: tuple[tuple[str, float], ...]

    def rate_map(self) -> dict[str, float]:
        return dict(self.rates)


@dataclass(frozen=True)
class Change:
    """One row the sync appends, and the open row it closes (None for a new model, scope, Region or tier)."""

    what: str  # "new model", "changed price", "new Region price", "new tier"
    row: PriceRow
    supersedes: PriceRow | None
    fields: tuple[tuple[str, float | None, float | None], ...]  # (column, catalog, Price List)


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------- reading


def fetch_price_list(session: boto3.Session, region: str = PRICE_LIST_ENDPOINT,
                     service_codes: Sequence[str] = SERVICE_CODES, price_regions: Sequence[str] = (),
                     report: Callable[[str], None] = progress) -> list[str]:
    """Every ``PriceList`` item (a JSON string) of the service codes, all pages; ``price_regions`` narrows by
    regionCode."""
    client = session.client("pricing", region_name=region)
    items: list[str] = []
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": r} for r in price_regions]
    for code in service_codes:
        pages = 0
        for scoped_filter in ([[f] for f in filters] or [[]]):
            kwargs: dict[str, Any] = {"ServiceCode": code, "FormatVersion": "aws_v1", "MaxResults": 100}
            if scoped_filter:
                kwargs["Filters"] = scoped_filter
            for page in client.get_paginator("get_products").paginate(**kwargs):
                pages += 1
                items.extend(page.get("PriceList", []))
        report(f"{code}: {pages} page(s), {len(items)} products so far")
    return items


def per_million(unit: str, usd: str, per_million_units: bool) -> float | None:
    """USD per 1M tokens from a price dimension (decimal arithmetic: "0.0008" per 1K is exactly 0.8); None for a
    unit that is not tokens."""
    text, price = unit.strip().lower(), Decimal(usd)
    if text in ("1k tokens", "1k token", "1,000 tokens", "thousand tokens"):
        return float(price * 1000)
    if text in ("1m tokens", "1m token", "million tokens", "1,000,000 tokens"):
        return float(price)
    if text in ("tokens", "token"):
        return float(price * 1_000_000)
    if text == "units" and per_million_units:
        return float(price)  # AmazonBedrockFoundationModels: "<kind>-Units" priced per 1M tokens
    return None


def _normalised(usagetype: str) -> str:
    body = re.sub(r"^[A-Z0-9]+-(MP:[A-Z0-9]+_)?", "", usagetype).removesuffix("-Units")
    body = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", body)
    return body.lower().replace("_", "-")


def classify_usagetype(usagetype: str) -> tuple[str, str, bool] | None:
    """(catalog column, scope, long context) of a usagetype; None for anything but an on-demand text-token price."""
    words = _normalised(usagetype)
    if _NOT_ON_DEMAND.search(words) or _NOT_TEXT.search(words):
        return None
    if re.search(r"cache-?read", words):
        column = "cache_read_usd_per_mtok"
    elif re.search(r"cache-?write", words):
        column = "cache_write_1h_usd_per_mtok" if re.search(r"(^|-)1h(-|$)|write-?1h", words) \
            else "cache_write_usd_per_mtok"
    elif re.search(r"(^|-)input(-|$)", words):
        column = "input_usd_per_mtok"
    elif re.search(r"(^|-)(output|response)(-|$)", words):
        column = "output_usd_per_mtok"
    else:
        return None
    if re.search(r"(^|-)global(-|$)", words):
        scope = "global"
    elif "cross-region" in words:
        scope = "geo"
    else:
        scope = "standard"
    long_context = re.search(r"long-?ctx|lctx|long-context", words) is not None
    return column, scope, long_context


def _model_name(attributes: dict[str, str], usagetype: str) -> str | None:
    mantle = _MANTLE_ID.match(usagetype)
    if mantle:
        return mantle["id"]
    name = attributes.get("model") or attributes.get("titanModel") or ""
    if not name:
        name = re.sub(r"\s*\(Amazon Bedrock Edition\)\s*$", "", attributes.get("servicename", ""))
        if name in ("Amazon Bedrock", "Amazon Bedrock Service"):
            name = ""
    if not name:
        key = _USAGETYPE_KEY.match(usagetype)
        name = key["key"] if key else ""
    return name or None


def parse_price_item(item: str) -> list[ListedPrice]:
    """The on-demand token prices of one ``PriceList`` JSON string (usually one; none for other products)."""
    data = json.loads(item)
    product = data.get("product", {})
    attributes: dict[str, str] = product.get("attributes", {})
    usagetype = attributes.get("usagetype", "")
    region = attributes.get("regionCode", "")
    if not usagetype or not region or re.search(r"batch|provisioned|customization|reserved",
                                                 attributes.get("feature", ""), re.IGNORECASE):
        return []
    kind = classify_usagetype(usagetype)
    name = _model_name(attributes, usagetype)
    if kind is None or name is None:
        return []
    column, scope, long_context = kind
    per_million_units = data.get("serviceCode") == "AmazonBedrockFoundationModels" or "-MP:" in usagetype
    prices: list[ListedPrice] = []
    for term in data.get("terms", {}).get("OnDemand", {}).values():
        for dimension in term.get("priceDimensions", {}).values():
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is None:
                continue
            value = per_million(dimension.get("unit", ""), str(usd), per_million_units)
            if value is not None:
                prices.append(ListedPrice(name, column, scope, long_context, region, value, usagetype))
    return prices


def load_model_map(path: Path) -> dict[str, list[Mapping]]:
    """Price List model names -> catalog ids (a name may stand for several ids)."""
    out: dict[str, list[Mapping]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            above = row.get("long_context_above_tokens") or ""
            out.setdefault(row["price_list_model_name"], []).append(
                Mapping(row["model_id"], int(above) if above else None))
    return out


def observations(prices: Iterable[ListedPrice], model_map: dict[str, list[Mapping]], catalog: Sequence[PriceRow],
                 warnings: list[str]) -> tuple[list[Observation], list[str]]:
    """Listed prices grouped per (model, scope, Region, tier); and the names no mapping knows."""
    known = {r.model_id for r in catalog}
    tiers = {r.model_id: r.above_input_tokens for r in catalog if r.above_input_tokens}
    grouped: dict[tuple[str, str, str, int], dict[str, float]] = {}
    unmapped: set[str] = set()
    for price in prices:
        mappings = model_map.get(price.name) or ([Mapping(price.name, None)] if price.name in known else [])
        if not mappings:
            unmapped.add(price.name)
            continue
        for mapping in mappings:
            tier = 0
            if price.long_context:
                threshold = tiers.get(mapping.model_id) or mapping.long_context_above_tokens
                if threshold is None:
                    warnings.append(f"{mapping.model_id}: long-context price {price.usagetype} has no threshold "
                                    "(set long_context_above_tokens in seeds/price_list_model_map.csv); skipped")
                    continue
                tier = threshold
            grouped.setdefault((mapping.model_id, price.scope, price.region, tier), {})[price.column] = \
                price.usd_per_mtok
    found = [Observation(m, s, r, t, tuple(sorted(rates.items()))) for (m, s, r, t), rates in sorted(grouped.items())]
    return found, sorted(unmapped)


# ---------------------------------------------------------------------------------------------------- planning


def _differs(old: float | None, new: float) -> bool:
    return old is None or abs(old - new) > 1e-9 * max(1.0, abs(new))


def _scopes_for(scope: str, catalog_scopes: set[str]) -> list[str]:
    """Catalog scopes a listed scope prices: a standard (regional) price is what in-region and geo calls pay."""
    if scope != "standard":
        return [scope]
    present = [s for s in ("in_region", "geo") if s in catalog_scopes]
    return present or ["in_region", "geo"]


def _new_row(model_id: str, scope: str, pattern: str, tier: int, base: Sequence[float | None],
             rates: dict[str, float], instant: str, source: str) -> PriceRow:
    merged = tuple(rates.get(c, base[i]) for i, c in enumerate(RATE_COLUMNS))
    return PriceRow(model_id, scope, pattern, tier, instant, "", merged, source)


def _plurality(values: Sequence[tuple[tuple[str, float], ...]]) -> tuple[tuple[str, float], ...]:
    return Counter(values).most_common(1)[0][0]


def plan_sync(catalog: Sequence[PriceRow], found: Sequence[Observation], instant: str, source: str) -> Plan:
    """The rows to append (and close) so the catalog in force at ``instant`` says what the Price List says."""
    plan = Plan()
    scopes_of: dict[str, set[str]] = {}
    for row in catalog:
        scopes_of.setdefault(row.model_id, set()).add(row.price_scope)
    groups: dict[tuple[str, str, str, int], dict[str, tuple[tuple[str, float], ...]]] = {}
    for obs in found:
        catalog_scopes = scopes_of.get(obs.model_id, set())
        for scope in _scopes_for(obs.scope, catalog_scopes):
            pattern = "%"
            if catalog_scopes:
                resolved = resolve(catalog, obs.model_id, scope, obs.region, instant)
                pattern = next(iter(resolved.values())).region_pattern if resolved else "%"
            groups.setdefault((obs.model_id, scope, pattern, obs.tier), {})[obs.region] = obs.rates
    for (model_id, scope, pattern, tier), by_region in sorted(groups.items()):
        current = resolve(catalog, model_id, scope, _probe(pattern, by_region), instant)
        open_row = current.get(tier) if current and next(iter(current.values())).region_pattern == pattern else None
        home = by_region.get("us-east-1") if pattern == "%" else None
        target = home or _plurality(list(by_region.values()))
        plan.changes.extend(_changes_for(model_id, scope, pattern, tier, open_row, dict(target), scopes_of,
                                         instant, source))
        base = open_row.rates if open_row else tuple(dict(target).get(c) for c in RATE_COLUMNS)
        for region, rates in sorted(by_region.items()):
            if rates != target and region != pattern:
                row = _new_row(model_id, scope, region, tier, base, dict(rates), instant, source)
                plan.changes.append(Change("new Region price", row, None,
                                           tuple((c, None, v) for c, v in rates)))
    listed = {obs.model_id for obs in found}
    plan.vanished = sorted({r.model_id for r in catalog if not r.effective_to} - listed)
    return plan


def _probe(pattern: str, by_region: dict[str, tuple[tuple[str, float], ...]]) -> str:
    return next((r for r in sorted(by_region) if region_matches(pattern, r)), pattern)


def _changes_for(model_id: str, scope: str, pattern: str, tier: int, open_row: PriceRow | None,
                 target: dict[str, float], scopes_of: dict[str, set[str]], instant: str, source: str) -> list[Change]:
    if open_row is None:
        what = "new model" if model_id not in scopes_of else "new tier" if tier else "new scope"
        row = _new_row(model_id, scope, pattern, tier, (None,) * len(RATE_COLUMNS), target, instant, source)
        return [Change(what, row, None, tuple((c, None, v) for c, v in sorted(target.items())))]
    diffs = tuple((c, open_row.rate(c), v) for c, v in sorted(target.items()) if _differs(open_row.rate(c), v))
    if not diffs:
        return []
    if open_row.effective_from >= instant:
        raise InputError(f"{model_id} {scope} {pattern}: its open row starts at {open_row.effective_from}, "
                         f"not before --effective-from {instant}")
    row = _new_row(model_id, scope, pattern, tier, open_row.rates, target, instant, source)
    return [Change("changed price", row, open_row, diffs)]


# ---------------------------------------------------------------------------------------------------- writing


def _line(values: dict[str, str]) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=CATALOG_COLUMNS, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _key(values: dict[str, str]) -> tuple[str, str, str, int, str]:
    return (values["model_id"], values["price_scope"], values["region_pattern"], int(values["above_input_tokens"]),
            values["effective_from"])


def write_plan(catalog_path: Path, plan: Plan) -> int:
    """Append the plan's rows and close the rows they supersede; every other line stays byte for byte."""
    text = catalog_path.read_text()
    header, *lines = text.splitlines(keepends=True)
    closing = {_key(c.supersedes.as_csv()): c.row.effective_from for c in plan.changes if c.supersedes}
    kept: list[tuple[tuple[str, str, str, int, str], str]] = []
    for line in lines:
        values = next(csv.DictReader(io.StringIO(header + line)))
        key = _key(values)
        if key in closing and not values["effective_to"]:
            values["effective_to"] = closing.pop(key)
            line = _line(values)
        kept.append((key, line if line.endswith("\n") else line + "\n"))
    if closing:
        raise SetupError("CatalogChanged", f"{catalog_path} changed while planning: rows to close are gone: "
                                           f"{sorted(closing)}")
    added = [(_key(c.row.as_csv()), _line(c.row.as_csv())) for c in plan.changes]
    catalog_path.write_text(header + "".join(line for _key_, line in sorted(kept + added, key=lambda kl: kl[0])))
    return len(added)


# ---------------------------------------------------------------------------------------------------- command


def render(plan: Plan) -> str:
    """The diff as tables: rows to append (and the prices that changed), models no longer listed, unmapped names."""
    parts: list[str] = []
    if plan.changes:
        rows = [(c.what, c.row.model_id, c.row.price_scope, c.row.region_pattern, c.row.above_input_tokens, column,
                 format_rate(old) or "-", format_rate(new) or "-")
                for c in plan.changes for column, old, new in c.fields]
        parts.append(table(("change", "model_id", "scope", "region", "above", "field", "catalog", "price list"),
                           rows, right=(4, 6, 7)))
    if plan.vanished:
        parts.append("No longer listed (the catalog keeps their rows):\n" + "\n".join(f"  {m}" for m in plan.vanished))
    if plan.unmapped:
        parts.append("Price List names with no catalog id (add them to seeds/price_list_model_map.csv):\n"
                     + "\n".join(f"  {n}" for n in plan.unmapped))
    if not plan.changes:
        parts.append("The catalog is up to date with the Price List.")
    return "\n\n".join(parts)


def sync(session: boto3.Session, catalog_path: Path, model_map_path: Path, instant: str, region: str,
         price_regions: Sequence[str] = ()) -> Plan:
    """Read the Price List and the catalog; plan what to append."""
    catalog = read_catalog(catalog_path)
    prices = [p for item in fetch_price_list(session, region, price_regions=price_regions)
              for p in parse_price_item(item)]
    warnings: list[str] = []
    found, unmapped = observations(prices, load_model_map(model_map_path), catalog, warnings)
    progress(f"{len(prices)} token prices for {len({o.model_id for o in found})} catalog models")
    plan = plan_sync(catalog, found, instant, f"aws-price-list {instant[:10]}")
    plan.unmapped, plan.warnings = unmapped, warnings + plan.warnings
    return plan


def _instant(text: str | None) -> str:
    if text is None:
        return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if not TIMESTAMP.match(text):
        raise InputError(f"--effective-from {text!r} is not 'YYYY-MM-DD HH:MM:SS' (UTC)")
    return text


def _pricing_denied(body: Callable[[], int]) -> Callable[[], int]:
    """Name the permission GetProducts needs when AWS denies it."""
    def guarded() -> int:
        try:
            return body()
        except ClientError as error:
            if error_code(error) in _DENIED:
                raise SetupError("AccessDenied", f"{error.operation_name} on the Price List was denied: grant the "
                                                 "operator pricing:GetProducts") from error
            raise
    return guarded


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("sync-prices", __doc__)
    parser.set_defaults(region=PRICE_LIST_ENDPOINT)
    parser.add_argument("--write", action="store_true", help="append the new and changed rows to the catalog")
    parser.add_argument("--effective-from", help="UTC instant of the new rows, 'YYYY-MM-DD HH:MM:SS' (default: now)")
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, help="the catalog CSV (%(default)s)")
    parser.add_argument("--model-map", type=Path, default=DEFAULT_MODEL_MAP, help="Price List names -> model ids")
    parser.add_argument("--price-region", action="append", default=[], metavar="REGION",
                        help="read only this Region's prices (repeatable; default: every Region)")
    args = parser.parse_args(argv)

    def body() -> int:
        instant = _instant(args.effective_from)
        if not args.catalog.is_file():
            raise InputError(f"no catalog at {args.catalog}: pass --catalog PATH")
        plan = sync(make_session(args.profile, args.region), args.catalog, args.model_map, instant, args.region,
                    args.price_region)
        for warning in plan.warnings:
            print(f"WARN: {warning}", file=sys.stderr)
        print(render(plan))
        if args.write and plan.changes:
            if args.dry_run:
                print(f"\n--dry-run: would append {len(plan.changes)} row(s) and close "
                      f"{sum(1 for c in plan.changes if c.supersedes)} to {args.catalog}:")
                print("".join(_line(c.row.as_csv()) for c in plan.changes), end="")
            else:
                added = write_plan(args.catalog, plan)
                print(f"\nappended {added} row(s) to {args.catalog}, effective from {instant}")
        return 0

    return run_guarded(_pricing_denied(body))


if __name__ == "__main__":
    raise SystemExit(main())
