"""The price catalog against LiteLLM's snapshot (deliberate differences only), its coverage, and its own sanity.

Expectations are computed here from the snapshot's and the catalog's own numbers, or written out by hand;
bedrock_costs.price_crosscheck is the code under test, never the source of an expected value.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from bedrock_costs.price_crosscheck import crosscheck
from conftest import REPO

CATALOG = REPO / "seeds" / "model_pricing.csv"
SNAPSHOT = REPO / "pricing" / "litellm_bedrock_snapshot.json"
ALIASES = REPO / "pricing" / "litellm_aliases.csv"
DIFFERENCES = REPO / "pricing" / "litellm_differences.csv"
KEPT = REPO / "pricing" / "kept_rows.csv"
RATES = ("input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok", "cache_write_usd_per_mtok",
         "cache_write_1h_usd_per_mtok")
HEADER = ("model_id,price_scope,region_pattern,above_input_tokens,effective_from,effective_to,input_usd_per_mtok,"
          "output_usd_per_mtok,cache_read_usd_per_mtok,cache_write_usd_per_mtok,cache_write_1h_usd_per_mtok,source")
# Claude 4.5 and later: geo and in-region cost 1.1x the global price.
CLAUDE_45_PLUS = re.compile(r"^anthropic\.claude-((haiku|sonnet|opus)-(4-[5-9]|[5-9])|fable-|mythos-)")


def rows(path: Path = CATALOG) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def num(text: str) -> float | None:
    return float(text) if text else None


# ---------------------------------------------------------------------------------------------- (a) LiteLLM


def test_every_disagreement_with_litellm_is_a_listed_deliberate_difference() -> None:
    found = {d.key(): d for d in crosscheck(CATALOG, SNAPSHOT, ALIASES)}
    listed = {(r["model_id"], r["price_scope"], r["region_pattern"], r["field"]): r["reason"]
              for r in rows(DIFFERENCES)}
    unlisted = sorted(set(found) - set(listed))
    stale = sorted(set(listed) - set(found))
    assert not unlisted, "disagreements not in pricing/litellm_differences.csv:\n" + "\n".join(
        f"{k} ours={found[k].ours} theirs={found[k].theirs} ({found[k].litellm_key})" for k in unlisted)
    assert not stale, f"listed differences that no longer exist: {stale}"
    assert all(reason.strip() for reason in listed.values())


def test_a_changed_price_is_caught(tmp_path: Path) -> None:
    """Plant one wrong price; the cross-check reports it against the snapshot's own number."""
    snapshot = json.loads(SNAPSHOT.read_text())["entries"]
    theirs = snapshot["amazon.nova-micro-v1:0"]["input_cost_per_token"] * 1e6
    planted = tmp_path / "catalog.csv"
    text = CATALOG.read_text().replace(
        "amazon.nova-micro-v1:0,in_region,%,0,2024-12-03 00:00:00,,0.035,",
        "amazon.nova-micro-v1:0,in_region,%,0,2024-12-03 00:00:00,,0.04,")
    assert text != CATALOG.read_text()
    planted.write_text(text)
    before = {d.key() for d in crosscheck(CATALOG, SNAPSHOT, ALIASES)}
    found = [d for d in crosscheck(planted, SNAPSHOT, ALIASES) if d.key() not in before]
    assert [(d.model_id, d.price_scope, d.region_pattern, d.field, d.ours) for d in found] == [
        ("amazon.nova-micro-v1:0", "in_region", "%", "input_usd_per_mtok", 0.04)]
    assert found[0].theirs == pytest.approx(theirs) == pytest.approx(0.035)


def test_a_missing_scope_is_caught(tmp_path: Path) -> None:
    planted = tmp_path / "catalog.csv"
    shutil.copy(CATALOG, planted)
    kept = [line for line in planted.read_text().splitlines(keepends=True)
            if not line.startswith("anthropic.claude-opus-4-7,global,")]
    planted.write_text("".join(kept))
    found = [d for d in crosscheck(planted, SNAPSHOT, ALIASES) if d.model_id == "anthropic.claude-opus-4-7"]
    assert ("global", "price_scope") in {(d.price_scope, d.field) for d in found}


