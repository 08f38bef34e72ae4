{{
    config(
        unique_key='request_id',
        partitioned_by=['usage_date'],
    )
}}

{#- Precedence, per field: a mapped profile's tag, then requestMetadata, then the fallback
    ('unattributed' for app/team/cost_center/environment, the IAM caller for end_user). -#}
{%- set metadata_keys = bedrock_costs.finops_metadata_keys() %}
{#- incremental like int_invocations_priced: the extra day covers records that spilled into the next day's folder -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date(extra_days=1) %}

with

priced as (
    select * from {{ ref('int_invocations_priced') }}
    {%- if since_date %}
    where usage_date >= date '{{ since_date }}'
    {%- endif %}
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
        case
            when with_metadata.attribution_status = 'profile' then 'profile'
            when with_metadata.metadata_app is not null then 'request_metadata'
            else 'none'
        end as app_source,
        case
            when with_metadata.metadata_end_user is not null then 'request_metadata'
            else 'iam_identity'
        end as end_user_source,
        case
            when with_metadata.attribution_status = 'profile'
                then coalesce(with_metadata.app, with_metadata.metadata_app, 'unattributed')
            else coalesce(with_metadata.metadata_app, 'unattributed')
        end as resolved_app,
        case
            when with_metadata.attribution_status = 'profile'
                then coalesce(with_metadata.team, with_metadata.metadata_team, 'unattributed')
            else coalesce(with_metadata.metadata_team, 'unattributed')
        end as resolved_team,
        case
            when with_metadata.attribution_status = 'profile'
                then coalesce(with_metadata.cost_center, with_metadata.metadata_cost_center, 'unattributed')
            else coalesce(with_metadata.metadata_cost_center, 'unattributed')
        end as resolved_cost_center,
        case
            when with_metadata.attribution_status = 'profile'
                then coalesce(with_metadata.environment, with_metadata.metadata_environment, 'unattributed')
            else coalesce(with_metadata.metadata_environment, 'unattributed')
        end as resolved_environment,
        case
            when with_metadata.attribution_status = 'profile' and with_metadata.app <> with_metadata.metadata_app then 1
            else 0
        end as app_conflict,
        case
            when with_metadata.attribution_status = 'profile' and with_metadata.team <> with_metadata.metadata_team then 1
            else 0
        end as team_conflict,
        case
            when with_metadata.attribution_status = 'profile' and with_metadata.cost_center <> with_metadata.metadata_cost_center then 1
            else 0
        end as cost_center_conflict,
        case
            when with_metadata.attribution_status = 'profile' and with_metadata.environment <> with_metadata.metadata_environment then 1
            else 0
        end as environment_conflict
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
        usage_date
    from resolved
)

select * from final
