{#- Warns naming each model whose list price in seeds/model_pricing.csv the bill contradicts: the
    unit price the bill implies differs from the catalog's by more than
    bedrock_costs_bill_price_tolerance_pct (fct_bill_catalog_price_check), from the first such day.
    The fix is a new effective-dated catalog row (docs/prices.md). -#}
{{ config(enabled=bedrock_costs.bill_enabled(), severity='warn') }}

with

stale as (
    select
        checks.model_id,
        checks.price_scope,
        checks.aws_region,
        checks.token_type,
        checks.context_tier,
        min(checks.usage_date) as first_date,
        max(checks.usage_date) as last_date,
        {{ bedrock_costs.usd_per_mtok("sum(checks.billed_cost_usd)", "sum(checks.bill_tokens)") }} as billed_usd_per_mtok,
        max(checks.catalog_usd_per_mtok) as catalog_usd_per_mtok
    from {{ ref('fct_bill_catalog_price_check') }} as checks
    where checks.status = 'stale'
    group by checks.model_id, checks.price_scope, checks.aws_region, checks.token_type, checks.context_tier
)

select
    stale.*,
    'STALE LIST PRICE: ' || stale.model_id || ' (' || stale.price_scope || ', ' || stale.aws_region || ', '
    || stale.token_type || ', ' || stale.context_tier || '): the bill charged $'
    || {{ bedrock_costs.decimal_text('stale.billed_usd_per_mtok', 4) }} || ' per 1M tokens from '
    || cast(stale.first_date as varchar) || ' to ' || cast(stale.last_date as varchar) || ', the catalog has $'
    || coalesce({{ bedrock_costs.decimal_text('stale.catalog_usd_per_mtok', 4) }}, '-')
    || ' - close its row in seeds/model_pricing.csv and add one effective from the first date (docs/prices.md)' as message
from stale
