{{ config(materialized='table', partitioned_by=none) }}

{#- Each distinct modelId of the calls, resolved once: the profile it names (through the profile
    map), the canonical model, the price scope and the routing prefix. A few dozen rows, rebuilt on
    every run; a table, so that the engine joins the millions of calls to it and not the other way
    round. -#}

with

model_ids as (
    select distinct coalesce(model_id_raw, '') as model_id_key
    from {{ ref('stg_bedrock__invocations') }}
),

profiles as (
    select * from {{ ref('profile_map') }}
    where profile_arn is not null
),

attributed_model_ids as (
    -- an application profile hides its model: take the profile's model_source instead
    select
        model_ids.model_id_key,
        {{ bedrock_costs.is_application_profile('model_ids.model_id_key') }} as is_application_profile,
        profiles.profile_arn as mapped_profile_arn,
        profiles.profile_name,
        profiles.app as profile_app,
        profiles.team as profile_team,
        profiles.cost_center as profile_cost_center,
        profiles.environment as profile_environment,
        case
            when profiles.profile_arn is not null then profiles.model_source
            when {{ bedrock_costs.is_application_profile('model_ids.model_id_key') }} then null
            else nullif(model_ids.model_id_key, '')
        end as model_reference
    from model_ids
    left join profiles
        on model_ids.model_id_key = profiles.profile_arn
),

resolved_model_ids as (
    select
        attributed_model_ids.*,
        {{ bedrock_costs.canonical_model_id('attributed_model_ids.model_reference') }} as model_id,
        {{ bedrock_costs.model_price_scope('attributed_model_ids.model_reference') }} as price_scope,
        {{ bedrock_costs.model_routing_prefix('attributed_model_ids.model_reference') }} as routing_prefix,
        case
            when not attributed_model_ids.is_application_profile then 'direct'
            when attributed_model_ids.mapped_profile_arn is null then 'unmapped_profile'
            else 'profile'
        end as attribution_status
    from attributed_model_ids
),

final as (
    select
        model_id_key,
        is_application_profile,
        mapped_profile_arn,
        profile_name,
        profile_app,
        profile_team,
        profile_cost_center,
        profile_environment,
        model_reference,
        model_id,
        price_scope,
        routing_prefix,
        attribution_status
    from resolved_model_ids
)

select * from final
