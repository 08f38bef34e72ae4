{{ config(materialized='view') }}

{#- The allocated cost (fct_daily_app_cost_billed) as FOCUS 1.2 columns, for tools that read FOCUS:
    one row per allocated row and charge category (Usage, or Tax; a Credit row beside it when the
    row carries a credit). BilledCost is after discounts (FOCUS: "inclusive of all reduced rates and
    discounts"), credits are rows of their own, EffectiveCost equals BilledCost (Bedrock on demand
    has nothing to amortize), ListCost is the bill's undiscounted cost. The app, team, cost center,
    environment and caller are in Tags; x_ columns are this project's. -#}

-- FOCUS names its columns in PascalCase: the quotes keep that case, so RF06 (unnecessary quotes) is off here.
-- noqa: disable=RF06

with

allocated as (
    select * from {{ ref('fct_daily_app_cost_billed') }}
),

coverage as (
    select * from {{ ref('int_bill_coverage') }}
),

kinds as (
    select * from {{ ref('cur_line_kinds') }}
),

charges as (
    select
        allocated.*,
        case when allocated.charge_kind = 'tax' then 'Tax' else 'Usage' end as charge_category,
        allocated.billed_cost_usd + allocated.discount_usd as charged_usd,
        allocated.billed_cost_usd as list_usd,
        allocated.bill_tokens as consumed_tokens
    from allocated
    where allocated.billed_cost_usd <> 0 or allocated.discount_usd <> 0 or allocated.bill_tokens <> 0
    union all
    select
        allocated.*,
        'Credit' as charge_category,
        allocated.credit_usd as charged_usd,
        0 as list_usd,
        cast(null as bigint) as consumed_tokens
    from allocated
    where allocated.credit_usd <> 0
),

final as (
    select
        charges.charged_usd as "BilledCost",
        charges.charged_usd as "EffectiveCost",
        charges.list_usd as "ListCost",
        charges.charged_usd as "ContractedCost",
        coverage.payer_account_id as "BillingAccountId",
        'USD' as "BillingCurrency",
        cast(charges.billing_period as timestamp) as "BillingPeriodStart",
        cast({{ dbt.dateadd('month', 1, 'charges.billing_period') }} as timestamp) as "BillingPeriodEnd",
        charges.charge_category as "ChargeCategory",
        cast(null as varchar) as "ChargeClass",
        'Amazon Bedrock ' || charges.charge_kind
        || coalesce(' on ' || charges.model_id, '') || ', allocated to ' || charges.app
        || ' (' || charges.allocation_basis || ')' as "ChargeDescription",
        'Usage-Based' as "ChargeFrequency",
        cast(charges.usage_date as timestamp) as "ChargePeriodStart",
        cast({{ dbt.dateadd('day', 1, 'charges.usage_date') }} as timestamp) as "ChargePeriodEnd",
        cast(charges.consumed_tokens as double) as "ConsumedQuantity",
        case when charges.consumed_tokens is not null and kinds.carries_tokens then 'Tokens' end
            as "ConsumedUnit",
        'Standard' as "PricingCategory",
        'AWS' as "ProviderName",
        'AWS' as "InvoiceIssuerName",
        charges.aws_region as "RegionId",
        charges.model_id as "ResourceId",
        charges.model_id as "ResourceName",
        case when charges.model_id is not null then 'Foundation Model' end as "ResourceType",
        'AI and Machine Learning' as "ServiceCategory",
        'Amazon Bedrock' as "ServiceName",
        'Generative AI' as "ServiceSubcategory",
        charges.charge_kind as "SkuMeter",
        charges.account_id as "SubAccountId",
        {{ bedrock_costs.string_map(
            ["'app'", "'team'", "'cost_center'", "'environment'", "'caller_arn'"],
            ['charges.app', 'charges.team', 'charges.cost_center', 'charges.environment', 'charges.caller_arn']
        ) }} as "Tags",
        charges.allocation_basis as "x_AllocationBasis",
        charges.charge_kind as "x_ChargeKind",
        charges.estimated_cost_usd as "x_EstimatedListCost",
        charges.app as "x_App",
        charges.team as "x_Team",
        charges.cost_center as "x_CostCenter",
        charges.environment as "x_Environment",
        charges.caller_arn as "x_CallerArn"
    from charges
    inner join coverage
        on charges.usage_date = coverage.usage_date
    left join kinds
        on charges.charge_kind = kinds.line_kind
)

select * from final
