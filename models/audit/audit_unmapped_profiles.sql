{{ config(materialized='view') }}
{#- Every application inference profile ARN in the logs that profile_map.csv does not list: its
    calls are 'unattributed' and, with no model_source, unpriced. The warning test
    warn_unmapped_application_profiles prints each row's `message`; `bedrock-costs notify` sends each
    as an alert. -#}

with

unmapped_hours as (
    select * from {{ ref('int_hourly_usage') }}
    where attribution_status = 'unmapped_profile'
),

profiles as (
    select
        model_id_raw as profile_arn,
        sum(request_count) as request_count,
        sum({{ bedrock_costs.total_tokens() }}) as total_tokens,
        min(usage_date) as first_date,
        max(usage_date) as last_date
    from unmapped_hours
    group by model_id_raw
),

findings as (
    select
        profiles.*,
        'UNMAPPED PROFILE: ' || profiles.profile_arn || ': ' || cast(profiles.request_count as varchar) || ' requests'
            as finding,
        'add its row to seeds/profile_map.csv (app, team, model_source),'
        || ' or run `bedrock-costs create-profiles --sync --write`' as fix
    from profiles
),

final as (
    select
        profile_arn,
        request_count,
        total_tokens,
        first_date,
        last_date,
        finding,
        fix,
        finding || ' - ' || fix as message
    from findings
)

select * from final
