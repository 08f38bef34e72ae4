{#- The alerts of rpt_alert_candidates from the audit views, each in the words the data tests print:
    tokens without a price (audit_unpriced_usage; an unmapped profile's calls are their own kind),
    application profiles missing from profile_map.csv (audit_unmapped_profiles, owned by the app
    `unattributed`'s owner) and log files cut short, corrupt, set aside or with malformed lines
    (audit_log_file_problems). -#}

with

app_owners as (
    select * from {{ bedrock_costs.view_ref('rpt_app_owners') }}
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

findings as (
    select * from unpriced_alerts
    union all
    select * from unmapped_alerts
    union all
    select * from log_file_alerts
)

select * from findings
