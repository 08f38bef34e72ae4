{#- The one meaning of app, team, cost_center and environment, used by every mart, the budgets, the
    summary and the report. Per field, the first that has a value wins:
      1. the tag of the application profile the call went through (profile_map.csv);
      2. the call's requestMetadata, only when the caller is trusted (var
         bedrock_costs_trusted_metadata_callers: gateway roles that set it for their users);
      3. 'unattributed'.
    requestMetadata is set by the caller, so anyone could claim any app: metadata from an untrusted
    caller stays visible as claimed_* values and attributes nothing. end_user and tenant follow the
    same trust rule; end_user falls back to the IAM caller. -#}

with

priced as (
    select * from {{ ref('int_invocations_priced') }}
),

claimed as (
    select
        priced.*,
        -- claimed_app, _team, _cost_center, _environment, _end_user, _tenant: what the metadata says
        {{ bedrock_costs.claimed_metadata('priced.request_metadata') }},
        {{ bedrock_costs.trusted_caller('priced.caller_arn') }} as is_trusted_caller
    from priced
),

trusted as (
    select
        claimed.*,
        case when claimed.is_trusted_caller then claimed.claimed_app end as metadata_app,
        case when claimed.is_trusted_caller then claimed.claimed_team end as metadata_team,
        case when claimed.is_trusted_caller then claimed.claimed_cost_center end as metadata_cost_center,
        case when claimed.is_trusted_caller then claimed.claimed_environment end as metadata_environment,
        case when claimed.is_trusted_caller then claimed.claimed_end_user end as metadata_end_user,
        case when claimed.is_trusted_caller then claimed.claimed_tenant end as metadata_tenant,
        case when claimed.attribution_status = 'profile' then claimed.profile_app end as tag_app,
        case when claimed.attribution_status = 'profile' then claimed.profile_team end as tag_team,
        case when claimed.attribution_status = 'profile' then claimed.profile_cost_center end as tag_cost_center,
        case when claimed.attribution_status = 'profile' then claimed.profile_environment end as tag_environment
    from claimed
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
        context_tier,
        attribution_status,
        profile_arn,
        profile_name,
        coalesce(tag_app, metadata_app, 'unattributed') as app,
        coalesce(tag_team, metadata_team, 'unattributed') as team,
        coalesce(tag_cost_center, metadata_cost_center, 'unattributed') as cost_center,
        coalesce(tag_environment, metadata_environment, 'unattributed') as environment,
        case
            when tag_app is not null then 'profile'
            when metadata_app is not null then 'request_metadata'
            else 'unattributed'
        end as attribution_source,
        coalesce(metadata_end_user, caller_name) as end_user,
        case when metadata_end_user is not null then 'request_metadata' else 'iam_identity' end as end_user_source,
        metadata_tenant as tenant,
        is_trusted_caller,
        claimed_app,
        claimed_team,
        claimed_cost_center,
        claimed_environment,
        -- how many of the four fields the metadata names differently from the profile's tags
        (case when tag_app <> claimed_app then 1 else 0 end)
        + (case when tag_team <> claimed_team then 1 else 0 end)
        + (case when tag_cost_center <> claimed_cost_center then 1 else 0 end)
        + (case when tag_environment <> claimed_environment then 1 else 0 end) as metadata_conflict_count,
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
    from trusted
)

select * from final
