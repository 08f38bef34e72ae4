"""sync-prices against a stubbed Price List API (botocore Stubber; moto does not implement pricing:GetProducts).

Responses are shaped like the documented GetProducts output: FormatVersion, PriceList as a list of JSON strings
(product.attributes, terms.OnDemand.<sku>.<term>.priceDimensions.<rate>.unit / pricePerUnit.USD) and NextToken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bedrock_costs import price_sync
from bedrock_costs.price_sync import parse_price_item

HEADER = ("model_id,price_scope,region_pattern,above_input_tokens,effective_from,effective_to,input_usd_per_mtok,"
          "output_usd_per_mtok,cache_read_usd_per_mtok,cache_write_usd_per_mtok,cache_write_1h_usd_per_mtok,source\n")
CATALOG = HEADER + (
    "amazon.nova-pro-v1:0,in_region,%,0,2024-12-03 00:00:00,,0.8,3.2,,,,Bedrock list price\n"
    "anthropic.claude-sonnet-4-5-20250929-v1:0,geo,%,0,2025-09-29 00:00:00,,3.3,16.5,0.33,4.125,6.6,seed\n"
    "anthropic.claude-sonnet-4-5-20250929-v1:0,global,%,0,2025-09-29 00:00:00,,3,15,0.3,3.75,6,seed\n"
    "meta.llama3-3-70b-instruct-v1:0,in_region,%,0,2024-12-19 00:00:00,,0.72,0.72,,,,seed\n"
)
MODEL_MAP = ("price_list_model_name,model_id,long_context_above_tokens,note\n"
             "Nova Pro,amazon.nova-pro-v1:0,,\nNova Premier,amazon.nova-premier-v1:0,,\n"
             "Claude Sonnet 4.5,anthropic.claude-sonnet-4-5-20250929-v1:0,200000,\n")
INSTANT = "2026-12-01 00:00:00"


def item(service: str, sku: str, attributes: dict[str, str], unit: str, usd: str) -> str:
    """One PriceList entry as the API returns it: a JSON string."""
    term = f"{sku}.JRTCKXETXF"
    return json.dumps({
        "product": {"productFamily": "Amazon Bedrock", "sku": sku,
                    "attributes": {"servicecode": service, "locationType": "AWS Region", **attributes}},
        "serviceCode": service,
        "terms": {"OnDemand": {term: {
            "offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z", "termAttributes": {},
            "priceDimensions": {f"{term}.6YS6EN2CT7": {
                "unit": unit, "beginRange": "0", "endRange": "Inf", "appliesTo": [], "rateCode": f"{term}.6YS6EN2CT7",
                "description": f"{usd} per {unit}", "pricePerUnit": {"USD": usd}}}}}},
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    })


def bedrock(sku: str, model: str, usagetype: str, usd: str, region: str = "us-east-1") -> str:
    kind = "Output tokens" if "output" in usagetype else "Input tokens"
    return item("AmazonBedrock", sku, {"model": model, "usagetype": usagetype, "regionCode": region,
                                       "location": "US East (N. Virginia)", "inferenceType": kind,
                                       "feature": "On-demand Inference"}, "1K tokens", usd)


def marketplace(sku: str, name: str, usagetype: str, usd: str, region: str = "us-east-1") -> str:
    return item("AmazonBedrockFoundationModels", sku, {"servicename": f"{name} (Amazon Bedrock Edition)",
                                                       "usagetype": usagetype, "regionCode": region,
                                                       "location": "US East (N. Virginia)"}, "Units", usd)


PAGES: dict[str, list[list[str]]] = {
    "AmazonBedrock": [
        [bedrock("A1", "Nova Pro", "USE1-NovaPro-input-tokens", "0.0008000000"),
         bedrock("A2", "Nova Pro", "USE1-NovaPro-output-tokens", "0.0036000000"),
         bedrock("A3", "Nova Pro", "USE1-NovaPro-input-tokens-batch", "0.0004000000")],
        [bedrock("A4", "Nova Premier", "USE1-NovaPremier-input-tokens", "0.0025000000"),
         bedrock("A5", "Nova Premier", "USE1-NovaPremier-output-tokens", "0.0125000000")],
    ],
    "AmazonBedrockFoundationModels": [
        [marketplace("F1", "Claude Sonnet 4.5", "USE1-MP:USE1_InputTokenCount_Global-Units", "3"),
         marketplace("F2", "Claude Sonnet 4.5", "USE1-MP:USE1_OutputTokenCount_Global-Units", "16"),
         marketplace("F3", "Claude Sonnet 4.5", "USE1-MP:USE1_InputTokenCount-Units", "3.3"),
         marketplace("F4", "Claude Sonnet 4.5", "USE1-MP:USE1_OutputTokenCount-Units", "16.5")],
    ],
    "AmazonBedrockService": [[]],
}


class FakeSession:
    """Hands out the one stubbed pricing client (as boto3.Session.client would)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.regions: list[str | None] = []

    def client(self, service: str, region_name: str | None = None) -> Any:
        assert service == "pricing"
        self.regions.append(region_name)
        return self._client


