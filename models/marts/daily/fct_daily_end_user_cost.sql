{#- Daily cost per end user and tenant behind gateways (trusted requestMetadata), app and model. -#}

with

hourly_usage as (
    select * from {{ ref('int_hourly_usage') }}
    -- on an incremental run, the days int_hourly_usage summed since this mart's last build
    {% if bedrock_costs.incremental_run() %}where summed_at > (select max(built.summed_at) from {{ this }} as built){% endif %}
),

daily as (
    select
        app,
        team,
        cost_center,
        environment,
        attribution_source,
        -- the earlier name of attribution_source ('none' for unattributed), kept for existing queries
        case when attribution_source = 'unattributed' then 'none' else attribution_source end as app_source,
        tenant,
        end_user,
        end_user_source,
        caller_arn,
        caller_name,
        model_id,
        {{ bedrock_costs.rolled_up_cost_measures() }},
        max(summed_at) as summed_at,
        usage_date
    from hourly_usage
    group by
        app, team, cost_center, environment, attribution_source, tenant, end_user, end_user_source, caller_arn,
        caller_name, model_id, usage_date
)

select * from daily
