{#- usage_date comes last: Athena's insert_overwrite needs the partition column at the end. -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date(extra_days=1) %}

with

invocations as (
    select * from {{ ref('int_invocations_priced') }}
    {%- if since_date %}
    where usage_date >= date '{{ since_date }}'
    {%- endif %}
),

daily as (
    select
        invocations.account_id,
        invocations.caller_arn,
        invocations.caller_name,
        invocations.caller_type,
        invocations.department,
        invocations.model_id,
        invocations.attribution_status,
        {{ bedrock_costs.cost_measures('invocations') }},
        invocations.usage_date
    from invocations
    group by
        invocations.account_id,
        invocations.caller_arn,
        invocations.caller_name,
        invocations.caller_type,
        invocations.department,
        invocations.model_id,
        invocations.attribution_status,
        invocations.usage_date
),

final as (
    select
        account_id,
        caller_arn,
        caller_name,
        caller_type,
        department,
        model_id,
        attribution_status,
        {{ bedrock_costs.cost_measure_columns() }},
        usage_date
    from daily
)

select * from final
