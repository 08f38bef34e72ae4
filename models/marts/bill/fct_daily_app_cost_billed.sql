{#- The real cost, allocated (see _bill__docs.md): each reconciliation cell's bill spread by its
    shares (int_bill_cell_shares) over the apps, teams and callers of the logs; what the logs do not
    have goes to `unattributed`, every other Bedrock line whole. Every dollar of the bill lands in
    exactly one row. -#}

with

shares as (
    select * from {{ ref('int_bill_cell_shares') }}
),

bill_lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

allocated_cells as (
    select
        shares.usage_date,
        shares.account_id,
        shares.aws_region,
        shares.model_id,
        'token' as charge_kind,
        shares.app,
        shares.team,
        shares.cost_center,
        shares.environment,
        shares.caller_arn,
        shares.allocation_basis,
        shares.estimated_cost_usd,
        shares.bill_tokens * shares.cell_share as bill_tokens,
        shares.billed_cost_usd * shares.cell_share as billed_cost_usd,
        shares.discount_usd * shares.cell_share as discount_usd,
        shares.credit_usd * shares.cell_share as credit_usd,
        shares.net_cost_usd * shares.cell_share as net_cost_usd
    from shares
),

other_charges as (
    -- every other Bedrock line, whole: to `unattributed`, with its kind and the bill's principal
    select
        bill_lines.usage_date,
        bill_lines.account_id,
        bill_lines.aws_region,
        bill_lines.model_id,
        bill_lines.line_kind as charge_kind,
        'unattributed' as app,
        'unattributed' as team,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as environment,
        bill_lines.iam_principal_arn as caller_arn,
        'bill_line' as allocation_basis,
        0 as estimated_cost_usd,
        coalesce(bill_lines.billed_tokens, 0) as bill_tokens,
        bill_lines.gross_cost_usd as billed_cost_usd,
        bill_lines.discount_usd,
        bill_lines.credit_usd,
        bill_lines.net_cost_usd
    from bill_lines
    where bill_lines.usage_kind <> 'token'
),

both_parts as (
    select * from allocated_cells
    union all
    select * from other_charges
),

final as (
    select
        cast({{ dbt.date_trunc('month', 'both_parts.usage_date') }} as date) as billing_period,
        both_parts.account_id,
        both_parts.aws_region,
        both_parts.model_id,
        both_parts.charge_kind,
        both_parts.app,
        both_parts.team,
        both_parts.cost_center,
        both_parts.environment,
        both_parts.caller_arn,
        both_parts.allocation_basis,
        sum(both_parts.estimated_cost_usd) as estimated_cost_usd,
        sum(both_parts.bill_tokens) as bill_tokens,
        sum(both_parts.billed_cost_usd) as billed_cost_usd,
        sum(both_parts.discount_usd) as discount_usd,
        sum(both_parts.credit_usd) as credit_usd,
        sum(both_parts.net_cost_usd) as net_cost_usd,
        both_parts.usage_date
    from both_parts
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 18
)

select * from final
