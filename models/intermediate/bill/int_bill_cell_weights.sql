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
    -- the bill's own callers of a token cell, by what they were billed; equally when the cell was
    -- billed nothing (a credit alone)
    select
        bill_lines.cell_id,
        bill_lines.iam_principal_arn as caller_arn,
        sum(abs(bill_lines.gross_cost_usd)) as billed_cost_usd,
        sum(sum(abs(bill_lines.gross_cost_usd))) over (partition by bill_lines.cell_id) as cell_billed_cost_usd
    from bill_lines
    where bill_lines.usage_kind = 'token'
    group by 1, 2
),

final as (
    -- every way a cell could be shared; each cell keeps the rows of its own basis
    select cell_id, 'log_estimate' as allocation_basis, app, team, cost_center, environment, caller_arn,
        estimated_cost_usd, estimated_cost_usd as weight
    from log_weights
    where estimated_cost_usd > 0
    union all
    select cell_id, 'log_tokens', app, team, cost_center, environment, caller_arn,
        estimated_cost_usd, cast(log_tokens as double)
    from log_weights
    where log_tokens > 0
    union all
    select cell_id, 'bill_principal', 'unattributed', 'unattributed', cast(null as varchar), cast(null as varchar),
        caller_arn, 0, case when cell_billed_cost_usd > 0 then billed_cost_usd else 1 end
    from principal_weights
)

select * from final
