{#- Caching's first step: each app's cache tokens over the FinOps window, what they cost, and what
    they are worth at the list prices of the as-of day (per call's model, scope and Region). -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

hourly_usage as (
    select hourly_usage.*
    from {{ ref('int_hourly_usage') }} as hourly_usage
    inner join calendar
        on hourly_usage.usage_date between calendar.window_start_date and calendar.as_of_date
),

list_prices as (
    select * from {{ ref('int_finops_list_prices') }}
),

valued as (
    -- reads save (input - cache read) per token, writes cost (cache write - input) extra per token, at
    -- the list prices of each call's model, scope and Region
    select
        hourly_usage.*,
        {{ bedrock_costs.token_cost(
            'hourly_usage.cache_read_input_tokens', '(list_prices.input_usd_per_mtok - list_prices.cache_read_usd_per_mtok)'
        ) }} as cache_read_savings_usd,
        {{ bedrock_costs.token_cost(
            'hourly_usage.cache_write_input_tokens', '(list_prices.cache_write_usd_per_mtok - list_prices.input_usd_per_mtok)'
        ) }} as cache_write_premium_usd
    from hourly_usage
    left join list_prices
        on hourly_usage.model_id = list_prices.model_id
        and hourly_usage.price_scope = list_prices.price_scope
        and hourly_usage.aws_region = list_prices.aws_region
),

per_app as (
    -- a sum is NULL when any of its calls cannot be priced, never a partial total
    select
        valued.app,
        sum(valued.request_count) as request_count,
        sum(valued.cached_request_count) as cached_request_count,
        sum(valued.input_tokens) as input_tokens,
        sum(valued.cache_read_input_tokens) as cache_read_input_tokens,
        sum(valued.cache_write_input_tokens) as cache_write_input_tokens,
        {{ bedrock_costs.complete_sum('valued.cache_read_cost_usd') }} as cache_read_cost_usd,
        {{ bedrock_costs.complete_sum('valued.cache_write_cost_usd') }} as cache_write_cost_usd,
        {{ bedrock_costs.complete_sum('valued.cache_read_savings_usd') }} as cache_read_savings_usd,
        {{ bedrock_costs.complete_sum('valued.cache_write_premium_usd') }} as cache_write_premium_usd
    from valued
    group by valued.app
)

select * from per_app
