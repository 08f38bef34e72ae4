{#- The bill's side of every comparison with the logs: its on-demand token lines (usage kind
    `token`: batch, mantle and the rest are causes of their own) summed per cell (cell_id), price
    scope and context tier, with the log side's measures at 0 (int_bill_cells_summed adds them). -#}

with

final as (
    select
        bill_lines.cell_id,
        bill_lines.usage_date,
        bill_lines.account_id,
        bill_lines.aws_region,
        bill_lines.model_id,
        bill_lines.token_type,
        bill_lines.price_scope,
        bill_lines.context_tier,
        cast(0 as bigint) as log_tokens,
        cast(0 as bigint) as priced_log_tokens,
        cast(0 as double) as estimated_cost_usd,
        sum(
            case when bill_lines.charge_category in ('usage', 'other') then coalesce(bill_lines.billed_tokens, 0) else 0 end
        ) as bill_tokens,
        sum(bill_lines.gross_cost_usd) as billed_cost_usd,
        sum(bill_lines.discount_usd) as discount_usd,
        sum(bill_lines.credit_usd) as credit_usd,
        sum(bill_lines.net_cost_usd) as net_cost_usd,
        count(*) as bill_line_count
    from {{ ref('int_bill_lines_resolved') }} as bill_lines
    where bill_lines.usage_kind = 'token'
    group by 1, 2, 3, 4, 5, 6, 7, 8
)

select * from final
