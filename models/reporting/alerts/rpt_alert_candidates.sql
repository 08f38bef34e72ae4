-- depends_on: {{ ref('fct_daily_app_cost') }}
{#- Every condition someone should hear about now, one row each, with who it concerns and the fix:
    what `bedrock-costs notify` sends (docs/alerts.md). An alert's identity is (alert_kind,
    entity_key, alert_window), joined in alert_key: notify sends it once, and once more when it
    clears. Each kind's rows come from the model that already words it:
      - spend spikes and new expensive spenders (fct_cost_anomalies);
      - tokens without a price (audit_unpriced_usage; an unmapped profile's are its own kind);
      - application profiles missing from profile_map.csv (audit_unmapped_profiles);
      - log files cut short, corrupt, set aside or with malformed lines (audit_log_file_problems);
      - with a bill, its differences from the estimate beyond the tolerance (rpt_bill_alerts).
    Budgets are not here: their rule is budget_alerts.alert_of (the summary's and budget-alerts'),
    which notify applies to fct_app_budget_status itself. -#}
{%- set detect_days = [bedrock_costs.finops_number('bedrock_costs_anomaly_detect_days') | int, 1] | max %}

with

anomalies as (
    select * from {{ bedrock_costs.view_ref('fct_cost_anomalies') }}
),

app_owners as (
    select * from {{ bedrock_costs.view_ref('rpt_app_owners') }}
),

caller_anomaly_days as (
    select distinct anomalies.usage_date
    from anomalies
    where anomalies.dimension = 'caller'
),

app_caller_cost as (
    -- the anomalous callers' days, to name the app each spent most on
    select * from {{ bedrock_costs.view_ref('fct_daily_app_caller_cost') }}
    where usage_date in (select caller_anomaly_days.usage_date from caller_anomaly_days)
),

unpriced_usage as (
    -- an unmapped profile's unpriced calls are the unmapped_profile alert, with its own fix
    select * from {{ bedrock_costs.view_ref('audit_unpriced_usage') }}
    where attribution_status <> 'unmapped_profile'
),

unmapped_profiles as (
    select * from {{ bedrock_costs.view_ref('audit_unmapped_profiles') }}
),

log_file_problems as (
    select * from {{ bedrock_costs.view_ref('audit_log_file_problems') }}
),

caller_app_spend as (
    select
        caller_arn,
        usage_date,
        app,
        team,
        sum(coalesce(cost_usd, 0)) as cost_usd
    from app_caller_cost
    group by caller_arn, usage_date, app, team
),

caller_apps as (
    select
        caller_app_spend.*,
        row_number() over (
            partition by caller_app_spend.caller_arn, caller_app_spend.usage_date
            order by caller_app_spend.cost_usd desc, caller_app_spend.app asc, caller_app_spend.team asc
        ) as app_rank
    from caller_app_spend
),

anomaly_alerts as (
    select
        anomalies.anomaly_type as alert_kind,
        anomalies.dimension as entity_type,
        anomalies.entity_key,
        anomalies.entity_name,
        cast(cast(anomalies.started_at as date) as varchar) || ' '
        || lpad(cast(hour(anomalies.started_at) as varchar), 2, '0') || ':00' as alert_window,
        coalesce(case when anomalies.dimension = 'app' then anomalies.entity_key end, caller_apps.app) as app,
        coalesce(app_owners.team, caller_apps.team) as team,
        app_owners.cost_center,
        case when anomalies.dimension = 'caller' then anomalies.entity_key end as caller_arn,
        case when anomalies.dimension = 'caller' then anomalies.entity_name end as caller_name,
        anomalies.model_id,
        anomalies.cost_usd as amount_usd,
        anomalies.request_count,
        anomalies.usage_date as first_date,
        cast({{ dbt.dateadd('hour', -1, 'anomalies.ended_at') }} as date) as last_date,
        anomalies.description as finding,
        case
            when anomalies.anomaly_type = 'new_spender'
                then
                    'direct calls to an expensive model belong to no app and no budget: give the caller an '
                    || 'application inference profile (bedrock-costs create-profiles) or route it through your '
                    || 'gateway; if the spend is planned, nothing to do'
            when anomalies.dimension = 'caller'
                then
                    'ask who runs ' || anomalies.entity_name || ' what ran in those hours; stop a runaway loop by '
                    || 'ending its session or removing its Bedrock access'
            else
                'find what ' || anomalies.entity_name || ' ran in those hours (a retry loop, a batch job, a '
                || 'launch): the report names its callers; stop a runaway loop at its caller'
        end as fix,
        'anomalies' as report_section,
        cast({{ dbt.dateadd('day', detect_days - 1, 'anomalies.usage_date') }} as date) as expires_on
    from anomalies
    left join caller_apps
        on anomalies.entity_key = caller_apps.caller_arn
        and anomalies.usage_date = caller_apps.usage_date
        and anomalies.dimension = 'caller'
        and caller_apps.app_rank = 1
    left join app_owners
        on coalesce(case when anomalies.dimension = 'app' then anomalies.entity_key end, caller_apps.app) = app_owners.app
),

unpriced_alerts as (
    select
        'unpriced_model' as alert_kind,
        'model' as entity_type,
        unpriced_usage.unpriced_model || ' ' || coalesce(unpriced_usage.price_scope, '-') || ' '
        || coalesce(unpriced_usage.aws_region, '-') || ' ' || coalesce(unpriced_usage.context_tier, '-') || ' '
        || unpriced_usage.attribution_status as entity_key,
        unpriced_usage.unpriced_model as entity_name,
        cast(unpriced_usage.first_date as varchar) as alert_window,
        cast(null as varchar) as app,
        cast(null as varchar) as team,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as caller_arn,
        cast(null as varchar) as caller_name,
        unpriced_usage.unpriced_model as model_id,
        cast(null as double) as amount_usd,
        unpriced_usage.request_count,
        unpriced_usage.first_date,
        unpriced_usage.last_date,
        unpriced_usage.finding,
        unpriced_usage.fix,
        cast(null as varchar) as report_section,
        cast(null as date) as expires_on
    from unpriced_usage
),

unmapped_alerts as (
    select
        'unmapped_profile' as alert_kind,
        'profile' as entity_type,
        unmapped_profiles.profile_arn as entity_key,
        unmapped_profiles.profile_arn as entity_name,
        cast(unmapped_profiles.first_date as varchar) as alert_window,
        app_owners.app,
        app_owners.team,
        app_owners.cost_center,
        cast(null as varchar) as caller_arn,
        cast(null as varchar) as caller_name,
        cast(null as varchar) as model_id,
        cast(null as double) as amount_usd,
        unmapped_profiles.request_count,
        unmapped_profiles.first_date,
        unmapped_profiles.last_date,
        unmapped_profiles.finding,
        unmapped_profiles.fix,
        'unattributed' as report_section,
        cast(null as date) as expires_on
    from unmapped_profiles
    -- an unmapped profile's spend is the app `unattributed`'s
    left join app_owners
        on app_owners.app = 'unattributed'
),

log_file_alerts as (
    select
        'log_file_' || log_file_problems.problem_kind as alert_kind,
        'log_file' as entity_type,
        log_file_problems.log_file
        || case when log_file_problems.problem_kind = 'malformed' then ' ' || log_file_problems.problem else '' end
            as entity_key,
        log_file_problems.log_file as entity_name,
        cast(log_file_problems.log_date as varchar) as alert_window,
        cast(null as varchar) as app,
        cast(null as varchar) as team,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as caller_arn,
        cast(null as varchar) as caller_name,
        cast(null as varchar) as model_id,
        cast(null as double) as amount_usd,
        coalesce(log_file_problems.line_count, log_file_problems.invocation_count) as request_count,
        log_file_problems.log_date as first_date,
        log_file_problems.log_date as last_date,
        log_file_problems.finding,
        log_file_problems.fix,
        cast(null as varchar) as report_section,
        cast(null as date) as expires_on
    from log_file_problems
),

candidates as (
    select * from anomaly_alerts
    union all
    select * from unpriced_alerts
    union all
    select * from unmapped_alerts
    union all
    select * from log_file_alerts
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
