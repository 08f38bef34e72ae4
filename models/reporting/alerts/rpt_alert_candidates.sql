{#- Every condition someone should hear about now, one row each, with who it concerns and the fix:
    what `bedrock-costs notify` sends (docs/alerts.md). An alert's identity is (alert_kind,
    entity_key, alert_window), joined in alert_key: notify sends it once, and once more when it
    clears. The rows come from rpt_alert_anomalies, rpt_alert_audit_findings and
    rpt_bill_alerts, each from the model that already words its kind:
      - spend spikes and new expensive spenders (fct_cost_anomalies);
      - tokens without a price (audit_unpriced_usage; an unmapped profile's are its own kind);
      - application profiles missing from profile_map.csv (audit_unmapped_profiles);
      - log files cut short, corrupt, set aside or with malformed lines (audit_log_file_problems);
      - with a bill, its differences from the estimate beyond the tolerance (rpt_bill_alerts).
    Budgets are not here: their rule is budget_alerts.alert_of (the summary's and budget-alerts'),
    which notify applies to fct_app_budget_status itself. -#}

with

candidates as (
    select * from {{ bedrock_costs.view_ref('rpt_alert_anomalies') }}
    union all
    select * from {{ bedrock_costs.view_ref('rpt_alert_audit_findings') }}
    {%- if bedrock_costs.bill_enabled() %}
        union all
        select * from {{ bedrock_costs.view_ref('rpt_bill_alerts') }}
    {%- endif %}
),

final as (
    select
        alert_kind || '|' || entity_key || '|' || alert_window as alert_key,
        alert_kind,
        entity_type,
        entity_key,
        entity_name,
        alert_window,
        app,
        team,
        cost_center,
        caller_arn,
        caller_name,
        model_id,
        amount_usd,
        request_count,
        first_date,
        last_date,
        finding,
        fix,
        report_section,
        expires_on
    from candidates
)

select * from final
