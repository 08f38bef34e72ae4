{{ config(materialized='table', partitioned_by=none) }}

{#- The one home of price: the list price in force for every catalog model, price scope and AWS
    region the calls were made in, per context tier and effective period, with the cache-write rate
    of bedrock_costs_cache_write_ttl. Per-call pricing (int_invocations_priced) and every FinOps mart
    read their rates here, and cost them with the token_cost macro. -#}
{%- set cache_write_rate = 'cache_write_1h_usd_per_mtok' if var('bedrock_costs_cache_write_ttl') == '1h' else 'cache_write_usd_per_mtok' %}

with

catalog as (
    select * from {{ ref('model_pricing') }}
),

regions as (
    select distinct log_lines.aws_region
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    where
        log_lines.line_status = 'record'
        and log_lines.aws_region is not null
),

matching_patterns as (
    -- every catalog row whose region pattern matches a region of the calls
    select
        regions.aws_region,
        catalog.*
    from catalog
    inner join regions
        on regions.aws_region like catalog.region_pattern
),

chosen_patterns as (
    -- per model, scope and region, the most specific (longest) pattern with any row wins, whole
    select
        matching_patterns.model_id,
        matching_patterns.price_scope,
        matching_patterns.aws_region,
        max(length(matching_patterns.region_pattern)) as pattern_length
    from matching_patterns
    group by matching_patterns.model_id, matching_patterns.price_scope, matching_patterns.aws_region
),

regional_rows as (
    select matching_patterns.*
    from matching_patterns
    inner join chosen_patterns
        on matching_patterns.model_id = chosen_patterns.model_id
        and matching_patterns.price_scope = chosen_patterns.price_scope
        and matching_patterns.aws_region = chosen_patterns.aws_region
        and length(matching_patterns.region_pattern) = chosen_patterns.pattern_length
),

tiers as (
    -- each tier runs up to the next tier's threshold of the same pattern
    select distinct
        regional_rows.model_id,
        regional_rows.price_scope,
        regional_rows.region_pattern,
        regional_rows.above_input_tokens
    from regional_rows
),

tier_bounds as (
    select
        tiers.model_id,
        tiers.price_scope,
        tiers.region_pattern,
        tiers.above_input_tokens,
        min(higher_tiers.above_input_tokens) as up_to_input_tokens
    from tiers
    left join tiers as higher_tiers
        on tiers.model_id = higher_tiers.model_id
        and tiers.price_scope = higher_tiers.price_scope
        and tiers.region_pattern = higher_tiers.region_pattern
        and tiers.above_input_tokens < higher_tiers.above_input_tokens
    group by tiers.model_id, tiers.price_scope, tiers.region_pattern, tiers.above_input_tokens
),

final as (
    select
        regional_rows.model_id,
        regional_rows.price_scope,
        regional_rows.aws_region,
        regional_rows.region_pattern,
        regional_rows.above_input_tokens,
        tier_bounds.up_to_input_tokens,
        case when regional_rows.above_input_tokens > 0 then 'long_context' else 'standard' end as context_tier,
        regional_rows.effective_from,
        regional_rows.effective_to,
        regional_rows.input_usd_per_mtok,
        regional_rows.output_usd_per_mtok,
        regional_rows.cache_read_usd_per_mtok,
        regional_rows.{{ cache_write_rate }} as cache_write_usd_per_mtok,  -- noqa: AL09
        regional_rows.source
    from regional_rows
    inner join tier_bounds
        on regional_rows.model_id = tier_bounds.model_id
        and regional_rows.price_scope = tier_bounds.price_scope
        and regional_rows.region_pattern = tier_bounds.region_pattern
        and regional_rows.above_input_tokens = tier_bounds.above_input_tokens
)

select * from final