# ---------------------------------------------------------------------------------------------- (b) coverage


def litellm_base_ids() -> tuple[set[str], set[str]]:
    """LiteLLM's Bedrock chat and embedding base ids, normalised here (independently of price_crosscheck):
    strip bedrock/, converse/, a Region, a commitment, a geo or global prefix. Claude Platform on AWS entries are
    another product (not Bedrock model ids) and are left out; aliases map to the Bedrock id or drop a non-model.
    Returns (raw normalised ids, ids after the alias file)."""
    entries = json.loads(SNAPSHOT.read_text())["entries"]
    aliases = {r["litellm_id"]: r["model_id"] for r in rows(ALIASES)}
    raw: set[str] = set()
    for key, entry in entries.items():
        assert entry["litellm_provider"] in ("bedrock", "bedrock_converse")
        if entry["mode"] not in ("chat", "embedding"):
            continue
        name = re.sub(r"^bedrock/", "", key)
        name = re.sub(r"^(converse|invoke)/", "", name)
        if name.startswith("claude_platform/"):
            continue
        name = re.sub(r"^(\*|[a-z]{2}(-gov)?-[a-z]+-\d)/", "", name)
        if re.match(r"^\d+-month-commitment/", name):
            continue
        name = re.sub(r"^(us-gov|us|eu|apac|jp|au|ca|in|global)\.", "", name)
        raw.add(name)
    mapped = {aliases.get(name, name) for name in raw} - {""}
    return raw, mapped


def test_catalog_covers_95_percent_of_litellm_bedrock_models() -> None:
    catalog = {r["model_id"] for r in rows()}
    raw, ids = litellm_base_ids()
    covered = ids & catalog
    share = len(covered) / len(ids)
    print(f"\ncoverage vs LiteLLM Bedrock chat+embedding ids: {len(covered)} of {len(ids)} = {share:.1%} "
          f"({len(raw)} normalised keys before aliases; not covered: {sorted(ids - catalog)})")
    assert share >= 0.95
    assert len(ids) >= 120  # the snapshot is not trimmed to the catalog


# ---------------------------------------------------------------------------------------------- (c) sanity


def test_header_and_order() -> None:
    lines = CATALOG.read_text().splitlines()
    assert lines[0] == HEADER
    keys = [(r["model_id"], r["price_scope"], r["region_pattern"], int(r["above_input_tokens"]), r["effective_from"])
            for r in rows()]
    assert keys == sorted(keys)


def test_values_are_well_formed() -> None:
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    for r in rows():
        assert r["price_scope"] in ("global", "geo", "in_region"), r
        assert stamp.match(r["effective_from"]) and (not r["effective_to"] or stamp.match(r["effective_to"])), r
        assert not r["model_id"].startswith(("us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov.", "global.")), r
        assert r["input_usd_per_mtok"], r
        assert int(r["above_input_tokens"]) >= 0, r
        assert r["source"].strip(), r
        for column in RATES:
            value = num(r[column])
            assert value is None or value >= 0, (r, column)


def test_no_overlapping_periods() -> None:
    periods: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for r in rows():
        periods[(r["model_id"], r["price_scope"], r["region_pattern"], r["above_input_tokens"])].append(
            (r["effective_from"], r["effective_to"] or "9999-12-31 00:00:00"))
    for key, spans in periods.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, key
        assert all(start < end for start, end in spans), key


def test_every_long_context_row_has_a_standard_row() -> None:
    standard = {(r["model_id"], r["price_scope"], r["region_pattern"], r["effective_from"])
                for r in rows() if r["above_input_tokens"] == "0"}
    for r in rows():
        if r["above_input_tokens"] != "0":
            assert (r["model_id"], r["price_scope"], r["region_pattern"], r["effective_from"]) in standard, r


