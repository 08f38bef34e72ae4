{#- The report's headline, per UTC day: every request, token and dollar, and the spend of the app
    `unattributed` split by how it was called. -#}

with

app_cost as (
    select * from {{ bedrock_costs.view_ref('fct_daily_app_cost') }}
),

final as (
    select
        usage_date,
        sum(request_count) as request_count,
        sum(error_count) as error_count,
        sum(unpriced_request_count) as unpriced_request_count,
        sum(input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens,
        sum(cache_read_input_tokens) as cache_read_input_tokens,
        sum(cache_write_input_tokens) as cache_write_input_tokens,
        sum({{ bedrock_costs.total_input_tokens() }}) as total_input_tokens,
        sum({{ bedrock_costs.total_tokens() }}) as total_tokens,
        coalesce(sum(cost_usd), 0) as priced_cost_usd,
        coalesce(sum(case when app = 'unattributed' then cost_usd end), 0) as unattributed_cost_usd,
        coalesce(sum(case when app = 'unattributed' and attribution_status = 'direct' then cost_usd end), 0)
            as unattributed_direct_cost_usd,
        coalesce(sum(case when app = 'unattributed' and attribution_status = 'unmapped_profile' then cost_usd end), 0)
            as unattributed_unmapped_profile_cost_usd
    from app_cost
    group by usage_date
)

select * from final
