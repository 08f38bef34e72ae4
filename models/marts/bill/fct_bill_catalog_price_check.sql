{#- The catalog checks itself: the unit price the bill implies (billed cost / billed tokens of the
    standard tier's on-demand token lines) against the catalog's list price for the same model,
    scope, region, context tier and day (int_bill_catalog_rates, from int_model_rates). A regional
    line matches the in-region or the geo rate. `stale`: off by more than
    bedrock_costs_bill_price_tolerance_pct, so the catalog needs a new effective-dated row. Cache
    writes with another TTL than bedrock_costs_cache_write_ttl are left out (the catalog rate chosen
    is that TTL's). -#}

with

bill_lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

catalog_rates as (
    select * from {{ ref('int_bill_catalog_rates') }}
),

bill_rates as (
    select
        bill_lines.usage_date,
        bill_lines.model_id,
        bill_lines.price_scope,
        bill_lines.aws_region,
        bill_lines.token_type,
        bill_lines.context_tier,
        sum(bill_lines.billed_tokens) as bill_tokens,
        sum(bill_lines.gross_cost_usd) as billed_cost_usd
    from bill_lines
    where
        bill_lines.usage_kind = 'token'
        and bill_lines.charge_category = 'usage'
        and bill_lines.service_tier = 'standard'
        and bill_lines.model_id is not null
        and (bill_lines.cache_write_ttl is null or bill_lines.cache_write_ttl = '{{ var('bedrock_costs_cache_write_ttl') }}')
    group by 1, 2, 3, 4, 5, 6
    having sum(bill_lines.billed_tokens) > 0
),

compared as (
    select
        bill_rates.*,
        {{ bedrock_costs.usd_per_mtok('bill_rates.billed_cost_usd', 'bill_rates.bill_tokens') }} as billed_usd_per_mtok,
        catalog_rates.catalog_usd_per_mtok,
        catalog_rates.catalog_geo_usd_per_mtok
    from bill_rates
    left join catalog_rates
        on bill_rates.usage_date = catalog_rates.usage_date
        and bill_rates.model_id = catalog_rates.model_id
        and bill_rates.price_scope = catalog_rates.price_scope
        and bill_rates.aws_region = catalog_rates.aws_region
        and bill_rates.token_type = catalog_rates.token_type
        and bill_rates.context_tier = catalog_rates.context_tier
),

final as (
    select
        cast({{ dbt.date_trunc('month', 'compared.usage_date') }} as date) as billing_period,
        compared.model_id,
        compared.price_scope,
        compared.aws_region,
        compared.token_type,
        compared.context_tier,
        compared.bill_tokens,
        compared.billed_cost_usd,
        compared.billed_usd_per_mtok,
        compared.catalog_usd_per_mtok,
        compared.catalog_geo_usd_per_mtok,
        case
            when compared.catalog_usd_per_mtok > 0
                then 100.0 * (compared.billed_usd_per_mtok - compared.catalog_usd_per_mtok) / compared.catalog_usd_per_mtok
        end as difference_pct,
        case
            when compared.catalog_usd_per_mtok is null and compared.catalog_geo_usd_per_mtok is null then 'no_catalog_rate'
            when
                abs(compared.billed_usd_per_mtok - compared.catalog_usd_per_mtok)
                <= {{ var('bedrock_costs_bill_price_tolerance_pct', 0.5) }} / 100.0 * compared.catalog_usd_per_mtok
                or abs(compared.billed_usd_per_mtok - compared.catalog_geo_usd_per_mtok)
                <= {{ var('bedrock_costs_bill_price_tolerance_pct', 0.5) }} / 100.0 * compared.catalog_geo_usd_per_mtok
                then 'matches'
            else 'stale'
        end as status,
        compared.usage_date
    from compared
)

select * from final
