{#- The waterfall from the log estimate to the net bill, per billing period and usage account: one
    row per cause (and kind), in cause order, from `log_estimate` to `net_bill`, with the cause's
    words from seeds/bill_causes.csv. The causes between the two (int_bill_variance_steps) add up
    to net_bill - log_estimate exactly; `residual` is what no cause explains, and a test keeps it
    under bedrock_costs_bill_residual_tolerance_usd. -#}

with

steps as (
    select * from {{ ref('int_bill_variance_steps') }}
),

totals as (
    -- per billing period and account: the net bill, and what the steps explain of it
    select
        both_sides.billing_period,
        both_sides.account_id,
        sum(both_sides.net_cost_usd) as net_cost_usd,
        sum(both_sides.explained_usd) as explained_usd
    from (
        select lines.billing_period, lines.account_id, lines.net_cost_usd, 0 as explained_usd
        from {{ ref('int_bill_lines_resolved') }} as lines
        union all
        select steps.billing_period, steps.account_id, 0, steps.amount_usd from steps
    ) as both_sides
    group by both_sides.billing_period, both_sides.account_id
),

waterfall as (
    select * from steps
    union all
    select billing_period, account_id, 'residual', 'residual', net_cost_usd - explained_usd from totals
    union all
    select billing_period, account_id, 'net_bill', 'net_bill', net_cost_usd from totals
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
