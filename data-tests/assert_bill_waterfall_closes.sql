{#- The waterfall explains the bill: per billing period and account, the causes between the log
    estimate and the net bill add up to their difference, and the residual no cause explains stays
    within bedrock_costs_bill_residual_tolerance_usd. Fails naming the period and account. -#}
{{ config(enabled=bedrock_costs.bill_enabled()) }}

with

waterfall as (
    select * from {{ ref('fct_bill_variance_by_cause') }}
),

closed as (
    select
        waterfall.billing_period,
        waterfall.account_id,
        sum(case when waterfall.cause = 'log_estimate' then waterfall.amount_usd else 0 end) as log_estimate_usd,
        sum(case when waterfall.cause = 'net_bill' then waterfall.amount_usd else 0 end) as net_bill_usd,
        sum(case when not waterfall.is_total then waterfall.amount_usd else 0 end) as causes_usd,
        sum(case when waterfall.cause = 'residual' then waterfall.amount_usd else 0 end) as residual_usd
    from waterfall
    group by waterfall.billing_period, waterfall.account_id
)

select
    closed.*,
    'WATERFALL DOES NOT CLOSE: ' || cast(closed.billing_period as varchar) || ', account ' || closed.account_id
    || ': log estimate $' || {{ bedrock_costs.decimal_text('closed.log_estimate_usd', 2) }} || ', net bill $'
    || {{ bedrock_costs.decimal_text('closed.net_bill_usd', 2) }}
    || ', residual $' || {{ bedrock_costs.decimal_text('closed.residual_usd', 4) }}
    || ' - bill lines no cause takes: check fct_bill_variance_by_cause and int_bill_cells_compared' as message
from closed
where
    abs(closed.residual_usd) > {{ var('bedrock_costs_bill_residual_tolerance_usd', 0.01) }}
    or abs(closed.log_estimate_usd + closed.causes_usd - closed.net_bill_usd) > 0.000001
