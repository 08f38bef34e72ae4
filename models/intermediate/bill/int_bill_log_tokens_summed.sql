{#- The logged tokens and their list-price estimate, one row per token kind, per day, per bill cell
    (cell_id; price scope: global | regional; context tier) and per attribution (app, team, cost
    center, environment, caller): the logs' side of every comparison with the bill, read from
    int_hourly_usage on the days of int_bill_coverage, with their `is_pending`. The calls through a
    provisioned model are not here: the bill has their hours, not their tokens. -#}

with

unpivoted as (
    select
        hourly.*,
        coverage.billing_period,
        coverage.is_pending,
        token_types.token_type,
        {{ bedrock_costs.bill_cell_id('hourly', token_type='token_types.token_type') }} as cell_id,
        {{ bedrock_costs.bill_price_scope('hourly.price_scope') }} as bill_price_scope,
        case token_types.token_type
            when 'input' then hourly.input_tokens
            when 'output' then hourly.output_tokens
            when 'cache_read' then hourly.cache_read_input_tokens
            else hourly.cache_write_input_tokens
        end as token_count,
        case token_types.token_type
            when 'input' then hourly.input_cost_usd
            when 'output' then hourly.output_cost_usd
            when 'cache_read' then hourly.cache_read_cost_usd
            else hourly.cache_write_cost_usd
        end as token_cost_usd
    from {{ ref('int_hourly_usage') }} as hourly
    inner join {{ ref('int_bill_coverage') }} as coverage
        on hourly.usage_date = coverage.usage_date
    cross join (values ('input'), ('output'), ('cache_read'), ('cache_write')) as token_types (token_type)
    -- a provisioned model's calls are billed by the hour, never as tokens (int_bill_provisioned_usage)
    where not {{ bedrock_costs.is_provisioned_model('hourly.model_id_raw') }}
),

final as (
    select
        unpivoted.billing_period,
        unpivoted.cell_id,
        unpivoted.account_id,
        unpivoted.aws_region,
        unpivoted.model_id,
        unpivoted.token_type,
        unpivoted.bill_price_scope as price_scope,
        unpivoted.context_tier,
        unpivoted.app,
        unpivoted.team,
        unpivoted.cost_center,
        unpivoted.environment,
        unpivoted.caller_arn,
        unpivoted.is_pending,
        sum(unpivoted.token_count) as log_tokens,
        sum(case when unpivoted.token_cost_usd is not null then unpivoted.token_count else 0 end) as priced_log_tokens,
        sum(coalesce(unpivoted.token_cost_usd, 0)) as estimated_cost_usd,
        unpivoted.usage_date
    from unpivoted
    where unpivoted.token_count > 0
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18
)

select * from final
