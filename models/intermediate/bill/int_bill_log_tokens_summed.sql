{#- The logged tokens and their list-price estimate, one row per token kind, per day, per bill cell
    (account, region, model, price scope: global | regional, context tier) and per attribution (app,
    team, cost center, environment, caller): the logs' side of every comparison with the bill, read
    from int_hourly_usage from the bill's first billing period on. `is_pending`: a day the bill
    cannot hold yet (int_bill_coverage). -#}

{%- set token_columns = [
    ('input', 'input_tokens', 'input_cost_usd'),
    ('output', 'output_tokens', 'output_cost_usd'),
    ('cache_read', 'cache_read_input_tokens', 'cache_read_cost_usd'),
    ('cache_write', 'cache_write_input_tokens', 'cache_write_cost_usd'),
] %}

with

coverage as (
    select * from {{ ref('int_bill_coverage') }}
),

hourly as (
    select hourly_usage.*
    from {{ ref('int_hourly_usage') }} as hourly_usage
    cross join coverage
    where hourly_usage.usage_date >= coverage.first_billing_period
),

unpivoted as (
    {%- for token_type, tokens, cost in token_columns %}
        select
            hourly.usage_date,
            hourly.account_id,
            hourly.aws_region,
            hourly.model_id,
            '{{ token_type }}' as token_type,
            case when hourly.price_scope = 'global' then 'global' else 'regional' end as price_scope,
            hourly.context_tier,
            hourly.app,
            hourly.team,
            hourly.cost_center,
            hourly.environment,
            hourly.caller_arn,
            hourly.{{ tokens }} as log_tokens,
            case when hourly.{{ cost }} is not null then hourly.{{ tokens }} else 0 end as priced_log_tokens,
            coalesce(hourly.{{ cost }}, 0) as estimated_cost_usd
        from hourly
        where hourly.{{ tokens }} > 0
        {{- ' union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        cast({{ dbt.date_trunc('month', 'unpivoted.usage_date') }} as date) as billing_period,
        unpivoted.account_id,
        unpivoted.aws_region,
        unpivoted.model_id,
        unpivoted.token_type,
        unpivoted.price_scope,
        unpivoted.context_tier,
        unpivoted.app,
        unpivoted.team,
        unpivoted.cost_center,
        unpivoted.environment,
        unpivoted.caller_arn,
        coalesce(coverage.pending_after_date is null or unpivoted.usage_date > coverage.pending_after_date, false)
            as is_pending,
        sum(unpivoted.log_tokens) as log_tokens,
        sum(unpivoted.priced_log_tokens) as priced_log_tokens,
        sum(unpivoted.estimated_cost_usd) as estimated_cost_usd,
        unpivoted.usage_date
    from unpivoted
    cross join coverage
    group by
        unpivoted.usage_date,
        unpivoted.account_id,
        unpivoted.aws_region,
        unpivoted.model_id,
        unpivoted.token_type,
        unpivoted.price_scope,
        unpivoted.context_tier,
        unpivoted.app,
        unpivoted.team,
        unpivoted.cost_center,
        unpivoted.environment,
        unpivoted.caller_arn,
        coverage.pending_after_date
)

select * from final
