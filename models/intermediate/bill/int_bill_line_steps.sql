{#- The bill's lines as waterfall steps, per billing period and usage account: each line kind's gross
    cost under its cause (seeds/cur_line_kinds.csv; `token` lines are the cells instead), and every
    line's discounts, credits and refunds under credits_and_discounts. -#}

with

lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

kinds as (
    select * from {{ ref('cur_line_kinds') }}
),

kind_totals as (
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
    group by 1, 2, 3
),

final as (
    -- each kind's gross cost under its cause (a kind the seed lacks is unclassified, never lost), and
    -- every line's discounts, credits and refunds
    select
        kind_totals.billing_period,
        kind_totals.account_id,
        case when money.kind = 'gross' then coalesce(kinds.cause, 'unclassified') else 'credits_and_discounts' end
            as cause,
        case when money.kind = 'gross' then kind_totals.line_kind else money.kind end as kind,
        sum(
            case money.kind
                when 'gross' then kind_totals.gross_cost_usd
                when 'discount' then kind_totals.discount_usd
                when 'credit' then kind_totals.credit_usd
                else kind_totals.refund_usd
            end
        ) as amount_usd
    from kind_totals
    cross join (values ('gross'), ('discount'), ('credit'), ('refund')) as money (kind)
    left join kinds
        on kind_totals.line_kind = kinds.line_kind
    where money.kind <> 'gross' or kind_totals.line_kind <> 'token'
    group by 1, 2, 3, 4
)

select * from final
