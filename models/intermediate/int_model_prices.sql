{{ config(materialized='table', partitioned_by=none) }}

{#- The rates of int_model_rates side by side, one column per token type: one row per catalog row
    and Region, the shape per-call pricing joins (a hash join on model, scope and Region, the time
    and the tier as range filters) and the FinOps list prices read. -#}

with

rates as (
    select * from {{ ref('int_model_rates') }}
),

final as (
    select
        rates.model_id,
        rates.price_scope,
        rates.aws_region,
        rates.region_pattern,
        rates.above_input_tokens,
        rates.up_to_input_tokens,
        rates.context_tier,
        rates.valid_from,
        rates.valid_to,
        max(case when rates.token_type = 'input' then rates.usd_per_mtok end) as input_usd_per_mtok,
        max(case when rates.token_type = 'output' then rates.usd_per_mtok end) as output_usd_per_mtok,
        max(case when rates.token_type = 'cache_read' then rates.usd_per_mtok end) as cache_read_usd_per_mtok,
        max(case when rates.token_type = 'cache_write' then rates.usd_per_mtok end) as cache_write_usd_per_mtok,
        rates.source
    from rates
    group by
        rates.model_id,
        rates.price_scope,
        rates.aws_region,
        rates.region_pattern,
        rates.above_input_tokens,
        rates.up_to_input_tokens,
        rates.context_tier,
        rates.valid_from,
        rates.valid_to,
        rates.source
)

select * from final
