{#- The waterfall from the log estimate to the net bill, per billing period and usage account: one
    row per cause (and kind), in step order, from `log_estimate` to `net_bill`. The causes between
    the two add up to net_bill - log_estimate exactly; `residual` is what no cause explains, and a
    test keeps it under bedrock_costs_bill_residual_tolerance_usd. -#}

with

cells as (
    select * from {{ ref('int_bill_cells_compared') }}
),

lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

cell_totals as (
    select
        cells.billing_period,
        cells.account_id,
        sum(cells.estimated_cost_usd) as estimated_cost_usd,
        sum(cells.not_yet_billed_usd) as not_yet_billed_usd,
        sum(cells.token_gap_usd) as token_gap_usd,
        sum(cells.price_difference_usd) as price_difference_usd
    from cells
    group by cells.billing_period, cells.account_id
),

line_totals as (
    -- what the bill holds beyond the token cells, by kind; and every line's discounts and credits
    select
        lines.billing_period,
        lines.account_id,
        lines.line_kind,
        sum(case when lines.usage_kind <> 'token' then lines.gross_cost_usd else 0 end) as gross_cost_usd,
        sum(lines.discount_usd) as discount_usd,
        sum(case when lines.charge_category = 'credit' then lines.credit_usd else 0 end) as credit_usd,
        sum(case when lines.charge_category = 'refund' then lines.credit_usd else 0 end) as refund_usd
    from lines
    group by lines.billing_period, lines.account_id, lines.line_kind
),

cell_steps as (
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        0 as step_order,
        'log_estimate' as cause,
        'log_estimate' as kind,
        cell_totals.estimated_cost_usd as amount_usd
    from cell_totals
    union all
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        1 as step_order,
        'not_yet_billed' as cause,
        'cur_lag' as kind,
        cell_totals.not_yet_billed_usd as amount_usd
    from cell_totals
    union all
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        2 as step_order,
        'token_count_gap' as cause,
        'tokens' as kind,
        cell_totals.token_gap_usd as amount_usd
    from cell_totals
    union all
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        3 as step_order,
        'price_difference' as cause,
        'unit_price' as kind,
        cell_totals.price_difference_usd as amount_usd
    from cell_totals
    union all
    -- traffic the logs never see, and charges that are not tokens, by kind
    select
        line_totals.billing_period,
        line_totals.account_id,
        case
            when line_totals.line_kind in ('batch', 'mantle', 'claude_platform') then 4
            when line_totals.line_kind = 'unclassified' then 6
            else 5
        end as step_order,
        case
            when line_totals.line_kind in ('batch', 'mantle', 'claude_platform') then 'unlogged_traffic'
            when line_totals.line_kind = 'unclassified' then 'unclassified'
            else 'non_token_charges'
        end as cause,
        line_totals.line_kind as kind,
        line_totals.gross_cost_usd as amount_usd
    from line_totals
    where line_totals.line_kind not in ('token', 'discount', 'credit', 'refund')
    union all
    select
        line_totals.billing_period,
        line_totals.account_id,
        7 as step_order,
        'credits_and_discounts' as cause,
        'discount' as kind,
        line_totals.discount_usd as amount_usd
    from line_totals
    union all
    select
        line_totals.billing_period,
        line_totals.account_id,
        7 as step_order,
        'credits_and_discounts' as cause,
        'credit' as kind,
        line_totals.credit_usd as amount_usd
    from line_totals
    union all
    select
        line_totals.billing_period,
        line_totals.account_id,
        7 as step_order,
        'credits_and_discounts' as cause,
        'refund' as kind,
        line_totals.refund_usd as amount_usd
    from line_totals
),

standard_steps as (
    -- the steps a waterfall always shows, even at 0
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        4 as step_order,
        'unlogged_traffic' as cause,
        'batch' as kind,
        0 as amount_usd
    from cell_totals
    union all
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        4 as step_order,
        'unlogged_traffic' as cause,
        'mantle' as kind,
        0 as amount_usd
    from cell_totals
),

all_steps as (
    select * from cell_steps
    union all
    select * from standard_steps
),

steps as (
    select
        all_steps.billing_period,
        all_steps.account_id,
        all_steps.step_order,
        all_steps.cause,
        all_steps.kind,
        sum(all_steps.amount_usd) as amount_usd
    from all_steps
    group by all_steps.billing_period, all_steps.account_id, all_steps.step_order, all_steps.cause, all_steps.kind
    having sum(all_steps.amount_usd) <> 0 or all_steps.step_order <= 4 or all_steps.kind in ('discount', 'credit')
),

explained as (
    select
        steps.billing_period,
        steps.account_id,
        sum(steps.amount_usd) as explained_usd
    from steps
    group by steps.billing_period, steps.account_id
),

net_bill as (
    select
        lines.billing_period,
        lines.account_id,
        sum(lines.net_cost_usd) as net_cost_usd
    from lines
    group by lines.billing_period, lines.account_id
),

totals as (
    select
        coalesce(explained.billing_period, net_bill.billing_period) as billing_period,
        coalesce(explained.account_id, net_bill.account_id) as account_id,
        coalesce(net_bill.net_cost_usd, 0) as net_cost_usd,
        coalesce(explained.explained_usd, 0) as explained_usd
    from explained
    full outer join net_bill
        on explained.billing_period = net_bill.billing_period
        and explained.account_id = net_bill.account_id
),

waterfall as (
    select
        steps.billing_period,
        steps.account_id,
        steps.step_order,
        steps.cause,
        steps.kind,
        steps.amount_usd
    from steps
    union all
    select
        totals.billing_period,
        totals.account_id,
        8 as step_order,
        'residual' as cause,
        'residual' as kind,
        totals.net_cost_usd - totals.explained_usd as amount_usd
    from totals
    union all
    select
        totals.billing_period,
        totals.account_id,
        9 as step_order,
        'net_bill' as cause,
        'net_bill' as kind,
        totals.net_cost_usd as amount_usd
    from totals
),

final as (
    select
        waterfall.billing_period,
        waterfall.account_id,
        waterfall.step_order,
        waterfall.cause,
        waterfall.kind,
        waterfall.cause in ('log_estimate', 'net_bill') as is_total,
        waterfall.amount_usd,
        -- where the waterfall stands after this step (net_bill stands on its own)
        sum(case when waterfall.cause = 'net_bill' then 0 else waterfall.amount_usd end) over (
            partition by waterfall.billing_period, waterfall.account_id
            order by waterfall.step_order, waterfall.kind
            rows between unbounded preceding and current row
        ) as running_total_usd,
        case waterfall.cause
            when 'log_estimate' then 'the invocation logs at list price (the daily marts)'
            when 'not_yet_billed' then 'days the bill cannot hold yet: the CUR lags usage by up to a day or two'
            when 'token_count_gap' then 'tokens billed but not logged (logging off, late or lost logs), or logged but not billed'
            when 'price_difference' then 'the bill''s unit price against the catalog''s (a stale catalog, flex or priority tiers)'
            when 'unlogged_traffic' then 'traffic invocation logs never see (' || waterfall.kind || ')'
            when 'non_token_charges' then 'charges that are not tokens (' || waterfall.kind || ')'
            when 'unclassified' then 'bill lines no rule classifies: see the test assert_bill_lines_classified'
            when 'credits_and_discounts' then waterfall.kind || 's on the bill'
            when 'residual' then 'what no cause explains (kept small by a test)'
            when 'net_bill' then 'the bill after discounts and credits (CUR 2.0 net unblended cost)'
        end as description
    from waterfall
)

select * from final
