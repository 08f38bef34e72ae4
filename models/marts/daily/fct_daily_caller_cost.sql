{#- Daily cost per IAM caller, model and attribution status. -#}

with

hourly_usage as (
    select * from {{ ref('int_hourly_usage') }}
    -- on an incremental run, the days int_hourly_usage summed since this mart's last build
    {% if bedrock_costs.incremental_run() %}where summed_at > (select max(built.summed_at) from {{ this }} as built){% endif %}
),

daily as (
    select
        account_id,
        caller_arn,
        caller_name,
        caller_type,
        caller_role,
        department,
        model_id,
        attribution_status,
        {{ bedrock_costs.rolled_up_cost_measures() }},
        max(summed_at) as summed_at,
        usage_date
    from hourly_usage
    group by
        account_id, caller_arn, caller_name, caller_type, caller_role, department, model_id, attribution_status,
        usage_date
)

select * from daily
