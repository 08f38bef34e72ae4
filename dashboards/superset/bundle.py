"""The dashboards as code: Superset datasets, charts and dashboards over the marts, written as the
import bundle Superset reads (`superset import-dashboards -p bundle.zip`, or Dashboards > Import).

Four dashboards (docs/dashboards.md):
* Bedrock spend: total cost, cost by app and team, daily cost by app and by team;
* Bedrock drill-down: app -> caller -> model -> day, through the dashboard's filters (and cross-filters);
* Bedrock budgets and anomalies: month-to-date spend against each budget, the spend spikes and new spenders;
* Bedrock bill: billed versus estimated per app, and the waterfall from the estimate to the bill (only
  when the bill marts exist: a build with a CUR 2.0 export).

Only Python's standard library: every file is JSON, which YAML reads as it is.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMESPACE = uuid.UUID("6f1f5d3e-2b7a-4c55-9d0e-bedc0575c0de")  # stable uuids: a re-import updates in place
MONEY = "$,.2f"
COUNT = ",d"


def stable_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


@dataclass(frozen=True)
class Dataset:
    table: str
    temporal: tuple[str, ...]  # DATE or TIMESTAMP columns
    text: tuple[str, ...]
    numbers: tuple[str, ...]
    metrics: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (SQL, d3 format)
    bill: bool = False  # a bill mart: exists only when the build had a CUR export

    @property
    def uuid(self) -> str:
        return stable_uuid("dataset", self.table)


COST_MEASURES = ("request_count", "input_tokens", "output_tokens", "cache_read_input_tokens",
                 "cache_write_input_tokens", "error_count", "unpriced_request_count", "cost_usd")
COST_METRICS = {"cost_usd": ("SUM(cost_usd)", MONEY), "requests": ("SUM(request_count)", COUNT),
                "tokens": ("SUM(input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens)",
                           COUNT)}

DATASETS = {d.table: d for d in (
    Dataset("fct_daily_app_cost", ("usage_date", "summed_at"),
            ("app", "team", "cost_center", "environment", "model_id", "attribution_status", "attribution_source"),
            COST_MEASURES, COST_METRICS),
    Dataset("fct_daily_app_caller_cost", ("usage_date", "summed_at"),
            ("app", "team", "attribution_status", "attribution_source", "caller_arn", "caller_name", "model_id"),
            COST_MEASURES, COST_METRICS),
    Dataset("fct_app_budget_status",
            ("month_start_date", "through_date", "budget_exceeded_date", "projected_exceed_date"),
            ("app", "alert_thresholds_pct", "budget_status"),
            ("monthly_budget_usd", "mtd_cost_usd", "pct_of_budget", "run_rate_forecast_usd",
             "trailing_7d_forecast_usd", "forecast_pct_of_budget", "highest_threshold_crossed_pct",
             "days_elapsed", "days_remaining", "unpriced_request_count")),
    Dataset("fct_cost_anomalies", ("started_at", "ended_at", "usage_date"),
            ("anomaly_type", "dimension", "entity_key", "entity_name", "model_id", "description"),
            ("hour_count", "request_count", "cost_usd", "expected_cost_usd", "spend_ratio", "max_robust_z")),
    Dataset("fct_daily_app_cost_billed", ("billing_period", "usage_date"),
            ("account_id", "aws_region", "model_id", "charge_kind", "app", "team", "caller_arn", "allocation_basis"),
            ("estimated_cost_usd", "billed_cost_usd", "discount_usd", "credit_usd", "net_cost_usd"),
            {"estimated_cost_usd": ("SUM(estimated_cost_usd)", MONEY),
             "billed_cost_usd": ("SUM(billed_cost_usd)", MONEY), "net_cost_usd": ("SUM(net_cost_usd)", MONEY)},
            bill=True),
    Dataset("fct_bill_variance_by_cause", ("billing_period",),
            ("account_id", "cause", "kind", "description"), ("step_order", "amount_usd", "running_total_usd"),
            bill=True),
)}


@dataclass(frozen=True)
class Chart:
    name: str
    dataset: str
    viz_type: str
    params: dict[str, Any]
    width: int = 12  # of 12 columns
    height: int = 50

    @property
    def uuid(self) -> str:
        return stable_uuid("chart", self.name)


def table(name: str, dataset: str, groupby: list[str], metrics: list[str], width: int = 12,
          height: int = 50) -> Chart:
    """A table of metrics by columns, the largest first."""
    return Chart(name, dataset, "table", {
        "query_mode": "aggregate", "groupby": groupby, "metrics": metrics, "all_columns": [],
        "timeseries_limit_metric": metrics[0], "order_desc": True, "row_limit": 1000,
        "server_pagination": False, "table_timestamp_format": "%Y-%m-%d", "show_cell_bars": True,
        "include_search": False, "allow_rearrange_columns": False, "adhoc_filters": []}, width, height)


def raw_table(name: str, dataset: str, columns: list[str], formats: dict[str, str], order_by: str,
              ascending: bool = False, time_format: str = "%Y-%m-%d", height: int = 50) -> Chart:
    """A table of the rows themselves."""
    return Chart(name, dataset, "table", {
        "query_mode": "raw", "all_columns": columns, "groupby": [], "metrics": [],
        "order_by_cols": [json.dumps([order_by, ascending])], "row_limit": 1000, "server_pagination": False,
        "table_timestamp_format": time_format, "include_search": False, "adhoc_filters": [],
        "column_config": {column: {"d3NumberFormat": fmt} for column, fmt in formats.items()}}, 12, height)


def daily_bars(name: str, dataset: str, by: str, metric: str = "cost_usd", width: int = 6) -> Chart:
    """Daily bars of a metric, stacked by a column."""
    return Chart(name, dataset, "echarts_timeseries_bar", {
        "x_axis": "usage_date", "time_grain_sqla": "P1D", "metrics": [metric], "groupby": [by],
        "stack": "Stack", "row_limit": 10000, "adhoc_filters": [], "y_axis_format": MONEY, "show_legend": True,
        "rich_tooltip": True, "x_axis_time_format": "%Y-%m-%d", "orientation": "vertical",
        "truncate_metric": True, "comparison_type": "values"}, width, 60)


def big_number(name: str, dataset: str, metric: str, width: int = 4) -> Chart:
    return Chart(name, dataset, "big_number_total", {
        "metric": metric, "adhoc_filters": [], "header_font_size": 0.4, "subheader_font_size": 0.15,
        "y_axis_format": MONEY, "time_format": "%Y-%m-%d"}, width, 30)


@dataclass(frozen=True)
class Dashboard:
    title: str
    slug: str
    rows: list[list[Chart]]
    filters: list[tuple[str, str, str]] = field(default_factory=list)  # (label, dataset, column)
    bill: bool = False

    @property
    def uuid(self) -> str:
        return stable_uuid("dashboard", self.slug)

    @property
    def charts(self) -> list[Chart]:
        return [chart for row in self.rows for chart in row]


DASHBOARDS = [
    Dashboard("Bedrock spend", "bedrock-spend", [
        [big_number("Total cost", "fct_daily_app_cost", "cost_usd"),
         big_number("Requests", "fct_daily_app_cost", "requests"),
         big_number("Tokens", "fct_daily_app_cost", "tokens")],
        [daily_bars("Daily cost by app", "fct_daily_app_cost", "app"),
         daily_bars("Daily cost by team", "fct_daily_app_cost", "team")],
        [table("Cost by app and team", "fct_daily_app_cost", ["app", "team"], ["cost_usd", "requests", "tokens"])],
    ], filters=[("App", "fct_daily_app_cost", "app"), ("Team", "fct_daily_app_cost", "team")]),
    Dashboard("Bedrock drill-down", "bedrock-drill-down", [
        [table("Cost by app", "fct_daily_app_caller_cost", ["app", "team"], ["cost_usd", "requests"], 4),
         table("Cost by caller", "fct_daily_app_caller_cost", ["caller_name", "caller_arn"], ["cost_usd", "requests"],
               8)],
        [table("Cost by model", "fct_daily_app_caller_cost", ["model_id"], ["cost_usd", "requests", "tokens"], 6),
         table("Cost by day", "fct_daily_app_caller_cost", ["usage_date"], ["cost_usd", "requests", "tokens"], 6)],
        [daily_bars("Daily cost by model", "fct_daily_app_caller_cost", "model_id", width=12)],
    ], filters=[("App", "fct_daily_app_caller_cost", "app"), ("Caller", "fct_daily_app_caller_cost", "caller_arn"),
                ("Model", "fct_daily_app_caller_cost", "model_id")]),
    Dashboard("Bedrock budgets and anomalies", "bedrock-budgets-anomalies", [
        [raw_table("Budgets", "fct_app_budget_status",
                   ["app", "month_start_date", "monthly_budget_usd", "mtd_cost_usd", "pct_of_budget",
                    "trailing_7d_forecast_usd", "projected_exceed_date", "budget_status"],
                   {"monthly_budget_usd": MONEY, "mtd_cost_usd": MONEY, "trailing_7d_forecast_usd": MONEY,
                    "pct_of_budget": ",.1f"}, "mtd_cost_usd")],
        [raw_table("Anomalies", "fct_cost_anomalies",
                   ["anomaly_type", "dimension", "entity_name", "started_at", "ended_at", "cost_usd",
                    "expected_cost_usd", "spend_ratio", "description"],
                   {"cost_usd": MONEY, "expected_cost_usd": MONEY, "spend_ratio": ",.1f"}, "cost_usd",
                   time_format="%Y-%m-%d %H:%M")],
    ]),
    Dashboard("Bedrock bill", "bedrock-bill", [
        [table("Billed versus estimated by app", "fct_daily_app_cost_billed", ["billing_period", "app", "team"],
               ["net_cost_usd", "billed_cost_usd", "estimated_cost_usd"])],
        [raw_table("From the log estimate to the bill", "fct_bill_variance_by_cause",
                   ["billing_period", "account_id", "step_order", "cause", "amount_usd", "running_total_usd",
                    "description"], {"amount_usd": MONEY, "running_total_usd": MONEY}, "step_order", ascending=True)],
        [Chart("Daily billed versus estimated", "fct_daily_app_cost_billed", "echarts_timeseries_bar", {
            "x_axis": "usage_date", "time_grain_sqla": "P1D", "metrics": ["estimated_cost_usd", "net_cost_usd"],
            "groupby": [], "row_limit": 10000, "adhoc_filters": [], "y_axis_format": MONEY, "show_legend": True,
            "rich_tooltip": True, "x_axis_time_format": "%Y-%m-%d", "orientation": "vertical",
            "comparison_type": "values"}, 12, 60)],
    ], filters=[("App", "fct_daily_app_cost_billed", "app")], bill=True),
]

DATABASE_NAME = "bedrock_costs"


def database_yaml(uri: str) -> dict[str, Any]:
    return {"database_name": DATABASE_NAME, "sqlalchemy_uri": uri, "cache_timeout": None,
            "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
            "allow_dml": False, "allow_file_upload": False,
            "extra": {"engine_params": {"connect_args": {"read_only": True}} if uri.startswith("duckdb") else {},
                      "metadata_params": {}, "schemas_allowed_for_file_upload": []},
            "uuid": stable_uuid("database", DATABASE_NAME), "version": "1.0.0"}


def dataset_yaml(dataset: Dataset, schema: str) -> dict[str, Any]:
    def column(name: str, kind: str) -> dict[str, Any]:
        return {"column_name": name, "verbose_name": None, "is_dttm": kind in ("DATE", "TIMESTAMP"),
                "is_active": True, "type": kind, "groupby": True, "filterable": True, "expression": None,
                "description": None, "python_date_format": None, "extra": {}}

    columns = ([column(c, "TIMESTAMP" if c.endswith("_at") else "DATE") for c in dataset.temporal]
               + [column(c, "VARCHAR") for c in dataset.text] + [column(c, "DOUBLE") for c in dataset.numbers])
    metrics: list[dict[str, Any]] = [{"metric_name": name, "verbose_name": None, "metric_type": None, "expression": sql,
                                      "description": None, "d3format": fmt, "extra": {}, "warning_text": None}
                                     for name, (sql, fmt) in dataset.metrics.items()]
    main_dttm = "usage_date" if "usage_date" in dataset.temporal else dataset.temporal[0]
    return {"table_name": dataset.table, "main_dttm_col": main_dttm, "description": None,
            "default_endpoint": None, "offset": 0, "cache_timeout": None, "schema": schema, "sql": None,
            "params": None, "template_params": None, "filter_select_enabled": True, "fetch_values_predicate": None,
            "extra": None, "uuid": dataset.uuid, "metrics": metrics, "columns": columns, "version": "1.0.0",
            "database_uuid": stable_uuid("database", DATABASE_NAME)}


def chart_yaml(chart: Chart) -> dict[str, Any]:
    return {"slice_name": chart.name, "description": None, "certified_by": None, "certification_details": None,
            "viz_type": chart.viz_type, "params": {"viz_type": chart.viz_type, **chart.params},
            "query_context": None, "cache_timeout": None, "uuid": chart.uuid, "version": "1.0.0",
            "dataset_uuid": DATASETS[chart.dataset].uuid}


def dashboard_yaml(dashboard: Dashboard) -> dict[str, Any]:
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": dashboard.title}},
    }
    for r, row in enumerate(dashboard.rows):
        row_id = f"ROW-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for c, chart in enumerate(row):
            chart_id = f"CHART-{r}-{c}"
            position[row_id]["children"].append(chart_id)
            position[chart_id] = {"type": "CHART", "id": chart_id, "children": [],
                                  "parents": ["ROOT_ID", "GRID_ID", row_id],
                                  "meta": {"width": chart.width, "height": chart.height, "chartId": 0,
                                           "uuid": chart.uuid, "sliceName": chart.name}}
    filters = [{
        "id": f"NATIVE_FILTER-{column}", "name": label, "filterType": "filter_select", "type": "NATIVE_FILTER",
        "targets": [{"datasetUuid": DATASETS[dataset].uuid, "column": {"name": column}}],
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        "controlValues": {"enableEmptyFilter": False, "defaultToFirstItem": False, "multiSelect": True,
                          "searchAllOptions": False, "inverseSelection": False},
        "cascadeParentIds": [f"NATIVE_FILTER-{dashboard.filters[i - 1][2]}"] if i else [],
        "scope": {"rootPath": ["ROOT_ID"], "excluded": []}, "description": "",
    } for i, (label, dataset, column) in enumerate(dashboard.filters)]
    return {"dashboard_title": dashboard.title, "description": None, "css": "", "slug": dashboard.slug,
            "certified_by": None, "certification_details": None, "published": True, "uuid": dashboard.uuid,
            "position": position, "version": "1.0.0",
            "metadata": {"native_filter_configuration": filters, "cross_filters_enabled": True,
                         "color_scheme": "supersetColors", "refresh_frequency": 0, "expanded_slices": {},
                         "label_colors": {}, "timed_refresh_immune_slices": [], "default_filters": "{}",
                         "chart_configuration": {}, "shared_label_colors": [], "color_scheme_domain": []}}


def write_bundle(out: Path, uri: str, schema: str = "main", with_bill: bool = True) -> list[Dashboard]:
    """Write the import bundle (a zip) for a database URI; returns the dashboards it holds."""
    dashboards = [d for d in DASHBOARDS if with_bill or not d.bill]
    files: dict[str, dict[str, Any]] = {
        "metadata.yaml": {"version": "1.0.0", "type": "Dashboard", "timestamp": "2026-01-01T00:00:00+00:00"},
        f"databases/{DATABASE_NAME}.yaml": database_yaml(uri),
    }
    for dashboard in dashboards:
        files[f"dashboards/{dashboard.slug}.yaml"] = dashboard_yaml(dashboard)
        for chart in dashboard.charts:
            files[f"charts/{chart.uuid}.yaml"] = chart_yaml(chart)
            dataset = DATASETS[chart.dataset]
            files[f"datasets/{DATABASE_NAME}/{dataset.table}.yaml"] = dataset_yaml(dataset, schema)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as bundle:
        for name, content in files.items():
            bundle.writestr(f"bedrock_costs_dashboards/{name}", json.dumps(content, indent=1) + "\n")
    return dashboards