def test_every_model_has_a_row_for_every_region() -> None:
    models = {r["model_id"] for r in rows()}
    everywhere = {r["model_id"] for r in rows() if r["region_pattern"] == "%"}
    assert models == everywhere


def test_claude_45_and_later_cost_ten_percent_more_outside_global() -> None:
    by_key = {(r["model_id"], r["price_scope"], r["region_pattern"], r["above_input_tokens"], r["effective_from"]): r
              for r in rows()}
    compared = 0
    for (model_id, scope, pattern, tier, start), r in by_key.items():
        base = by_key.get((model_id, "global", pattern, tier, start))
        if not CLAUDE_45_PLUS.match(model_id) or scope == "global" or base is None:
            continue
        for column in RATES:
            ours, global_rate = num(r[column]), num(base[column])
            assert (ours is None) == (global_rate is None), (model_id, scope, column)
            if ours is not None and global_rate is not None:
                assert abs(ours - 1.1 * global_rate) <= 1e-9, (model_id, scope, pattern, tier, column)
                compared += 1
    assert compared > 100


def test_long_context_tiers_hand_checked() -> None:
    """Sonnet 4.5 and Sonnet 4 bill the whole request at long-context rates above 200,000 input tokens."""
    def rates(model: str, scope: str, pattern: str, tier: str) -> tuple[float | None, ...]:
        found = [r for r in rows() if (r["model_id"], r["price_scope"], r["region_pattern"], r["above_input_tokens"])
                 == (model, scope, pattern, tier) and not r["effective_to"]]
        assert len(found) == 1, (model, scope, pattern, tier)
        return tuple(num(found[0][c]) for c in RATES)

    sonnet45, sonnet4 = "anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-20250514-v1:0"
    assert rates(sonnet45, "global", "%", "200000") == pytest.approx((6, 22.5, 0.6, 7.5, 12))
    assert rates(sonnet45, "geo", "%", "200000") == pytest.approx((6.6, 24.75, 0.66, 8.25, 13.2))
    assert rates(sonnet45, "in_region", "%", "200000") == pytest.approx((6.6, 24.75, 0.66, 8.25, 13.2))
    assert rates(sonnet45, "geo", "us-gov-%", "0") == pytest.approx((3.6, 18, 0.36, 4.5, 7.2))
    assert rates(sonnet45, "in_region", "us-gov-%", "200000")[:2] == pytest.approx((7.2, 27))
    for scope in ("global", "geo", "in_region"):
        assert rates(sonnet4, scope, "%", "200000")[:4] == pytest.approx((6, 22.5, 0.6, 7.5))
    for model in ("anthropic.claude-sonnet-4-6", "anthropic.claude-opus-4-6-v1"):  # 1M context, no surcharge
        assert {r["above_input_tokens"] for r in rows() if r["model_id"] == model} == {"0"}


def test_the_seeds_models_keep_their_rows() -> None:
    """The rows the seed had before the catalog (pricing/kept_rows.csv, as committed then) are all still there."""
    current = {tuple(r.values()) for r in rows()}
    kept = rows(KEPT)
    assert len(kept) == 31 and len({r["model_id"] for r in kept}) == 13
    assert [r for r in kept if tuple(r.values()) not in current] == []


def test_recent_claude_ids_are_bedrock_ids() -> None:
    models = {r["model_id"] for r in rows()}
    assert {"anthropic.claude-opus-4-6-v1", "anthropic.claude-sonnet-4-6", "anthropic.claude-opus-4-7",
            "anthropic.claude-opus-4-8", "anthropic.claude-sonnet-5", "anthropic.claude-opus-5"} <= models
    assert not {m for m in models if re.search(r"claude-(opus|sonnet|haiku)-(4-[6-9]|5).*:0$", m)}
