{#- The catalog's rate (int_model_rates, in force on the day: rate_in_force) for every day, model,
    price scope as the bill names it (global | regional), Region, context tier and token type of the
    bill cells: `catalog_usd_per_mtok` is the global or in-region rate, `catalog_geo_usd_per_mtok`
    the geo one (the bill's "regional" covers both). The one place the bill meets the rates. -#}

with

rate_keys as (
    select distinct
        cells.usage_date,
        cells.model_id,
        cells.price_scope,
        cells.aws_region,
        cells.context_tier,
        cells.token_type
    from {{ ref('int_bill_cells_summed') }} as cells
),

matched as (
    select
        rate_keys.*,
        rates.price_scope as catalog_price_scope,
        rates.usd_per_mtok
    from rate_keys
    inner join {{ ref('int_model_rates') }} as rates
        on rate_keys.model_id = rates.model_id
        and rate_keys.aws_region = rates.aws_region
        and rate_keys.context_tier = rates.context_tier
        and rate_keys.token_type = rates.token_type
        and rate_keys.price_scope = {{ bedrock_costs.bill_price_scope('rates.price_scope') }}
        and {{ bedrock_costs.rate_in_force('rates', 'cast(rate_keys.usage_date as timestamp)') }}
),

final as (
    select
        matched.usage_date,
        matched.model_id,
        matched.price_scope,
        matched.aws_region,
        matched.context_tier,
        matched.token_type,
        max(case when matched.catalog_price_scope in ('in_region', 'global') then matched.usd_per_mtok end)
            as catalog_usd_per_mtok,
        max(case when matched.catalog_price_scope = 'geo' then matched.usd_per_mtok end) as catalog_geo_usd_per_mtok
    from matched
    group by 1, 2, 3, 4, 5, 6
)

select * from final
