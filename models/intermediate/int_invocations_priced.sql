{%- set cache_write_price = 'cache_write_1h_usd_per_mtok' if var('bedrock_costs_cache_write_ttl') == '1h' else 'cache_write_usd_per_mtok' %}
{#- A view: each mart's filter on usage_date reaches the staging scan. The modelIds are resolved
    once per distinct value in int_model_ids, a small table the calls are joined to. -#}

with

invocations as (
    select * from {{ ref('stg_bedrock__invocations') }}
),

callers as (
    select * from {{ ref('caller_map') }}
),

prices as (
    select * from {{ ref('model_pricing') }}
),

resolved_model_ids as (
    select * from {{ ref('int_model_ids') }}
),

resolved as (
    select
        invocations.*,
        resolved_model_ids.mapped_profile_arn,
        resolved_model_ids.profile_name,
        resolved_model_ids.profile_app,
        resolved_model_ids.profile_team,
        resolved_model_ids.profile_cost_center,
        resolved_model_ids.profile_environment,
        resolved_model_ids.model_id,
        resolved_model_ids.price_scope,
        resolved_model_ids.routing_prefix,
        -- a modelId int_model_ids does not know yet (it was not rebuilt in this run) stays a
        -- flagged, unpriced call, never a dropped one
        coalesce(resolved_model_ids.attribution_status, 'unresolved') as attribution_status
    from invocations
    left join resolved_model_ids
        on coalesce(invocations.model_id_raw, '') = resolved_model_ids.model_id_key
),

priced as (
    -- each token kind is billed at its own rate (inputTokenCount excludes cache tokens);
    -- tokens without a rate make the cost NULL, never 0
    select
        resolved.*,
        prices.model_id is not null as has_price,
        case
            when resolved.input_tokens = 0 then 0
            else resolved.input_tokens * prices.input_usd_per_mtok / 1e6
        end as input_cost_usd,
        case
            when resolved.output_tokens = 0 then 0
            else resolved.output_tokens * prices.output_usd_per_mtok / 1e6
        end as output_cost_usd,
        case
            when resolved.cache_read_input_tokens = 0 then 0
            else resolved.cache_read_input_tokens * prices.cache_read_usd_per_mtok / 1e6
        end as cache_read_cost_usd,
        case
            when resolved.cache_write_input_tokens = 0 then 0
            else resolved.cache_write_input_tokens * prices.{{ cache_write_price }} / 1e6
        end as cache_write_cost_usd
    from resolved
    left join prices
        on resolved.model_id = prices.model_id
        and resolved.price_scope = prices.price_scope
        and resolved.invoked_at >= prices.effective_from
        and (resolved.invoked_at < prices.effective_to or prices.effective_to is null)
),

final as (
    select
        priced.request_id,
        priced.invoked_at,
        priced.usage_date,
        priced.account_id,
        priced.aws_region,
        priced.inference_region,
        priced.api_operation,
        priced.model_id_raw,
        priced.model_id,
        priced.price_scope,
        priced.routing_prefix,
        priced.attribution_status,
        priced.mapped_profile_arn as profile_arn,
        priced.profile_name,
        case when priced.attribution_status = 'profile' then priced.profile_app else 'unattributed' end as app,
        case when priced.attribution_status = 'profile' then priced.profile_team else 'unattributed' end as team,
        case when priced.attribution_status = 'profile' then priced.profile_cost_center else 'unattributed' end as cost_center,
        case when priced.attribution_status = 'profile' then priced.profile_environment else 'unattributed' end as environment,
        priced.caller_arn,
        priced.caller_name,
        priced.caller_type,
        priced.caller_role,
        coalesce(callers.department, 'unassigned') as department,
        priced.input_tokens,
        priced.output_tokens,
        priced.cache_read_input_tokens,
        priced.cache_write_input_tokens,
        priced.error_code,
        priced.request_metadata,
        priced.input_cost_usd,
        priced.output_cost_usd,
        priced.cache_read_cost_usd,
        priced.cache_write_cost_usd,
        case
            when priced.has_price
                then
                    priced.input_cost_usd + priced.output_cost_usd
                    + priced.cache_read_cost_usd + priced.cache_write_cost_usd
        end as cost_usd,
        priced.loaded_at
    from priced
    left join callers
        on priced.caller_name = callers.caller_name
)

select * from final
