{#- The real cost, allocated (see _bill__docs.md): each reconciliation cell's bill spread over the
    apps, teams and callers of the logs in proportion to their estimated cost in the cell; what the
    logs do not have goes to `unattributed`. Every dollar of the bill lands in exactly one row. -#}

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
    -- the reconciliation cells (day, account, region, model, token type) the bill has any line for
    select
        cells.usage_date,
        cells.account_id,
        cells.aws_region,
        cells.model_id,
        cells.token_type,
        sum(cells.estimated_cost_usd) as estimated_cost_usd,
        sum(cells.log_tokens) as log_tokens,
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
    group by cells.usage_date, cells.account_id, cells.aws_region, cells.model_id, cells.token_type
    having sum(cells.bill_line_count) > 0
),

log_weights as (
    select
        log_tokens.usage_date,
        log_tokens.account_id,
        log_tokens.aws_region,
        log_tokens.model_id,
        log_tokens.token_type,
        log_tokens.app,
        log_tokens.team,
        log_tokens.cost_center,
        log_tokens.environment,
        log_tokens.caller_arn,
        sum(log_tokens.estimated_cost_usd) as estimated_cost_usd,
        sum(log_tokens.log_tokens) as log_tokens
    from log_tokens
    group by
        log_tokens.usage_date,
        log_tokens.account_id,
        log_tokens.aws_region,
        log_tokens.model_id,
        log_tokens.token_type,
        log_tokens.app,
        log_tokens.team,
        log_tokens.cost_center,
        log_tokens.environment,
        log_tokens.caller_arn
),

principal_weights as (
    -- the bill's own callers of a token cell, by what they were billed
    select
        bill_lines.usage_date,
        bill_lines.account_id,
        bill_lines.aws_region,
        bill_lines.model_id,
        bill_lines.token_type,
        bill_lines.iam_principal_arn as caller_arn,
        sum(abs(bill_lines.gross_cost_usd)) as billed_cost_usd
    from bill_lines
    where bill_lines.usage_kind = 'token'
    group by
        bill_lines.usage_date,
        bill_lines.account_id,
        bill_lines.aws_region,
        bill_lines.model_id,
        bill_lines.token_type,
        bill_lines.iam_principal_arn
),

candidates as (
    -- every way a cell could be shared; each cell keeps the rows of its own basis
    select
        log_weights.usage_date,
        log_weights.account_id,
        log_weights.aws_region,
        log_weights.model_id,
        log_weights.token_type,
        'log_estimate' as allocation_basis,
        log_weights.app,
        log_weights.team,
        log_weights.cost_center,
        log_weights.environment,
        log_weights.caller_arn,
        log_weights.estimated_cost_usd,
        log_weights.estimated_cost_usd as weight
    from log_weights
    where log_weights.estimated_cost_usd > 0
    union all
    select
        log_weights.usage_date,
        log_weights.account_id,
        log_weights.aws_region,
        log_weights.model_id,
        log_weights.token_type,
        'log_tokens' as allocation_basis,
        log_weights.app,
        log_weights.team,
        log_weights.cost_center,
        log_weights.environment,
        log_weights.caller_arn,
        log_weights.estimated_cost_usd,
        cast(log_weights.log_tokens as double) as weight
    from log_weights
    where log_weights.log_tokens > 0
    union all
    select
        principal_weights.usage_date,
        principal_weights.account_id,
        principal_weights.aws_region,
        principal_weights.model_id,
        principal_weights.token_type,
        'bill_principal' as allocation_basis,
        'unattributed' as app,
        'unattributed' as team,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as environment,
        principal_weights.caller_arn,
        0 as estimated_cost_usd,
        -- by billed cost; equally when the cell was billed nothing (a credit alone)
        case
            when
                sum(principal_weights.billed_cost_usd) over (
                    partition by
                        principal_weights.usage_date,
                        principal_weights.account_id,
                        principal_weights.aws_region,
                        principal_weights.model_id,
                        principal_weights.token_type
                ) > 0
                then principal_weights.billed_cost_usd
            else 1
        end as weight
    from principal_weights
),

shares as (
    select
        candidates.usage_date,
        candidates.account_id,
        candidates.aws_region,
        candidates.model_id,
        candidates.token_type,
        candidates.allocation_basis,
        candidates.app,
        candidates.team,
        candidates.cost_center,
        candidates.environment,
        candidates.caller_arn,
        candidates.estimated_cost_usd,
        billed_cells.bill_tokens,
        billed_cells.billed_cost_usd,
        billed_cells.discount_usd,
        billed_cells.credit_usd,
        billed_cells.net_cost_usd,
        candidates.weight / sum(candidates.weight) over (
            partition by
                candidates.usage_date,
                candidates.account_id,
                candidates.aws_region,
                candidates.model_id,
                candidates.token_type
        ) as cell_share
    from candidates
    inner join billed_cells
        on candidates.usage_date = billed_cells.usage_date
        and candidates.account_id = billed_cells.account_id
        and candidates.aws_region is not distinct from billed_cells.aws_region
        and candidates.model_id is not distinct from billed_cells.model_id
        and candidates.token_type = billed_cells.token_type
        and candidates.allocation_basis = billed_cells.allocation_basis
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
    group by
        both_parts.usage_date,
        both_parts.account_id,
        both_parts.aws_region,
        both_parts.model_id,
        both_parts.charge_kind,
        both_parts.app,
        both_parts.team,
        both_parts.cost_center,
        both_parts.environment,
        both_parts.caller_arn,
        both_parts.allocation_basis
)

select * from final
