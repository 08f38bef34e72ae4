{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- The application profiles whose tags on the bill differ from seeds/profile_map.csv, or that the
    map does not list; each with the days the bill has it (a report shows those that overlap its
    billing period). -#}

with

tag_comparison as (
    select * from {{ bedrock_costs.view_ref('fct_bill_profile_tag_comparison') }}
),

final as (
    select
        profile_arn,
        profile_name,
        tag_key,
        bill_value,
        profile_map_value,
        status,
        first_usage_date,
        last_usage_date
    from tag_comparison
    where status in ('differs', 'profile_not_in_map')
)

select * from final
