{#- Daily cost per app (team, cost center, environment), model and attribution. -#}

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
        model_id,
        attribution_status,
        attribution_source,
        {{ bedrock_costs.rolled_up_cost_measures() }},
        max(summed_at) as summed_at,
        usage_date
    from hourly_usage
    group by app, team, cost_center, environment, model_id, attribution_status, attribution_source, usage_date
)

select * from daily
