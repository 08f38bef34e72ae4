{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- Each billing period's waterfall from the log estimate to the net bill, summed over its accounts:
    one row per cause and kind, in step order, with the cause's words (seeds/bill_causes.csv, through
    the mart): the summary's label, the chart's short label, and whether it is a total. -#}

with

variance_by_cause as (
    select * from {{ bedrock_costs.view_ref('fct_bill_variance_by_cause') }}
),

final as (
    select
        billing_period,
        step_order,
        cause,
        kind,
        sum(amount_usd) as amount_usd,
        min(description) as description,
        min(cause_label) as cause_label,
        min(cause_short_label) as cause_short_label,
        is_total
    from variance_by_cause
    group by billing_period, step_order, cause, kind, is_total
)

select * from final
