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

both_parts as (
    select
        usage_date, account_id, aws_region, model_id, 'token' as charge_kind, app, team, cost_center, environment,
        caller_arn, allocation_basis, estimated_cost_usd, bill_tokens * cell_share as bill_tokens,
        billed_cost_usd * cell_share as billed_cost_usd, discount_usd * cell_share as discount_usd,
        credit_usd * cell_share as credit_usd, net_cost_usd * cell_share as net_cost_usd
    from shares
    union all
    -- every other Bedrock line, whole: to `unattributed`, with its kind and the bill's principal
    select
        usage_date, account_id, aws_region, model_id, line_kind, 'unattributed', 'unattributed', cast(null as varchar),
        cast(null as varchar), iam_principal_arn, 'bill_line', 0, coalesce(billed_tokens, 0), gross_cost_usd,
        discount_usd, credit_usd, net_cost_usd
    from bill_lines
    where usage_kind <> 'token'
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
