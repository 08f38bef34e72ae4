{#- Every way each reconciliation cell (cell_id) could be shared: its apps, teams and callers in the
    logs by estimated cost (`log_estimate`) and by tokens (`log_tokens`), and the bill's own callers
    by what they were billed (`bill_principal`, to `unattributed`). int_bill_cell_shares keeps, per
    cell, the rows of the one basis it is shared by. -#}

with

log_tokens as (
    select * from {{ ref('int_bill_log_tokens_summed') }}
),

bill_lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

log_weights as (
    select
        log_tokens.cell_id,
        log_tokens.app,
        log_tokens.team,
        log_tokens.cost_center,
        log_tokens.environment,
        log_tokens.caller_arn,
        sum(log_tokens.estimated_cost_usd) as estimated_cost_usd,
        sum(log_tokens.log_tokens) as log_tokens
    from log_tokens
    group by 1, 2, 3, 4, 5, 6
),

principal_weights as (
    -- the bill's own callers of a token cell, by what they were billed
    select
        bill_lines.cell_id,
        bill_lines.iam_principal_arn as caller_arn,
        sum(abs(bill_lines.gross_cost_usd)) as billed_cost_usd,
        sum(sum(abs(bill_lines.gross_cost_usd))) over (partition by bill_lines.cell_id) as cell_billed_cost_usd
    from bill_lines
    where bill_lines.usage_kind = 'token'
    group by 1, 2
),

by_estimate as (
    select
        log_weights.*,
        'log_estimate' as allocation_basis,
        log_weights.estimated_cost_usd as weight
    from log_weights
    where log_weights.estimated_cost_usd > 0
),

by_tokens as (
    select
        log_weights.*,
        'log_tokens' as allocation_basis,
        cast(log_weights.log_tokens as double) as weight
    from log_weights
    where log_weights.log_tokens > 0
),

by_principal as (
    -- by billed cost; equally when the cell was billed nothing (a credit alone)
    select
        principal_weights.cell_id,
        'unattributed' as app,
        'unattributed' as team,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as environment,
        principal_weights.caller_arn,
        cast(0 as double) as estimated_cost_usd,
        cast(0 as bigint) as log_tokens,
        'bill_principal' as allocation_basis,
        case when principal_weights.cell_billed_cost_usd > 0 then principal_weights.billed_cost_usd else 1 end
            as weight
    from principal_weights
),

final as (
    -- every way a cell could be shared; each cell keeps the rows of its own basis (int_bill_cell_shares)
    select * from by_estimate
    union all
    select * from by_tokens
    union all
    select * from by_principal
)

-- log_weights' columns, the basis and the weight
select * from final  -- noqa: AM04
