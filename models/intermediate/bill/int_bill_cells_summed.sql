{#- Both sides of every comparison with the bill, summed per cell (cell_id: day, account, region,
    model, token type), price scope and context tier: the bill's token lines and the logs' tokens.
    Summed, not joined, so a cell with a NULL model or region still meets its other side. -#}

with

log_side as (
    select
        log_tokens.cell_id,
        log_tokens.usage_date,
        log_tokens.account_id,
        log_tokens.aws_region,
        log_tokens.model_id,
        log_tokens.token_type,
        log_tokens.price_scope,
        log_tokens.context_tier,
        sum(log_tokens.log_tokens) as log_tokens,
        sum(log_tokens.priced_log_tokens) as priced_log_tokens,
        sum(log_tokens.estimated_cost_usd) as estimated_cost_usd,
        cast(0 as bigint) as bill_tokens,
        cast(0 as double) as billed_cost_usd,
        cast(0 as double) as discount_usd,
        cast(0 as double) as credit_usd,
        cast(0 as double) as net_cost_usd,
        0 as bill_line_count
    from {{ ref('int_bill_log_tokens_summed') }} as log_tokens
    group by 1, 2, 3, 4, 5, 6, 7, 8
),

both_sides as (
    select * from {{ ref('int_bill_token_lines_summed') }}
    union all
    select * from log_side
),

final as (
    select
        both_sides.cell_id,
        both_sides.usage_date,
        both_sides.account_id,
        both_sides.aws_region,
        both_sides.model_id,
        both_sides.token_type,
        both_sides.price_scope,
        both_sides.context_tier,
        sum(both_sides.log_tokens) as log_tokens,
        sum(both_sides.priced_log_tokens) as priced_log_tokens,
        sum(both_sides.estimated_cost_usd) as estimated_cost_usd,
        sum(both_sides.bill_tokens) as bill_tokens,
        sum(both_sides.billed_cost_usd) as billed_cost_usd,
        sum(both_sides.discount_usd) as discount_usd,
        sum(both_sides.credit_usd) as credit_usd,
        sum(both_sides.net_cost_usd) as net_cost_usd,
        sum(both_sides.bill_line_count) as bill_line_count
    from both_sides
    group by 1, 2, 3, 4, 5, 6, 7, 8
)

select * from final
