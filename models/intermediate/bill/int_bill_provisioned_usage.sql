{#- The calls through each provisioned model (provisioned throughput: the logs carry its ARN as
    modelId, macro is_provisioned_model), per hour, account, provisioned model and attribution: what a
    provisioned model's hour on the bill is shared by (int_bill_usage_allocated), by tokens. Their
    tokens cost 0 at list price (int_invocations_priced): the hour is the charge. -#}

with

calls as (
    select * from {{ ref('int_hourly_usage') }}
    where {{ bedrock_costs.is_provisioned_model('model_id_raw') }}
),

final as (
    select
        calls.hour_start_at,
        calls.account_id,
        calls.model_id_raw as resource_id,
        calls.app,
        calls.team,
        calls.cost_center,
        calls.environment,
        calls.caller_arn,
        sum(calls.request_count) as request_count,
        sum(calls.input_tokens + calls.output_tokens + calls.cache_read_input_tokens + calls.cache_write_input_tokens)
            as total_tokens
    from calls
    group by 1, 2, 3, 4, 5, 6, 7, 8
)

select * from final
