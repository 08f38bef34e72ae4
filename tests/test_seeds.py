"""The pricing seed carries the public list prices the issue names (USD per 1M tokens)."""

from __future__ import annotations

import csv

import pytest

from conftest import REPO

# (model_id, scope) -> (input, output, cache read, cache write 5m); None = not carried
LIST_PRICES = {
    ("anthropic.claude-haiku-4-5-20251001-v1:0", "global"): (1, 5, 0.10, 1.25),
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", "global"): (3, 15, 0.30, 3.75),
    ("anthropic.claude-opus-4-5-20251101-v1:0", "global"): (5, 25, 0.50, 6.25),
    **{("anthropic.claude-opus-4-1-20250805-v1:0", s): (15, 75, 1.50, 18.75) for s in ("global", "geo", "in_region")},
    **{("anthropic.claude-opus-4-20250514-v1:0", s): (15, 75, 1.50, 18.75) for s in ("global", "geo", "in_region")},
    **{("anthropic.claude-sonnet-4-20250514-v1:0", s): (3, 15, 0.30, 3.75) for s in ("global", "geo", "in_region")},
    ("anthropic.claude-3-5-haiku-20241022-v1:0", "in_region"): (0.80, 4, 0.08, 1.0),
    ("anthropic.claude-3-haiku-20240307-v1:0", "in_region"): (0.25, 1.25, None, None),
    ("amazon.nova-micro-v1:0", "in_region"): (0.035, 0.14, None, None),
    ("amazon.nova-lite-v1:0", "in_region"): (0.06, 0.24, None, None),
    ("amazon.nova-pro-v1:0", "in_region"): (0.80, 3.20, None, None),
    ("amazon.titan-embed-text-v2:0", "in_region"): (0.02, None, None, None),
    ("meta.llama3-3-70b-instruct-v1:0", "in_region"): (0.72, 0.72, None, None),
}
CLAUDE_45 = ["anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0",
             "anthropic.claude-opus-4-5-20251101-v1:0"]


@pytest.fixture(scope="module")
def seed() -> dict[tuple[str, str], tuple]:
    def num(v: str) -> float | None:
        return float(v) if v else None

    with (REPO / "seeds" / "model_pricing.csv").open() as handle:
        return {(r["model_id"], r["price_scope"]): tuple(num(r[c]) for c in (
            "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok", "cache_write_usd_per_mtok"))
            for r in csv.DictReader(handle)
            if not r["effective_to"] and r["region_pattern"] == "%" and r["above_input_tokens"] == "0"}


def test_list_prices(seed: dict) -> None:
    for key, prices in LIST_PRICES.items():
        carried = seed[key]
        assert [p is None for p in carried] == [p is None for p in prices], key
        assert [p for p in carried if p is not None] == pytest.approx([p for p in prices if p is not None]), key


@pytest.mark.parametrize("model_id", CLAUDE_45)
@pytest.mark.parametrize("scope", ["geo", "in_region"])
def test_claude_45_costs_ten_percent_more_outside_global(seed: dict, model_id: str, scope: str) -> None:
    base = seed[(model_id, "global")]
    assert seed[(model_id, scope)] == pytest.approx(tuple(1.1 * p for p in base))
