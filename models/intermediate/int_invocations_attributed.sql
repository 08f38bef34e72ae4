{#- Precedence, per field: a mapped profile's tag, then requestMetadata, then the fallback
    ('unattributed' for app/team/cost_center/environment, the IAM caller for end_user). -#}
{%- set metadata_keys = bedrock_costs.finops_metadata_keys() %}

with

priced as (
    select * from {{ ref('int_invocations_priced') }}
),

with_metadata as (
    select
        priced.*,
        {{ bedrock_costs.metadata_value('priced.request_metadata', metadata_keys['end_user']) }} as metadata_end_user,
        {{ bedrock_costs.metadata_value('priced.request_metadata', metadata_keys['app']) }} as metadata_app,
        {{ bedrock_costs.metadata_value('priced.request_metadata', metadata_keys['team']) }} as metadata_team,
        {{ bedrock_costs.metadata_value('priced.request_metadata', metadata_keys['cost_center']) }} as metadata_cost_center,
        {{ bedrock_costs.metadata_value('priced.request_metadata', metadata_keys['environment']) }} as metadata_environment,
        {{ bedrock_costs.metadata_value('priced.request_metadata', metadata_keys['tenant']) }} as metadata_tenant
    from priced
),

resolved as (
    select
        with_metadata.*,
        {{ bedrock_costs.attribution_precedence('app') }} as resolved_app,
        {{ bedrock_costs.attribution_precedence('team') }} as resolved_team,
        {{ bedrock_costs.attribution_precedence('cost_center') }} as resolved_cost_center,
        {{ bedrock_costs.attribution_precedence('environment') }} as resolved_environment,
        {{ bedrock_costs.attribution_conflict('app') }} as app_conflict,
        {{ bedrock_costs.attribution_conflict('team') }} as team_conflict,
        {{ bedrock_costs.attribution_conflict('cost_center') }} as cost_center_conflict,
        {{ bedrock_costs.attribution_conflict('environment') }} as environment_conflict,
        case
            when with_metadata.attribution_status = 'profile' then 'profile'
            when with_metadata.metadata_app is not null then 'request_metadata'
            else 'none'
        end as app_source,
        case
            when with_metadata.metadata_end_user is not null then 'request_metadata'
            else 'iam_identity'
        end as end_user_source
    from with_metadata
),

final as (
    select
        request_id,
        invoked_at,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        model_id,
        price_scope,
        routing_prefix,
        attribution_status,
        profile_arn,
        profile_name,
        resolved_app as app,
        resolved_team as team,
        resolved_cost_center as cost_center,
        resolved_environment as environment,
        -- the profile tags alone, as int_invocations_priced has them (what AWS tag reports show)
        app as tag_app,
        team as tag_team,
        cost_center as tag_cost_center,
        environment as tag_environment,
        app_source,
        metadata_tenant as tenant,
        coalesce(metadata_end_user, caller_name) as end_user,
        end_user_source,
        metadata_app,
        metadata_team,
        metadata_cost_center,
        metadata_environment,
        app_conflict + team_conflict + cost_center_conflict + environment_conflict as metadata_conflict_count,
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
        input_cost_usd,
        output_cost_usd,
        cache_read_cost_usd,
        cache_write_cost_usd,
        cost_usd,
        loaded_at,
        usage_date
    from resolved
)

select * from final
