"""Right-sizing: known tokens on known models, priced on the seed's cheaper candidates and on
global. routing from the list prices ($ per 1M tokens: input / output / cache read / cache write).

    Opus 4.1 (any scope)   15   / 75   / 1.50 / 18.75     Opus 4.5 geo, in-region  5.50 / 27.50 / 0.55 / 6.875
    Sonnet 4.5 geo, in-r.  3.30 / 16.50 / 0.33 / 4.125    Sonnet 4.5 global        3    / 15    / 0.30 / 3.75
    Haiku 4.5 geo, in-r.   1.10 / 5.50 / 0.11 / 1.375     Opus 4.5 global          5    / 25
    Nova Pro 0.80 / 3.20, Nova Lite 0.06 / 0.24, Nova Micro 0.035 / 0.14 (in-region)

Residency: eu-assistant (eu. profile) and an in-region eu-west-1 call are never moved to global.;
support-chat is pinned by the var; the 'unattributed' catch-all is judged row by row."""

from __future__ import annotations

import pytest

from conftest import DbtRun, Project
from test_finops_logs import (
    EU_ASSISTANT,
    GATEWAY_ROLE,
    HAIKU_45,
    LEGAL_DRAFTING,
    OPUS_41,
    OPUS_45,
    SONNET_45,
    SUPPORT_CHAT,
    Call,
    at,
    build,
    failures,
    rows,
)

M = 1_000_000
NOVA_PRO, NOVA_LITE, NOVA_MICRO = "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0"
CALLS = [
    Call("legal", at(5), LEGAL_DRAFTING, input_tokens=M, output_tokens=M, cache_read_tokens=M, cache_write_tokens=M),
    Call("eu-assistant", at(5), EU_ASSISTANT, input_tokens=M, region="eu-west-1"),
    Call("support-chat", at(5), SUPPORT_CHAT, output_tokens=M),
    Call("direct-us-sonnet", at(5), f"us.{SONNET_45}", input_tokens=M),
    Call("direct-opus-in-region", at(5), OPUS_45, input_tokens=M),
    Call("direct-eu-haiku", at(5), HAIKU_45, input_tokens=M, region="eu-west-1"),
    Call("gateway-nova", at(5), NOVA_PRO, GATEWAY_ROLE, input_tokens=M, metadata={"app": "sales-copilot"}),
]
# (app, model, scope, geography, alternative model, alternative scope) -> (current list, alternative) cost
EXPECTED = {
    ("legal-drafting", OPUS_41, "geo", "us", OPUS_45, "geo"): (110.25, 5.5 + 27.5 + 0.55 + 6.875),
    ("legal-drafting", OPUS_41, "geo", "us", SONNET_45, "geo"): (110.25, 3.3 + 16.5 + 0.33 + 4.125),
    ("legal-drafting", OPUS_41, "geo", "us", HAIKU_45, "geo"): (110.25, 1.1 + 5.5 + 0.11 + 1.375),
    ("eu-assistant", SONNET_45, "geo", "eu", HAIKU_45, "geo"): (3.3, 1.1),
    ("support-chat", SONNET_45, "geo", "us", HAIKU_45, "geo"): (16.5, 5.5),
    ("unattributed", SONNET_45, "geo", "us", HAIKU_45, "geo"): (3.3, 1.1),
    ("unattributed", SONNET_45, "geo", "us", SONNET_45, "global"): (3.3, 3.0),
    ("unattributed", OPUS_45, "in_region", "us", SONNET_45, "in_region"): (5.5, 3.3),
    ("unattributed", OPUS_45, "in_region", "us", HAIKU_45, "in_region"): (5.5, 1.1),
    ("unattributed", OPUS_45, "in_region", "us", OPUS_45, "global"): (5.5, 5.0),
    ("sales-copilot", NOVA_PRO, "in_region", "us", NOVA_LITE, "in_region"): (0.8, 0.06),
    ("sales-copilot", NOVA_PRO, "in_region", "us", NOVA_MICRO, "in_region"): (0.8, 0.035),
}
KEY = ["app", "model_id", "price_scope", "geography", "alternative_model_id", "alternative_price_scope"]


@pytest.fixture(scope="module")
def whatif(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, DbtRun]:
    project, run = build(tmp_path_factory.mktemp("whatif"), CALLS, ["fct_model_whatif"],
                         vars={"bedrock_costs_residency_pinned_apps": ["support-chat"]})
    assert run.success, failures(run)
    return project, run


def alternatives(project: Project) -> dict[tuple, dict]:
    return {tuple(r[k] for k in KEY): r for r in rows(project, "select * from main.fct_model_whatif")}


def test_cheaper_alternatives_cost_the_same_token_mix(whatif: tuple[Project, DbtRun]) -> None:
    project, _ = whatif
    got = alternatives(project)
    assert got.keys() == EXPECTED.keys()
    for key, (current, alternative) in EXPECTED.items():
        row = got[key]
        assert row["current_list_cost_usd"] == pytest.approx(current), key
        assert row["alternative_cost_usd"] == pytest.approx(alternative), key
        assert row["saving_usd"] == pytest.approx(current - alternative), key
        assert row["saving_pct"] == pytest.approx(100 * (current - alternative) / current), key
        assert row["alternative_kind"] == ("global_routing" if key[5] == "global" else "substitute_model"), key
        assert (str(row["window_start_date"]), str(row["window_end_date"])) == ("2026-10-07", "2026-11-05")
    legal = got["legal-drafting", OPUS_41, "geo", "us", HAIKU_45, "geo"]
    assert (legal["team"], legal["actual_cost_usd"], legal["input_tokens"], legal["cache_write_input_tokens"]) == (
        "legal", pytest.approx(110.25), M, M)
    assert legal["alternative_note"] == "two tiers down: Opus to Haiku"


def test_never_global_for_residency_pinned_traffic(whatif: tuple[Project, DbtRun]) -> None:
    project, _ = whatif
    got = alternatives(project)
    pinned = {(k[0], k[3]) for k, r in got.items() if r["residency_pinned"]}
    assert pinned == {("eu-assistant", "eu"), ("support-chat", "us")}
    assert not [k for k in got if k[5] == "global" and k[0] in ("eu-assistant", "support-chat")]
    assert not [k for k in got if k[3] == "eu" and k[5] == "global"]
    # without the var, support-chat's us. traffic may go global. (Sonnet 4.5: 16.50 -> 15 per 1M output)
    run = project.dbt("run", "--select", "fct_model_whatif")
    assert run.success, failures(run)
    now = alternatives(project)
    assert now["support-chat", SONNET_45, "geo", "us", SONNET_45, "global"]["alternative_cost_usd"] == pytest.approx(15)
    assert not [k for k in now if k[3] == "eu" and k[5] == "global"]
