{#- Is caching paying off? Per app over the FinOps window (int_app_cache_values): the hit ratio,
    what cache reads saved and what cache writes cost above plain input, and a status. -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

per_app as (
    select * from {{ ref('int_app_cache_values') }}
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
        calendar.window_start_date,
        calendar.as_of_date as window_end_date
    from per_app
    cross join calendar
)

select * from final
