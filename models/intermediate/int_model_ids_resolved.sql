{#- Each distinct modelId of the calls, resolved once: the application profile it names (through
    profile_map), the model behind it, the catalog's canonical model id, the price scope and the
    routing prefix. A few dozen rows, rebuilt on every run; a table, so the engine joins the millions
    of calls to it and not the other way round. The forms of a modelId are parsed by the macros of
    macros/model_id.sql, the one place that knows them. -#}

with

model_ids as (
    select distinct coalesce(log_lines.model_id_raw, '') as model_id_key
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    where log_lines.line_status = 'record'
),

profiles as (
    -- the created profiles of profile_map.csv, trimmed by stg_seeds__profile_map
    select * from {{ ref('stg_seeds__profile_map') }}
    where profile_arn is not null
),

catalog_models as (
    select distinct
        model_rates.model_id,
        {{ bedrock_costs.model_id_without_suffix('model_rates.model_id') }} as model_key,
        {{ bedrock_costs.model_id_without_suffix('model_rates.model_id', version=true) }} as model_family_key
    from {{ ref('int_model_rates') }} as model_rates
),

referenced as (
    -- an application profile hides its model: take the profile's model_source instead (a provisioned
    -- model's row names its model too)
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

parsed as (
    select
        referenced.*,
        {{ bedrock_costs.canonical_model_id('referenced.model_reference') }} as base_model_id,
        case
            when {{ bedrock_costs.is_provisioned_model('referenced.model_id_key') }} then 'provisioned'
            else {{ bedrock_costs.model_price_scope('referenced.model_reference') }}
        end as price_scope,
        {{ bedrock_costs.model_routing_prefix('referenced.model_reference') }} as routing_prefix
    from referenced
),

catalog_matches as (
    -- the catalog row a base model id names: exactly, else without its ':0'-style suffix, else
    -- also without its '-v1'-style version, and only when that names one catalog model
    select
        parsed.model_id_key,
        catalog_models.model_id,
        case
            when catalog_models.model_id = parsed.base_model_id then 0
            when catalog_models.model_key = {{ bedrock_costs.model_id_without_suffix('parsed.base_model_id') }} then 1
            else 2
        end as match_level
    from parsed
    inner join catalog_models
        on catalog_models.model_family_key = {{ bedrock_costs.model_id_without_suffix('parsed.base_model_id', version=true) }}
),

best_matches as (
    select
        catalog_matches.model_id_key,
        min(catalog_matches.match_level) as match_level
    from catalog_matches
    group by catalog_matches.model_id_key
),

catalog_ids as (
    select
        catalog_matches.model_id_key,
        min(catalog_matches.model_id) as model_id,
        count(distinct catalog_matches.model_id) as candidate_count
    from catalog_matches
    inner join best_matches
        on catalog_matches.model_id_key = best_matches.model_id_key
        and catalog_matches.match_level = best_matches.match_level
    group by catalog_matches.model_id_key
),

final as (
    select
        parsed.model_id_key,
        parsed.is_application_profile,
        parsed.mapped_profile_arn,
        parsed.profile_name,
        parsed.profile_app,
        parsed.profile_team,
        parsed.profile_cost_center,
        parsed.profile_environment,
        parsed.model_reference,
        -- the catalog's id when one catalog model matches, else the id as called (unpriced, named)
        case when catalog_ids.candidate_count = 1 then catalog_ids.model_id else parsed.base_model_id end as model_id,
        parsed.price_scope,
        parsed.routing_prefix,
        case
            when not parsed.is_application_profile then 'direct'
            when parsed.mapped_profile_arn is null then 'unmapped_profile'
            else 'profile'
        end as attribution_status
    from parsed
    left join catalog_ids
        on parsed.model_id_key = catalog_ids.model_id_key
)

select * from final
