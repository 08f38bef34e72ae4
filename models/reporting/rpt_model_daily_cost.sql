{#- Cost and tokens per UTC day and model: the report's model mix. -#}

with

app_cost as (
    select * from {{ bedrock_costs.view_ref('fct_daily_app_cost') }}
),

final as (
    select
        usage_date,
        model_id,
        sum(request_count) as request_count,
        sum(unpriced_request_count) as unpriced_request_count,
        sum(cache_read_input_tokens) as cache_read_input_tokens,
        sum({{ bedrock_costs.total_input_tokens() }}) as total_input_tokens,
        sum({{ bedrock_costs.total_tokens() }}) as total_tokens,
        coalesce(sum(cost_usd), 0) as cost_usd
    from app_cost
    group by usage_date, model_id
)

select * from final
