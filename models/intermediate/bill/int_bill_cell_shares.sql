{#- How each reconciliation cell's bill is shared (cell_id: day, account, region, model, token type;
    see _bill__docs.md): over the apps, teams and callers of the logs in proportion to their
    estimated cost in the cell, else their tokens, else over the bill's own callers. One row per
    cell and share, with the cell's bill; a cell's shares add up to 1. -#}

with

cells as (
    select * from {{ ref('int_bill_cells_compared') }}
),

log_tokens as (
    select * from {{ ref('int_bill_log_tokens_summed') }}
),

bill_lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

billed_cells as (
    -- the reconciliation cells the bill has any line for, and how each is shared
    select
        cells.cell_id,
        cells.usage_date,
        cells.account_id,
        cells.aws_region,
        cells.model_id,
        sum(cells.bill_tokens) as bill_tokens,
        sum(cells.billed_cost_usd) as billed_cost_usd,
        sum(cells.discount_usd) as discount_usd,
        sum(cells.credit_usd) as credit_usd,
        sum(cells.net_cost_usd) as net_cost_usd,
        case
            when sum(cells.estimated_cost_usd) > 0 then 'log_estimate'
            when sum(cells.log_tokens) > 0 then 'log_tokens'
            else 'bill_principal'
        end as allocation_basis
    from cells
    group by 1, 2, 3, 4, 5
    having sum(cells.bill_line_count) > 0
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

candidates as (
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
),

final as (
    select
        billed_cells.cell_id,
        billed_cells.usage_date,
        billed_cells.account_id,
        billed_cells.aws_region,
        billed_cells.model_id,
        candidates.app,
        candidates.team,
        candidates.cost_center,
        candidates.environment,
        candidates.caller_arn,
        candidates.allocation_basis,
        candidates.estimated_cost_usd,
        candidates.weight / sum(candidates.weight) over (partition by candidates.cell_id) as cell_share,
        billed_cells.bill_tokens,
        billed_cells.billed_cost_usd,
        billed_cells.discount_usd,
        billed_cells.credit_usd,
        billed_cells.net_cost_usd
    from candidates
    inner join billed_cells
        on candidates.cell_id = billed_cells.cell_id
        and candidates.allocation_basis = billed_cells.allocation_basis
)

select * from final
