{#- Each IAM caller's first day of direct calls (no application profile) to each model, over the
    whole history: the new-spender detector's memory. -#}

with

hourly_usage as (
    select * from {{ ref('int_hourly_usage') }}
    where attribution_status = 'direct'
),

final as (
    select
        hourly_usage.caller_arn,
        hourly_usage.model_id,
        min(hourly_usage.usage_date) as first_usage_date
    from hourly_usage
    group by hourly_usage.caller_arn, hourly_usage.model_id
)

select * from final
