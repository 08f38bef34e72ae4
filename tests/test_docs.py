"""Analysts find the answer without reading SQL: every model, seed, source and column is described
(checked on the manifest and the catalog of `dbt docs generate`), and the semantic layer validates,
has the metrics and dimensions analysts ask for, and agrees with the marts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import Project

DESCRIBED = ("model", "seed", "snapshot")
METRICS = {"total_cost_usd", "request_count", "input_tokens", "output_tokens", "cost_per_1m_tokens",
           "cost_per_request", "cached_token_share"}
DIMENSIONS = {"app", "team", "caller", "model", "usage_date", "attribution_status"}


@dataclass
class Docs:
    manifest: dict[str, Any]
    catalog: dict[str, Any]
    semantic_manifest: dict[str, Any]
    target: Path

    @property
    def project(self) -> str:
        return self.manifest["metadata"]["project_name"]

    def own(self, section: str) -> dict[str, dict[str, Any]]:
        return {uid: node for uid, node in self.manifest[section].items() if node.get("package_name") == self.project}


@pytest.fixture(scope="module")
def docs(sample: Project) -> Docs:
    """`dbt docs generate` on the built sample: the manifest says what is documented, the catalog what exists."""
    run = sample.dbt("docs", "generate")
    assert run.success, "\n".join(m for m in run.messages if "rror" in m)
    target = sample.root / "target"
    return Docs(*(json.loads((target / name).read_text())
                  for name in ("manifest.json", "catalog.json", "semantic_manifest.json")), target)


def blank(text: str | None) -> bool:
    return not (text or "").strip()


def missing_descriptions(docs: Docs) -> list[str]:
    """One line per undescribed model, seed, source or column: declared in yml without a description, or
    present in the built table but not declared at all."""
    problems: list[str] = []
    for uid, node in docs.own("nodes").items():
        if node["resource_type"] not in DESCRIBED:
            continue
        what = f"{node['resource_type']} {node['name']} ({node['original_file_path']})"
        if blank(node["description"]):
            problems.append(f"{what}: no description")
        declared = {name.lower() for name in node["columns"]}
        problems += [f"{what}: column {name} has no description"
                     for name, column in node["columns"].items() if blank(column["description"])]
        built = docs.catalog["nodes"].get(uid, {}).get("columns", {})
        problems += [f"{what}: column {name} is in the table but in no yml, so it has no description"
                     for name in built if name.lower() not in declared]
    for uid, source in docs.own("sources").items():
        what = f"source {source['source_name']}.{source['name']} ({source['original_file_path']})"
        if blank(source["description"]):
            problems.append(f"{what}: no description")
        if blank(source.get("source_description")):
            problems.append(f"{what}: the source {source['source_name']} has no description")
        problems += [f"{what}: column {name} has no description"
                     for name, column in source["columns"].items() if blank(column["description"])]
        declared = {name.lower() for name in source["columns"]}
        problems += [f"{what}: column {name} is in the table but in no yml"
                     for name in docs.catalog.get("sources", {}).get(uid, {}).get("columns", {})
                     if name.lower() not in declared]
    return problems


def test_every_model_seed_source_and_column_is_described(docs: Docs) -> None:
    problems = missing_descriptions(docs)
    assert not problems, f"{len(problems)} without a description:\n  " + "\n  ".join(problems)


def test_the_check_names_each_gap() -> None:
    """The check itself, on a hand-made manifest: each gap is reported by name, and only the gaps."""
    def node(kind: str, name: str, description: str, columns: dict[str, str]) -> dict[str, Any]:
        return {"resource_type": kind, "name": name, "package_name": "p", "description": description,
                "original_file_path": f"models/{name}.yml",
                "columns": {c: {"name": c, "description": d} for c, d in columns.items()}}

    manifest = {
        "metadata": {"project_name": "p"},
        "nodes": {
            "model.p.good": node("model", "good", "Fine.", {"a": "A."}),
            "model.p.bare": node("model", "bare", " ", {"a": "", "b": "B."}),
            "seed.p.prices": node("seed", "prices", "Prices.", {"price": ""}),
            "test.p.t": node("test", "t", "", {}),
            "model.other.theirs": {**node("model", "theirs", "", {}), "package_name": "other"},
        },
        "sources": {"source.p.s.logs": {"source_name": "s", "name": "logs", "package_name": "p", "description": "Logs.",
                                        "source_description": "", "original_file_path": "models/s.yml",
                                        "columns": {"ts": {"name": "ts", "description": ""}}}},
    }
    catalog = {"nodes": {"model.p.good": {"columns": {"A": {}, "extra": {}}}}, "sources": {}}
    problems = missing_descriptions(Docs(manifest, catalog, {}, Path(".")))
    assert sorted(problems) == sorted([
        "model bare (models/bare.yml): no description",
        "model bare (models/bare.yml): column a has no description",
        "model good (models/good.yml): column extra is in the table but in no yml, so it has no description",
        "seed prices (models/prices.yml): column price has no description",
        "source s.logs (models/s.yml): the source s has no description",
        "source s.logs (models/s.yml): column ts has no description",
    ])


def test_documented_columns_exist(docs: Docs) -> None:
    """The other way round: a yml column that the built table does not have is stale documentation."""
    stale = []
    for uid, node in docs.own("nodes").items():
        built = {name.lower() for name in docs.catalog["nodes"].get(uid, {}).get("columns", {})}
        if node["resource_type"] in DESCRIBED and built:
            stale += [f"{node['resource_type']} {node['name']}: column {name} is documented but not in the table"
                      for name in node["columns"] if name.lower() not in built]
    assert not stale, "\n  ".join(["stale column docs:", *stale])


def test_semantic_layer_exposures_and_saved_queries_are_described(docs: Docs) -> None:
    problems = []
    for section in ("semantic_models", "metrics", "saved_queries", "exposures"):
        problems += [f"{section[:-1].replace('_', ' ')} {node['name']}: no description"
                     for node in docs.own(section).values() if blank(node.get("description"))]
    for model in docs.own("semantic_models").values():
        for kind in ("dimensions", "measures", "entities"):
            problems += [f"semantic model {model['name']}: {kind[:-1]} {element['name']} has no description"
                         for element in model.get(kind) or [] if blank(element.get("description"))]
    assert not problems, "\n  ".join(["undescribed:", *problems])


def test_semantic_layer_has_the_metrics_and_dimensions_analysts_ask_for(docs: Docs) -> None:
    """dbt validated the semantic manifest while parsing (a broken one fails `dbt docs generate` above)."""
    semantic = docs.semantic_manifest
    assert {m["name"] for m in semantic["metrics"]} >= METRICS
    models = {m["name"]: m for m in semantic["semantic_models"]}
    usage = models["bedrock_usage"]
    assert usage["node_relation"]["alias"] == "fct_daily_app_caller_cost"
    assert {d["name"] for d in usage["dimensions"]} >= DIMENSIONS
    assert [s["primary_column"]["name"] for s in semantic["project_configuration"]["time_spines"]] == ["date_day"]
    exposures = {e["name"]: e for e in docs.own("exposures").values()}
    assert {"cost_report", "bedrock_spend_dashboard"} <= exposures.keys()
    report_inputs = set(exposures["cost_report"]["depends_on"]["nodes"])
    assert {f"model.{docs.project}.fct_daily_app_cost", f"model.{docs.project}.fct_daily_caller_cost"} <= report_inputs


def test_time_spine_covers_the_sample(sample: Project) -> None:
    (first, last, days, spine_days) = sample.query("""
        select min(usage_date), max(usage_date), count(distinct usage_date),
               (select count(*) from metricflow_time_spine
                where date_day between (select min(usage_date) from fct_daily_app_cost)
                                   and (select max(usage_date) from fct_daily_app_cost))
        from fct_daily_app_cost""")[0]
    assert spine_days == days == (last - first).days + 1


# ---------------------------------------------------------------------------------------------
# The metrics compute what the marts say. MetricFlow (dbt-metricflow) writes the SQL; DuckDB runs it.


class ExplainOnlyClient:
    """Just enough of MetricFlow's SqlClient to render SQL (explain); the test runs it itself."""

    def __init__(self, engine: str = "duckdb") -> None:
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.athena import AthenaSqlPlanRenderer
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        self.sql_engine_type = SqlEngine.ATHENA if engine == "athena" else SqlEngine.DUCKDB
        self.sql_plan_renderer = AthenaSqlPlanRenderer() if engine == "athena" else DuckDbSqlPlanRenderer()

    def render_bind_parameter_key(self, key: str) -> str:
        return f"${key}"

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def metricflow_sql(docs: Docs):
    pytest.importorskip("metricflow",
                        reason="dbt-metricflow is not installed (pip install 'dbt-metricflow>=0.15,<0.16')")
    from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    manifest = parse_manifest_from_dbt_generated_manifest((docs.target / "semantic_manifest.json").read_text())
    engines = {name: MetricFlowEngine(SemanticManifestLookup(manifest), ExplainOnlyClient(name))
               for name in ("duckdb", "athena")}

    def sql(metrics: list[str], group_by: list[str] | None = None, saved_query: str | None = None,
            engine: str = "duckdb") -> str:
        request = MetricFlowQueryRequest.create(saved_query_name=saved_query, metric_names=metrics or None,
                                                group_by_names=group_by)
        return engines[engine].explain(request).sql_statement.sql

    return sql


