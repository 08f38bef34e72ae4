{#- How each reconciliation cell's bill is shared (_bill__docs.md): by its logs' estimated cost, else
    their tokens, else the bill's callers (int_bill_cell_weights); a cell's shares add up to 1. -#}

with

candidates as (
    select * from {{ ref('int_bill_cell_weights') }}
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
    from {{ ref('int_bill_cells_compared') }} as cells
    group by 1, 2, 3, 4, 5
    having sum(cells.bill_line_count) > 0
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