def stubbed(pages: dict[str, list[list[str]]] = PAGES) -> tuple[Any, Stubber]:
    client = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x").client("pricing", region_name="us-east-1")
    stub = Stubber(client)
    for code, code_pages in pages.items():
        for n, page in enumerate(code_pages):
            params: dict[str, Any] = {"ServiceCode": code, "FormatVersion": "aws_v1", "MaxResults": 100}
            if n:
                params["NextToken"] = f"{code}-{n}"
            response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": page}
            if n + 1 < len(code_pages):
                response["NextToken"] = f"{code}-{n + 1}"
            stub.add_response("get_products", response, params)
    stub.activate()
    return client, stub


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    catalog, model_map = tmp_path / "model_pricing.csv", tmp_path / "map.csv"
    catalog.write_text(CATALOG)
    model_map.write_text(MODEL_MAP)
    return catalog, model_map


def run(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, *argv: str,
        pages: dict[str, list[list[str]]] = PAGES) -> tuple[int, FakeSession, Stubber]:
    client, stub = stubbed(pages)
    session = FakeSession(client)
    monkeypatch.setattr(price_sync, "make_session", lambda profile, region: session)
    catalog, model_map = files
    code = price_sync.main(["--catalog", str(catalog), "--model-map", str(model_map),
                            "--effective-from", INSTANT, *argv])
    return code, session, stub


def test_per_1k_prices_become_per_1m() -> None:
    [price] = parse_price_item(bedrock("X", "Llama 3.3 70B", "USE1-Llama3-3-70B-input-tokens", "0.0007200000"))
    assert (price.name, price.column, price.scope, price.usd_per_mtok) == (
        "Llama 3.3 70B", "input_usd_per_mtok", "standard", 0.72)
    assert parse_price_item(bedrock("Y", "Nova Pro", "USE1-NovaPro-input-tokens-batch", "0.0004")) == []
    [global_price] = parse_price_item(marketplace("Z", "Claude Sonnet 4.5", "USE1-MP:USE1_InputTokenCount_Global-Units",
                                                  "3"))
    assert (global_price.scope, global_price.usd_per_mtok) == ("global", 3.0)