def run(sample: Project, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(sample.database)) as con:  # the catalog is named after the file, as dbt's relations
        relation = con.sql(sql)
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def test_metrics_by_attribution_status_match_the_marts(sample: Project, metricflow_sql) -> None:
    rows = run(sample, metricflow_sql(
        ["total_cost_usd", "request_count", "input_tokens", "output_tokens", "cost_per_request",
         "cost_per_1m_tokens", "cached_token_share", "unattributed_cost_usd"], ["usage__attribution_status"]))
    got = {r["usage__attribution_status"]: r for r in rows}
    expected = {r["attribution_status"]: r for r in run(sample, """
        select attribution_status, sum(cost_usd) as cost, sum(request_count) as requests,
               sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
               sum(input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens) as tokens,
               sum(cache_read_input_tokens) as cache_read,
               sum(input_tokens + cache_read_input_tokens + cache_write_input_tokens) as total_input
        from fct_daily_caller_cost group by attribution_status""")}
    assert got.keys() == expected.keys() and {"profile", "direct"} <= got.keys()
    for status, want in expected.items():
        row = got[status]
        assert row["total_cost_usd"] == pytest.approx(want["cost"], abs=1e-6), status
        assert row["request_count"] == want["requests"]
        assert (row["input_tokens"], row["output_tokens"]) == (want["input_tokens"], want["output_tokens"])
        assert row["cost_per_request"] == pytest.approx(want["cost"] / want["requests"])
        assert row["cost_per_1m_tokens"] == pytest.approx(want["cost"] * 1e6 / want["tokens"])
        assert row["cached_token_share"] == pytest.approx(want["cache_read"] / want["total_input"])
        assert (row["unattributed_cost_usd"] is None) == (status == "profile")


