{#- The bill's usage that names its apps, allocated (docs/bill.md): each token cell by its shares
    (int_bill_cell_shares: the apps' estimate in the cell), each provisioned model hour by the tokens
    of the calls through it (int_bill_provisioned_usage), each other line whose owner a tag, a
    profile_map.csv row or a caller_map.csv app names (int_bill_line_owners) to that owner, whole.
    The shared-cost rules spread the rest by these rows (int_bill_shared_allocated). -#}

with

owners as (
    select * from {{ ref('int_bill_line_owners') }}
),

cells as (
    select
        shares.cell_id as allocated_from,
        cast({{ dbt.date_trunc('month', 'shares.usage_date') }} as date) as billing_period,
        shares.usage_date,
        shares.account_id,
        shares.aws_region,
        shares.model_id,
        'token' as charge_kind,
        cast(null as varchar) as usage_type,
        shares.app,
        shares.team,
        shares.cost_center,
        shares.environment,
        shares.caller_arn,
        shares.allocation_basis,
        case
            when shares.app <> 'unattributed' then null
            when shares.allocation_basis = 'bill_principal' then 'not_in_logs'
            else 'no_app_in_logs'
        end as unattributed_reason,
        shares.estimated_cost_usd,
        shares.bill_tokens * shares.cell_share as bill_tokens,
        shares.billed_cost_usd * shares.cell_share as billed_cost_usd,
        shares.discount_usd * shares.cell_share as discount_usd,
        shares.credit_usd * shares.cell_share as credit_usd,
        shares.net_cost_usd * shares.cell_share as net_cost_usd
    from {{ ref('int_bill_cell_shares') }} as shares
),

provisioned as (
    -- a provisioned model's hour, by the tokens of the calls through it (by their calls without tokens)
    select
        owners.bill_line_key,
        calls.app,
        calls.team,
        calls.cost_center,
        calls.environment,
        calls.caller_arn,
        case
            when sum(calls.total_tokens) over (partition by owners.bill_line_key) > 0 then calls.total_tokens
            else calls.request_count
        end as weight
    from owners
    inner join {{ ref('int_bill_provisioned_usage') }} as calls
        on owners.account_id = calls.account_id
        and owners.resource_id = calls.resource_id
        and owners.usage_start_at <= calls.hour_start_at
        and owners.usage_end_at > calls.hour_start_at
    where owners.owner_basis = 'provisioned_calls'
),

owned as (
    -- the owner a tag, profile_map.csv or caller_map.csv names, whole
    select
        owners.bill_line_key,
        owners.owner_app as app,
        coalesce(owners.owner_team, 'unattributed') as team,
        coalesce(owners.owner_cost_center, 'unattributed') as cost_center,
        coalesce(owners.owner_environment, 'unattributed') as environment,
        owners.iam_principal_arn as caller_arn,
        1 as weight
    from owners
    where owners.owner_basis in ('resource_tags', 'profile_map', 'caller_map')
),

weights as (
    select * from provisioned
    union all
    select * from owned
),

lines as (
    select
        cast(owners.bill_line_key as varchar) as allocated_from,
        owners.billing_period,
        owners.usage_date,
        owners.account_id,
        owners.aws_region,
        owners.model_id,
        owners.line_kind as charge_kind,
        owners.usage_type,
        weights.app,
        weights.team,
        weights.cost_center,
        weights.environment,
        weights.caller_arn,
        owners.owner_basis as allocation_basis,
        case when weights.app = 'unattributed' then 'no_app_in_logs' end as unattributed_reason,
        cast(0 as double) as estimated_cost_usd,
        {{ bedrock_costs.bill_line_share('owners', 'cast(weights.weight as double)', 'owners.bill_line_key') }}
    from weights
    inner join owners
        on weights.bill_line_key = owners.bill_line_key
),

final as (
    select * from cells
    union all
    select * from lines
)

select * from final
