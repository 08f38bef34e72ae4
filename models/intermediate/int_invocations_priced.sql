{#- Each call with its model, price scope, caller and list price: a view, so a reader's filter on
    usage_date reaches the staging scan. The modelIds, callers and prices are small tables the
    calls are joined to. -#}

with

invocations as (
    select * from {{ ref('stg_bedrock__invocations') }}
),

model_ids as (
    select * from {{ ref('int_model_ids_resolved') }}
),

callers as (
    select * from {{ ref('int_callers_parsed') }}
),

prices as (
    -- each tier's bounds as plain comparisons (no OR in the join: the engine hashes the equalities
    -- and filters the ranges): the top tier's open end becomes a far bound, the standard tier includes 0
    select
        model_prices.*,
        case when model_prices.above_input_tokens = 0 then -1 else model_prices.above_input_tokens end as tier_floor,
        coalesce(model_prices.up_to_input_tokens, 9223372036854775807) as tier_ceiling
    from {{ ref('int_model_prices') }} as model_prices
),

resolved as (
    select
        invocations.*,
        invocations.input_tokens + invocations.cache_read_input_tokens + invocations.cache_write_input_tokens
            as total_input_tokens,
        model_ids.mapped_profile_arn as profile_arn,
        model_ids.profile_name,
        model_ids.profile_app,
        model_ids.profile_team,
        model_ids.profile_cost_center,
        model_ids.profile_environment,
        model_ids.model_id,
        model_ids.price_scope,
        model_ids.routing_prefix,
        -- a modelId or caller the small tables do not know yet (a partial run skipped them) stays
        -- a flagged call, never a dropped one; int_hourly_usage re-sums its day on the next build
        coalesce(model_ids.attribution_status, 'unresolved') as attribution_status,
        -- a record without an identity (counted, and named by warn_log_records_flagged) is 'unidentified'
        coalesce(callers.caller_name, invocations.caller_arn, 'unidentified') as caller_name,
        coalesce(callers.caller_type, case when invocations.caller_arn is null then 'unknown' else 'unparsed' end)
            as caller_type,
        callers.caller_role,
        coalesce(callers.department, 'unassigned') as department
    from invocations
    left join model_ids
        on coalesce(invocations.model_id_raw, '') = model_ids.model_id_key
    left join callers
        on invocations.caller_arn = callers.caller_arn
),

matched as (
    -- the whole request is priced at the tier its total input falls in (input + cache read + cache
    -- write); a provisioned model's tokens at 0 (its model unit hours are billed, and the bill
    -- allocates them to the calls through it: int_bill_provisioned_usage)
    select
        resolved.*,
        prices.model_id is not null or resolved.price_scope = 'provisioned' as has_price,
        coalesce(prices.context_tier, case when resolved.price_scope = 'provisioned' then 'standard' end) as context_tier,
        case when resolved.price_scope = 'provisioned' then 0 else prices.input_usd_per_mtok end as input_usd_per_mtok,
        case when resolved.price_scope = 'provisioned' then 0 else prices.output_usd_per_mtok end as output_usd_per_mtok,
        case when resolved.price_scope = 'provisioned' then 0 else prices.cache_read_usd_per_mtok end
            as cache_read_usd_per_mtok,
        case when resolved.price_scope = 'provisioned' then 0 else prices.cache_write_usd_per_mtok end
            as cache_write_usd_per_mtok
    from resolved
    left join prices
        on resolved.model_id = prices.model_id
        and resolved.price_scope = prices.price_scope
        and resolved.aws_region = prices.aws_region
        and {{ bedrock_costs.rate_in_force('prices', 'resolved.invoked_at') }}
        and resolved.total_input_tokens > prices.tier_floor
        and resolved.total_input_tokens <= prices.tier_ceiling
),

priced as (
    -- each token kind at its own rate (inputTokenCount excludes cache tokens)
    select
        matched.*,
        {{ bedrock_costs.token_cost('matched.input_tokens', 'matched.input_usd_per_mtok') }} as input_cost_usd,
        {{ bedrock_costs.token_cost('matched.output_tokens', 'matched.output_usd_per_mtok') }} as output_cost_usd,
        {{ bedrock_costs.token_cost('matched.cache_read_input_tokens', 'matched.cache_read_usd_per_mtok') }}
            as cache_read_cost_usd,
        {{ bedrock_costs.token_cost('matched.cache_write_input_tokens', 'matched.cache_write_usd_per_mtok') }}
            as cache_write_cost_usd
    from matched
),

final as (
    select
        request_id,
        invoked_at,
        usage_date,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        model_id,
        price_scope,
        routing_prefix,
        coalesce(context_tier, 'unpriced') as context_tier,
        attribution_status,
        profile_arn,
        profile_name,
        profile_app,
        profile_team,
        profile_cost_center,
        profile_environment,
        caller_arn,
        caller_name,
        caller_type,
        caller_role,
        department,
        input_tokens,
        output_tokens,
        cache_read_input_tokens,
        cache_write_input_tokens,
        error_code,
        request_metadata,
        input_cost_usd,
        output_cost_usd,
        cache_read_cost_usd,
        cache_write_cost_usd,
        case
            when has_price then input_cost_usd + output_cost_usd + cache_read_cost_usd + cache_write_cost_usd
        end as cost_usd,
        loaded_at
    from priced
)

select * from final
