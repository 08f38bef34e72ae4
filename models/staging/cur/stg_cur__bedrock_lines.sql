{#- Every Bedrock line of the CUR 2.0 export, renamed, cast (stg_cur__bedrock_line_items) and
    classified by the usage-type rules (stg_cur__usage_types, seeds/cur_usage_type_rules.csv): what
    kind of charge it is and, for tokens, the token kind, scope, tiers and the number of tokens. The
    model and the region are resolved from their names in int_bill_lines_resolved. -#}

with

line_items as (
    select * from {{ ref('stg_cur__bedrock_line_items') }}
),

usage_types as (
    select * from {{ ref('stg_cur__usage_types') }}
),

classified as (
    select
        line_items.*,
        usage_types.charge_category,
        usage_types.usage_kind,
        usage_types.line_kind,
        usage_types.carries_tokens,
        usage_types.token_type,
        usage_types.cache_write_ttl,
        usage_types.price_scope,
        usage_types.service_tier,
        usage_types.context_tier,
        usage_types.tokens_per_unit
    from line_items
    inner join usage_types
        on line_items.usage_signature = usage_types.usage_signature
),

final as (
    select
        classified.billing_period,
        classified.billing_entity,
        classified.bill_type,
        classified.invoice_id,
        classified.payer_account_id,
        classified.line_item_id,
        classified.time_interval,
        classified.usage_start_at,
        classified.usage_end_at,
        cast(classified.usage_start_at as date) as usage_date,
        classified.account_id,
        classified.product_code,
        classified.product_family,
        classified.service_code,
        classified.product_name,
        classified.product_model_name,
        classified.product_inference_type,
        classified.product_feature,
        classified.product_region_code,
        classified.usage_type,
        -- the region prefix (USE1) and the model's usage-type name (Claude4.6Sonnet, NovaPro, openai.gpt-oss-120b)
        {{ bedrock_costs.regex_extract('classified.usage_type', '^([A-Z]{2,4}[0-9]?)-') }} as usage_type_region_code,
        {{ bedrock_costs.regex_extract('classified.usage_type', '^[A-Z]{2,4}[0-9]?-(.+?)-(?:mantle-)?(?:input|output|cache|batch)') }}
            as usage_type_model_name,
        classified.api_operation,
        classified.line_item_type,
        classified.line_item_description,
        classified.resource_id,
        classified.iam_principal_arn,
        classified.charge_category,
        classified.usage_kind,
        classified.line_kind,
        classified.carries_tokens,
        classified.token_type,
        classified.cache_write_ttl,
        classified.price_scope,
        classified.service_tier,
        classified.context_tier,
        classified.usage_amount,
        classified.pricing_unit,
        classified.usage_unit,
        classified.tokens_per_unit,
        cast(round(classified.usage_amount * classified.tokens_per_unit) as bigint) as billed_tokens,
        classified.unblended_rate,
        classified.unblended_cost_usd,
        classified.net_cost_usd,
        -- the net cost split three ways: gross (what was used), discounts, credits and refunds
        case when classified.charge_category in ('discount', 'credit', 'refund') then 0 else classified.unblended_cost_usd end
            as gross_cost_usd,
        case
            when classified.charge_category = 'discount' then classified.net_cost_usd
            when classified.charge_category in ('credit', 'refund') then 0
            else classified.net_cost_usd - classified.unblended_cost_usd
        end as discount_usd,
        case when classified.charge_category in ('credit', 'refund') then classified.net_cost_usd else 0 end as credit_usd,
        classified.public_on_demand_cost_usd,
        classified.currency_code,
        classified.tag_app,
        classified.tag_team,
        classified.tag_cost_center,
        classified.tag_environment,
        classified.cur_file
    from classified
)

select * from final
