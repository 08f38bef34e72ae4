{#- The bill's token usage next to the logs' estimate, per cell (int_bill_cells_summed) and price
    scope and context tier, and every dollar of their difference given its cause (see
    _bill__docs.md): not yet billed on a pending day (int_bill_coverage), else a token gap and a
    price difference at the reference rate. -#}

with

cells as (
    select * from {{ ref('int_bill_cells_summed') }}
),

rated as (
    select
        cells.*,
        coverage.billing_period,
        coverage.is_pending,
        -- USD per 1M tokens: the estimate's own rate, else the catalog's (in-region or global, else
        -- geo), else (unpriced) the bill's
        coalesce(
            {{ bedrock_costs.usd_per_mtok('cells.estimated_cost_usd', 'cells.priced_log_tokens') }},
            catalog_rates.catalog_usd_per_mtok,
            catalog_rates.catalog_geo_usd_per_mtok,
            {{ bedrock_costs.usd_per_mtok('cells.billed_cost_usd', 'cells.bill_tokens') }},
            0
        ) as reference_usd_per_mtok,
        {{ bedrock_costs.usd_per_mtok('cells.billed_cost_usd', 'cells.bill_tokens') }} as billed_usd_per_mtok
    from cells
    inner join {{ ref('int_bill_coverage') }} as coverage
        on cells.usage_date = coverage.usage_date
    left join {{ ref('int_bill_catalog_rates') }} as catalog_rates
        on cells.usage_date = catalog_rates.usage_date
        and cells.model_id = catalog_rates.model_id
        and cells.price_scope = catalog_rates.price_scope
        and cells.aws_region = catalog_rates.aws_region
        and cells.context_tier = catalog_rates.context_tier
        and cells.token_type = catalog_rates.token_type
),

final as (
    select
        rated.*,
        case when rated.is_pending then rated.billed_cost_usd - rated.estimated_cost_usd else 0 end as not_yet_billed_usd,
        case
            when rated.is_pending then 0
            else {{ bedrock_costs.token_cost('rated.bill_tokens - rated.priced_log_tokens', 'rated.reference_usd_per_mtok') }}
        end as token_gap_usd,
        case
            when rated.is_pending then 0
            else rated.billed_cost_usd - {{ bedrock_costs.token_cost('rated.bill_tokens', 'rated.reference_usd_per_mtok') }}
        end as price_difference_usd
    from rated
)

-- every column of int_bill_cells_summed passes through
select * from final  -- noqa: AM04
