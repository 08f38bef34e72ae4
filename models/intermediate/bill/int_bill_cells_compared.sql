{#- The bill's token usage next to the logs' estimate, per usage_date x account x region x model x
    token type x price scope x context tier, and every dollar of their difference given its cause
    (see _bill__docs.md). The two sides are summed, not joined, so a cell with a NULL model or
    region still meets its other side. -#}

with

coverage as (
    select * from {{ ref('int_bill_coverage') }}
),

bill_lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

log_tokens as (
    select * from {{ ref('int_bill_log_tokens_summed') }}
),

prices as (
    select * from {{ ref('int_model_prices') }}
),

bill_side as (
    -- only token lines make cells: batch, mantle and the rest are causes of their own
    select
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
    from bill_lines
    where bill_lines.usage_kind = 'token'
    group by 1, 2, 3, 4, 5, 6, 7
),

log_side as (
    select
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
    from log_tokens
    group by 1, 2, 3, 4, 5, 6, 7
),

both_sides as (
    select * from bill_side
    union all
    select * from log_side
),

cells as (
    select
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
    group by 1, 2, 3, 4, 5, 6, 7
),

catalog_rates as (
    -- the catalog's rate for the cells the logs do not price: for regional usage in-region, else geo
    select
        cells.usage_date,
        cells.account_id,
        cells.aws_region,
        cells.model_id,
        cells.token_type,
        cells.price_scope,
        cells.context_tier,
        coalesce(
            max(
                case
                    when prices.price_scope in ('in_region', 'global')
                        then {{ bedrock_costs.bill_token_rate('cells.token_type', 'prices') }}
                end
            ),
            max({{ bedrock_costs.bill_token_rate('cells.token_type', 'prices') }})
        ) as catalog_usd_per_mtok
    from cells
    inner join prices
        on cells.model_id = prices.model_id
        and cells.aws_region = prices.aws_region
        and cells.context_tier = prices.context_tier
        and (
            (cells.price_scope = 'global' and prices.price_scope = 'global')
            or (cells.price_scope = 'regional' and prices.price_scope in ('in_region', 'geo'))
        )
        and prices.effective_from <= cast(cells.usage_date as timestamp)
        and (prices.effective_to is null or cast(cells.usage_date as timestamp) < prices.effective_to)
    where cells.priced_log_tokens = 0
    group by 1, 2, 3, 4, 5, 6, 7
),

rated as (
    select
        cells.*,
        cast({{ dbt.date_trunc('month', 'cells.usage_date') }} as date) as billing_period,
        coalesce(coverage.pending_after_date is null or cells.usage_date > coverage.pending_after_date, false)
            as is_pending,
        -- USD per 1M tokens: the estimate's own rate, else the catalog's, else (unpriced) the bill's
        coalesce(
            case when cells.priced_log_tokens > 0 then cells.estimated_cost_usd * 1e6 / cells.priced_log_tokens end,
            catalog_rates.catalog_usd_per_mtok,
            case when cells.bill_tokens > 0 then cells.billed_cost_usd * 1e6 / cells.bill_tokens end,
            0
        ) as reference_usd_per_mtok,
        case when cells.bill_tokens > 0 then cells.billed_cost_usd * 1e6 / cells.bill_tokens end as billed_usd_per_mtok
    from cells
    cross join coverage
    left join catalog_rates
        on cells.usage_date = catalog_rates.usage_date
        and cells.account_id = catalog_rates.account_id
        and cells.aws_region = catalog_rates.aws_region
        and cells.model_id = catalog_rates.model_id
        and cells.token_type = catalog_rates.token_type
        and cells.price_scope = catalog_rates.price_scope
        and cells.context_tier = catalog_rates.context_tier
),

final as (
    select
        rated.billing_period,
        rated.account_id,
        rated.aws_region,
        rated.model_id,
        rated.token_type,
        rated.price_scope,
        rated.context_tier,
        rated.log_tokens,
        rated.priced_log_tokens,
        rated.bill_tokens,
        rated.estimated_cost_usd,
        rated.billed_cost_usd,
        rated.discount_usd,
        rated.credit_usd,
        rated.net_cost_usd,
        rated.bill_line_count,
        rated.reference_usd_per_mtok,
        rated.billed_usd_per_mtok,
        rated.is_pending,
        case when rated.is_pending then rated.billed_cost_usd - rated.estimated_cost_usd else 0 end as not_yet_billed_usd,
        case
            when rated.is_pending then 0
            else (rated.bill_tokens - rated.priced_log_tokens) * rated.reference_usd_per_mtok / 1e6
        end as token_gap_usd,
        case
            when rated.is_pending then 0
            else rated.billed_cost_usd - rated.bill_tokens * rated.reference_usd_per_mtok / 1e6
        end as price_difference_usd,
        rated.usage_date
    from rated
)

select * from final
