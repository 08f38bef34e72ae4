{#- The waterfall's steps between the log estimate and the net bill, per billing period and usage
    account, one row per cause and kind: the cells' causes (int_bill_cells_compared) and the lines'
    (int_bill_line_steps). A step is kept when it is not 0 or its cause or kind is shown at zero. -#}

with

kinds as (
    select * from {{ ref('cur_line_kinds') }}
),

cell_totals as (
    select
        cells.billing_period,
        cells.account_id,
        sum(cells.estimated_cost_usd) as estimated_cost_usd,
        sum(cells.not_yet_billed_usd) as not_yet_billed_usd,
        sum(cells.token_gap_usd) as token_gap_usd,
        sum(cells.price_difference_usd) as price_difference_usd
    from {{ ref('int_bill_cells_compared') }} as cells
    group by cells.billing_period, cells.account_id
),

cell_steps as (
    -- the cells' totals unpivoted: one row per cause, with the cause's own kind
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        cell_causes.cause,
        cell_causes.kind,
        case cell_causes.cause
            when 'log_estimate' then cell_totals.estimated_cost_usd
            when 'not_yet_billed' then cell_totals.not_yet_billed_usd
            when 'token_count_gap' then cell_totals.token_gap_usd
            else cell_totals.price_difference_usd
        end as amount_usd
    from cell_totals
    cross join (
        values
        ('log_estimate', 'log_estimate'),
        ('not_yet_billed', 'cur_lag'),
        ('token_count_gap', 'tokens'),
        ('price_difference', 'unit_price')
    ) as cell_causes (cause, kind)
),

zero_steps as (
    -- the kinds a waterfall shows even at 0 (batch, mantle, discount, credit)
    select
        cell_totals.billing_period,
        cell_totals.account_id,
        kinds.cause,
        kinds.line_kind as kind,
        0 as amount_usd
    from cell_totals
    cross join kinds
    where kinds.shown_at_zero
),

amounts as (
    select * from cell_steps
    union all
    select * from {{ ref('int_bill_line_steps') }}
    union all
    select * from zero_steps
),

final as (
    select
        amounts.billing_period,
        amounts.account_id,
        amounts.cause,
        amounts.kind,
        sum(amounts.amount_usd) as amount_usd
    from amounts
    left join {{ ref('bill_causes') }} as causes
        on amounts.cause = causes.cause
    left join kinds
        on amounts.kind = kinds.line_kind
    group by amounts.billing_period, amounts.account_id, amounts.cause, amounts.kind
    having
        sum(amounts.amount_usd) <> 0
        or max(case when causes.shown_at_zero or kinds.shown_at_zero then 1 else 0 end) = 1
)

select * from final
