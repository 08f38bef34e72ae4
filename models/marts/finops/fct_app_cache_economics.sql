-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set window_start = bedrock_costs.finops_window_start(as_of) %}

with

hourly_usage as (
    -- the window only: bedrock_costs_finops_window_days up to the as-of date
    select * from {{ ref('int_hourly_usage') }}
    where
        usage_date >= {{ window_start }}
        and usage_date <= {{ as_of }}
),

list_prices as (
    {{ bedrock_costs.finops_list_prices(as_of) }}
),

model_usage as (
    select
        hourly_usage.app,
        hourly_usage.model_id,
        hourly_usage.price_scope,
        hourly_usage.aws_region,
        sum(hourly_usage.request_count) as request_count,
        sum(hourly_usage.cached_request_count) as cached_request_count,
        sum(hourly_usage.input_tokens) as input_tokens,
        sum(hourly_usage.cache_read_input_tokens) as cache_read_input_tokens,
        sum(hourly_usage.cache_write_input_tokens) as cache_write_input_tokens,
        {{ bedrock_costs.complete_sum('hourly_usage.cache_read_cost_usd') }} as cache_read_cost_usd,
        {{ bedrock_costs.complete_sum('hourly_usage.cache_write_cost_usd') }} as cache_write_cost_usd
    from hourly_usage
    group by hourly_usage.app, hourly_usage.model_id, hourly_usage.price_scope, hourly_usage.aws_region
),

valued as (
    -- reads save (input - cache read) per token; writes cost (cache write - input) extra per token
    select
        model_usage.*,
        {{ bedrock_costs.token_cost('model_usage.cache_read_input_tokens', 'list_prices.input_usd_per_mtok') }}
        - {{ bedrock_costs.token_cost('model_usage.cache_read_input_tokens', 'list_prices.cache_read_usd_per_mtok') }}
            as cache_read_savings_usd,
        {{ bedrock_costs.token_cost('model_usage.cache_write_input_tokens', 'list_prices.cache_write_usd_per_mtok') }}
        - {{ bedrock_costs.token_cost('model_usage.cache_write_input_tokens', 'list_prices.input_usd_per_mtok') }}
            as cache_write_premium_usd
    from model_usage
    left join list_prices
        on model_usage.model_id = list_prices.model_id
        and model_usage.price_scope = list_prices.price_scope
        and model_usage.aws_region = list_prices.aws_region
),

per_app as (
    -- a sum is NULL when any of its models cannot be priced, never a partial total
    select
        valued.app,
        sum(valued.request_count) as request_count,
        sum(valued.cached_request_count) as cached_request_count,
        sum(valued.input_tokens) as input_tokens,
        sum(valued.cache_read_input_tokens) as cache_read_input_tokens,
        sum(valued.cache_write_input_tokens) as cache_write_input_tokens,
        case when count(valued.cache_read_cost_usd) = count(*) then sum(valued.cache_read_cost_usd) end as cache_read_cost_usd,
        case when count(valued.cache_write_cost_usd) = count(*) then sum(valued.cache_write_cost_usd) end as cache_write_cost_usd,
        case
            when count(valued.cache_read_savings_usd) = count(*) then sum(valued.cache_read_savings_usd)
        end as cache_read_savings_usd,
        case
            when count(valued.cache_write_premium_usd) = count(*) then sum(valued.cache_write_premium_usd)
        end as cache_write_premium_usd
    from valued
    group by valued.app
),

final as (
    select
        per_app.app,
        per_app.request_count,
        per_app.cached_request_count,
        per_app.input_tokens,
        per_app.cache_read_input_tokens,
        per_app.cache_write_input_tokens,
        case
            when per_app.cache_read_input_tokens + per_app.input_tokens > 0
                then cast(per_app.cache_read_input_tokens as double) / (per_app.cache_read_input_tokens + per_app.input_tokens)
        end as cache_hit_ratio,
        case
            when per_app.cache_write_input_tokens > 0
                then cast(per_app.cache_read_input_tokens as double) / per_app.cache_write_input_tokens
        end as reads_per_write_token,
        per_app.cache_read_cost_usd,
        per_app.cache_write_cost_usd,
        per_app.cache_read_savings_usd,
        per_app.cache_write_premium_usd,
        per_app.cache_read_savings_usd - per_app.cache_write_premium_usd as net_cache_savings_usd,
        case
            when per_app.cache_read_input_tokens = 0 and per_app.cache_write_input_tokens = 0 then 'not_used'
            when per_app.cache_read_savings_usd - per_app.cache_write_premium_usd is null then 'unpriced'
            when per_app.cache_read_savings_usd - per_app.cache_write_premium_usd > 0 then 'pays_back'
            else 'never_pays_back'
        end as cache_status,
        {{ window_start }} as window_start_date,
        {{ as_of }} as window_end_date
    from per_app
)

select * from final