def test_diff_lists_new_changed_and_vanished(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, session, stub = run(files, monkeypatch)
    out = capsys.readouterr().out
    assert code == 0
    stub.assert_no_pending_responses()
    assert session.regions == ["us-east-1"]
    lines = [" ".join(line.split()) for line in out.splitlines()]
    # a changed price: Nova Pro output 0.0036 per 1K = 3.6 per 1M (catalog 3.2); input 0.8 unchanged
    assert "changed price amazon.nova-pro-v1:0 in_region % 0 output_usd_per_mtok 3.2 3.6" in lines
    assert not any("amazon.nova-pro-v1:0" in line and "input_usd_per_mtok" in line for line in lines)
    # a new model, priced in-region and geo from its standard (regional) price
    assert "new model amazon.nova-premier-v1:0 in_region % 0 input_usd_per_mtok - 2.5" in lines
    assert "new model amazon.nova-premier-v1:0 geo % 0 output_usd_per_mtok - 12.5" in lines
    # global vs geo: the global output moved to 16, the geo (standard) rate 16.5 did not
    assert "changed price anthropic.claude-sonnet-4-5-20250929-v1:0 global % 0 output_usd_per_mtok 15 16" in lines
    assert not any("anthropic.claude-sonnet-4-5-20250929-v1:0 geo" in line for line in lines)
    # a vanished model
    assert "No longer listed (the catalog keeps their rows):" in out
    assert "  meta.llama3-3-70b-instruct-v1:0" in out.splitlines()


def test_write_appends_and_closes_only_what_changed(files: tuple[Path, Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    catalog, _ = files
    before = catalog.read_text().splitlines()
    code, _, _ = run(files, monkeypatch, "--write")
    after = catalog.read_text().splitlines()
    assert code == 0
    closed_nova = ("amazon.nova-pro-v1:0,in_region,%,0,2024-12-03 00:00:00,2026-12-01 00:00:00,0.8,3.2,,,,"
                   "Bedrock list price")
    closed_sonnet = ("anthropic.claude-sonnet-4-5-20250929-v1:0,global,%,0,2025-09-29 00:00:00,2026-12-01 00:00:00,"
                     "3,15,0.3,3.75,6,seed")
    expected_new = {
        "amazon.nova-pro-v1:0,in_region,%,0,2026-12-01 00:00:00,,0.8,3.6,,,,aws-price-list 2026-12-01",
        "anthropic.claude-sonnet-4-5-20250929-v1:0,global,%,0,2026-12-01 00:00:00,,3,16,0.3,3.75,6,"
        "aws-price-list 2026-12-01",
        "amazon.nova-premier-v1:0,geo,%,0,2026-12-01 00:00:00,,2.5,12.5,,,,aws-price-list 2026-12-01",
        "amazon.nova-premier-v1:0,in_region,%,0,2026-12-01 00:00:00,,2.5,12.5,,,,aws-price-list 2026-12-01",
    }
    untouched = [line for line in before[1:] if not line.startswith(("amazon.nova-pro", "anthropic.claude-sonnet-4-5-"
                                                                      "20250929-v1:0,global"))]
    assert after[0] == before[0]
    assert set(after[1:]) == set(untouched) | {closed_nova, closed_sonnet} | expected_new
    assert len(after) == len(before) + 4
    # a second run finds nothing to do
    code, _, _ = run(files, monkeypatch, "--write")
    assert code == 0 and catalog.read_text().splitlines() == after


def test_dry_run_prints_and_writes_nothing(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    catalog, _ = files
    code, _, _ = run(files, monkeypatch, "--write", "--dry-run")
    out = capsys.readouterr().out
    assert code == 0
    assert catalog.read_text() == CATALOG
    assert "--dry-run: would append 4 row(s) and close 2" in out
    assert "amazon.nova-premier-v1:0,in_region,%,0,2026-12-01 00:00:00,,2.5,12.5,,,,aws-price-list 2026-12-01" in out


def test_access_denied_names_the_permission(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    client = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x").client("pricing", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_client_error("get_products", service_error_code="AccessDeniedException", service_message="not authorized",
                          http_status_code=400)
    stub.activate()
    monkeypatch.setattr(price_sync, "make_session", lambda profile, region: FakeSession(client))
    catalog, model_map = files
    code = price_sync.main(["--catalog", str(catalog), "--model-map", str(model_map)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("ERROR [AccessDenied]: GetProducts") and "pricing:GetProducts" in err
    assert catalog.read_text() == CATALOG


def test_bad_effective_from_is_a_usage_error(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    catalog, _ = files
    code = price_sync.main(["--catalog", str(catalog), "--effective-from", "2026-12-01"])
    assert code == 2
    assert capsys.readouterr().err.startswith("ERROR [InvalidInput]: --effective-from")
