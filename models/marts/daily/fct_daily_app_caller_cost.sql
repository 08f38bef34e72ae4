{#- Daily cost per app and IAM caller, and model. -#}

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
        attribution_status,
        attribution_source,
        caller_arn,
        caller_name,
        model_id,
        {{ bedrock_costs.rolled_up_cost_measures() }},
        max(summed_at) as summed_at,
        usage_date
    from hourly_usage
    group by app, team, attribution_status, attribution_source, caller_arn, caller_name, model_id, usage_date
)

select * from daily
