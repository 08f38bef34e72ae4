{{
    config(
        unique_key='request_id',
        partitioned_by=['usage_date'],
    )
}}

{%- set cache_write_price = 'cache_write_1h_usd_per_mtok' if var('bedrock_costs_cache_write_ttl') == '1h' else 'cache_write_usd_per_mtok' %}
{#- the extra day covers records that spilled into the next day's folder -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date(extra_days=1) %}

with

invocations as (
    select * from {{ ref('stg_bedrock__invocations') }}
    {%- if since_date %}
    where usage_date >= date '{{ since_date }}'
    {%- endif %}
),

profiles as (
    select * from {{ ref('profile_map') }}
    where profile_arn is not null
),

callers as (
    select * from {{ ref('caller_map') }}
),

prices as (
    select * from {{ ref('model_pricing') }}
),

attributed as (
    -- an application profile hides its model: take the profile's model_source instead
    select
        invocations.*,
        {{ bedrock_costs.is_application_profile('invocations.model_id_raw') }} as is_application_profile,
        profiles.profile_arn as mapped_profile_arn,
        profiles.profile_name,
        profiles.app as profile_app,
        profiles.team as profile_team,
        profiles.cost_center as profile_cost_center,
        profiles.environment as profile_environment,
        case
            when profiles.profile_arn is not null then profiles.model_source
            when {{ bedrock_costs.is_application_profile('invocations.model_id_raw') }} then null
            else invocations.model_id_raw
        end as model_reference
    from invocations
    left join profiles
        on invocations.model_id_raw = profiles.profile_arn
),

model_references as (
    -- normalise each distinct model reference once: a few dozen strings, not regexes per call
    select
        model_reference,
        {{ bedrock_costs.canonical_model_id('model_reference') }} as model_id,
        {{ bedrock_costs.model_price_scope('model_reference') }} as price_scope,
        {{ bedrock_costs.model_routing_prefix('model_reference') }} as routing_prefix
    from (select distinct model_reference from attributed) as distinct_references
),

resolved as (
    select
        attributed.*,
        model_references.model_id,
        model_references.price_scope,
        model_references.routing_prefix,
        case
            when not attributed.is_application_profile then 'direct'
            when attributed.mapped_profile_arn is null then 'unmapped_profile'
            else 'profile'
        end as attribution_status
    from attributed
    left join model_references
        on attributed.model_reference = model_references.model_reference
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
        priced.input_cost_usd,
        priced.output_cost_usd,
        priced.cache_read_cost_usd,
        priced.cache_write_cost_usd,
        case
            when priced.has_price
                then
                    priced.input_cost_usd + priced.output_cost_usd
                    + priced.cache_read_cost_usd + priced.cache_write_cost_usd
        end as cost_usd
    from priced
    left join callers
        on priced.caller_name = callers.caller_name
)

select * from final