def test_saved_query_daily_cost_by_app_matches_the_mart(sample: Project, metricflow_sql) -> None:
    rows = run(sample, metricflow_sql([], saved_query="daily_cost_by_app"))
    got = {(r["metric_time__day"].date(), r["usage__app"]): r["total_cost_usd"] for r in rows}
    expected = {(d, a): c for d, a, c in sample.query(
        "select usage_date, app, sum(cost_usd) from fct_daily_app_cost group by 1, 2")}
    assert got == {key: pytest.approx(cost, abs=1e-6) for key, cost in expected.items()}


def test_total_cost_is_null_for_a_slice_with_unpriced_calls(sample: Project, metricflow_sql, tmp_path: Path) -> None:
    """As in the marts: a partial sum never poses as a total."""
    sample.query("checkpoint")
    database = tmp_path / "bedrock_costs.duckdb"
    database.write_bytes(sample.database.read_bytes())
    with duckdb.connect(str(database)) as con:
        con.sql("""update fct_daily_app_caller_cost set cost_usd = null, unpriced_request_count = request_count
                   where app = 'unattributed'""")
        relation = con.sql(metricflow_sql(["total_cost_usd", "priced_cost_usd", "unpriced_request_count"],
                                          ["usage__attribution_status"]))
        rows = {r[0]: dict(zip(relation.columns, r, strict=True)) for r in relation.fetchall()}
    assert rows["direct"]["total_cost_usd"] is None and rows["direct"]["unpriced_request_count"] > 0
    assert rows["profile"]["total_cost_usd"] == pytest.approx(rows["profile"]["priced_cost_usd"])


def test_metricflow_writes_athena_sql_for_every_metric(docs: Docs, metricflow_sql) -> None:
    """Production runs on Athena: MetricFlow's Athena SQL for each metric, by every dimension, parses as Trino."""
    import sqlglot

    metrics = sorted(m["name"] for m in docs.semantic_manifest["metrics"])
    group_by = ["metric_time__month", "usage__app", "usage__team", "usage__caller", "usage__model",
                "usage__attribution_status"]
    for metric in metrics:
        statement = metricflow_sql([metric], group_by, engine="athena")
        assert sqlglot.parse_one(statement, read="athena"), metric
