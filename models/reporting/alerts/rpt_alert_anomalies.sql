{#- The alerts of rpt_alert_candidates from fct_cost_anomalies: each spend spike and new expensive
    spender, with the app it concerns (an anomalous caller's is the app it spent most on that day),
    the app's owner (rpt_app_owners), what to do, and the last day it can stay in the detection days. -#}
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
)

select * from anomaly_alerts
