{#- fct_app_cache_economics with the report's one cache measure: its input tokens of every kind
    (total_input_tokens), to divide cache reads by, as every other cache share in the report and
    the semantic layer's cached_token_share do. The mart's cache_hit_ratio (cache reads over cache
    reads plus uncached input, cache writes left out) is not shown next to it. -#}

with

cache_economics as (
    select * from {{ bedrock_costs.view_ref('fct_app_cache_economics') }}
),

final as (
    select
        app,
        request_count,
        cached_request_count,
        input_tokens,
        cache_read_input_tokens,
        cache_write_input_tokens,
        {{ bedrock_costs.total_input_tokens() }} as total_input_tokens,
        reads_per_write_token,
        cache_read_cost_usd,
        cache_write_cost_usd,
        cache_read_savings_usd,
        cache_write_premium_usd,
        net_cache_savings_usd,
        cache_status,
        window_start_date,
        window_end_date
    from cache_economics
)

select * from final
