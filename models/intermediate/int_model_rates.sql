{{ config(materialized='table', partitioned_by=none) }}
{%- set cache_write_rate = 'cache_write_1h_usd_per_mtok' if var('bedrock_costs_cache_write_ttl') == '1h' else 'cache_write_usd_per_mtok' %}

{#- The one rate table: the list price of seeds/model_pricing.csv (its only reader) for every catalog
    model, price scope, AWS Region (int_price_regions), context tier and token type, valid from
    valid_from to valid_to, in USD per 1M tokens. The cache-write rate is that of
    bedrock_costs_cache_write_ttl. The rate in force at a time is the rate_in_force macro. -#}

with

catalog as (
    select * from {{ ref('model_pricing') }}
),

regions as (
    select * from {{ ref('int_price_regions') }}
),

token_types as (
    select token_types.token_type
    from (values ('input'), ('output'), ('cache_read'), ('cache_write')) as token_types (token_type)
),

matching_patterns as (
    -- every catalog row whose region pattern matches a Region
    select
        regions.aws_region,
        catalog.*
    from catalog
    inner join regions
        on regions.aws_region like catalog.region_pattern
),

chosen_patterns as (
    -- per model, scope and Region, the most specific (longest) pattern with any row wins, whole
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

tier_bounds as (
    -- each tier runs up to the next tier's threshold of the same pattern
    select
        tiers.model_id,
        tiers.price_scope,
        tiers.region_pattern,
        tiers.above_input_tokens,
        min(higher_tiers.above_input_tokens) as up_to_input_tokens
    from catalog as tiers
    left join catalog as higher_tiers
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
        token_types.token_type,
        case token_types.token_type
            when 'input' then regional_rows.input_usd_per_mtok
            when 'output' then regional_rows.output_usd_per_mtok
            when 'cache_read' then regional_rows.cache_read_usd_per_mtok
            when 'cache_write' then regional_rows.{{ cache_write_rate }}
        end as usd_per_mtok,
        regional_rows.effective_from as valid_from,
        coalesce(regional_rows.effective_to, cast('9999-12-31' as timestamp)) as valid_to,
        regional_rows.source
    from regional_rows
    inner join tier_bounds
        on regional_rows.model_id = tier_bounds.model_id
        and regional_rows.price_scope = tier_bounds.price_scope
        and regional_rows.region_pattern = tier_bounds.region_pattern
        and regional_rows.above_input_tokens = tier_bounds.above_input_tokens
    cross join token_types
)

select * from final
