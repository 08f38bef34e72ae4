{#- The waterfall from the log estimate to the net bill, per billing period and usage account: one
    row per cause (and kind), in cause order, from `log_estimate` to `net_bill`, with the cause's
    words from seeds/bill_causes.csv. The causes between the two (int_bill_variance_steps) add up
    to net_bill - log_estimate exactly; `residual` is what no cause explains, and a test keeps it
    under bedrock_costs_bill_residual_tolerance_usd. -#}

with

steps as (
    select * from {{ ref('int_bill_variance_steps') }}
),

net_bill as (
    select
        lines.billing_period,
        lines.account_id,
        'net_bill' as cause,
        'net_bill' as kind,
        sum(lines.net_cost_usd) as amount_usd
    from {{ ref('int_bill_lines_resolved') }} as lines
    group by lines.billing_period, lines.account_id
),

totals as (
    select * from steps
    union all
    select * from net_bill
),

residual as (
    -- what no step explains of the net bill
    select
        totals.billing_period,
        totals.account_id,
        'residual' as cause,
        'residual' as kind,
        sum(case when totals.cause = 'net_bill' then totals.amount_usd else -totals.amount_usd end) as amount_usd
    from totals
    group by totals.billing_period, totals.account_id
),

waterfall as (
    select * from totals
    union all
    select * from residual
),

final as (
    select
        waterfall.billing_period,
        waterfall.account_id,
        causes.cause_order as step_order,
        waterfall.cause,
        waterfall.kind,
        causes.is_total,
        waterfall.amount_usd,
        -- where the waterfall stands after this step (net_bill stands on its own)
        sum(case when waterfall.cause = 'net_bill' then 0 else waterfall.amount_usd end) over (
            partition by waterfall.billing_period, waterfall.account_id
            order by causes.cause_order, waterfall.kind
            rows between unbounded preceding and current row
        ) as running_total_usd,
        replace(causes.description, '{kind}', waterfall.kind) as description,
        causes.cause_order,
        causes.label as cause_label,
        causes.short_label as cause_short_label
    from waterfall
    inner join {{ ref('bill_causes') }} as causes
        on waterfall.cause = causes.cause
)

select * from final
