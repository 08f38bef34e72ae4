{#- Where the bill knows more, 2: the cost-allocation tags the bill carries on application-profile
    lines (resource_tags user_app, user_team, user_cost_center, user_environment; CUR 2.0 with
    INCLUDE_RESOURCES and the tags activated) against seeds/profile_map.csv, per profile and tag. A
    tag the bill does not carry is `not_tagged_in_bill` (not activated, or not on the profile); a
    profile the map lacks is `profile_not_in_map`. -#}

with

profile_lines as (
    select bill_lines.*
    from {{ ref('int_bill_lines_resolved') }} as bill_lines
    where
        bill_lines.resource_id like 'arn:%:application-inference-profile/%'
        and bill_lines.charge_category in ('usage', 'other')
),

tag_keys as (
    select keys.tag_key
    from (values ('app'), ('team'), ('cost_center'), ('environment')) as keys (tag_key)
),

profile_tags as (
    -- one row per line and tag key (an unpivot)
    select
        profile_lines.*,
        tag_keys.tag_key,
        case tag_keys.tag_key
            when 'app' then profile_lines.tag_app
            when 'team' then profile_lines.tag_team
            when 'cost_center' then profile_lines.tag_cost_center
            else profile_lines.tag_environment
        end as tag_value
    from profile_lines
    cross join tag_keys
),

bill_tags as (
    select
        profile_tags.resource_id as profile_arn,
        profile_tags.tag_key,
        min(profile_tags.account_id) as account_id,
        min(profile_tags.tag_value) as bill_value,
        max(profile_tags.tag_value) as other_bill_value,
        count(distinct profile_tags.tag_value) as bill_value_count,
        sum(profile_tags.gross_cost_usd) as billed_cost_usd,
        min(profile_tags.usage_date) as first_usage_date,
        max(profile_tags.usage_date) as last_usage_date
    from profile_tags
    group by profile_tags.resource_id, profile_tags.tag_key
),

profiles as (
    select * from {{ ref('stg_seeds__profile_map') }}
),

mapped as (
    select
        bill_tags.*,
        profiles.profile_arn as mapped_profile_arn,
        profiles.profile_name,
        case bill_tags.tag_key
            when 'app' then profiles.app
            when 'team' then profiles.team
            when 'cost_center' then profiles.cost_center
            else profiles.environment
        end as profile_map_value
    from bill_tags
    left join profiles
        on bill_tags.profile_arn = profiles.profile_arn
),

final as (
    select
        mapped.profile_arn,
        mapped.profile_name,
        mapped.account_id,
        mapped.tag_key,
        case
            when mapped.bill_value_count > 1 then mapped.bill_value || ' | ' || mapped.other_bill_value
            else mapped.bill_value
        end as bill_value,
        mapped.profile_map_value,
        mapped.billed_cost_usd,
        mapped.first_usage_date,
        mapped.last_usage_date,
        case
            when mapped.mapped_profile_arn is null then 'profile_not_in_map'
            when mapped.bill_value is null then 'not_tagged_in_bill'
            when mapped.bill_value_count > 1 or mapped.bill_value <> coalesce(mapped.profile_map_value, '') then 'differs'
            else 'matches'
        end as status
    from mapped
)

select * from final
