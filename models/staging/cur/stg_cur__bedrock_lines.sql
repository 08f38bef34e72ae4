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

final as (
    select
        line_items.*,
        cast(line_items.usage_start_at as date) as usage_date,
        -- the region prefix (USE1) and the model's usage-type name (Claude4.6Sonnet, NovaPro, openai.gpt-oss-120b)
        {{ bedrock_costs.regex_extract('line_items.usage_type', '^([A-Z]{2,4}[0-9]?)-') }} as usage_type_region_code,
        {{ bedrock_costs.regex_extract('line_items.usage_type', '^[A-Z]{2,4}[0-9]?-(.+?)-(?:mantle-)?(?:input|output|cache|batch)') }}
            as usage_type_model_name,
        usage_types.charge_category,
        usage_types.usage_kind,
        usage_types.line_kind,
        usage_types.carries_tokens,
        usage_types.token_type,
        usage_types.cache_write_ttl,
        usage_types.price_scope,
        usage_types.service_tier,
        usage_types.context_tier,
        usage_types.tokens_per_unit,
        cast(round(line_items.usage_amount * usage_types.tokens_per_unit) as bigint) as billed_tokens,
        -- the net cost split three ways: gross (what was used), discounts, credits and refunds
        case when usage_types.charge_category in ('discount', 'credit', 'refund') then 0 else line_items.unblended_cost_usd end
            as gross_cost_usd,
        case
            when usage_types.charge_category = 'discount' then line_items.net_cost_usd
            when usage_types.charge_category in ('credit', 'refund') then 0
            else line_items.net_cost_usd - line_items.unblended_cost_usd
        end as discount_usd,
        case when usage_types.charge_category in ('credit', 'refund') then line_items.net_cost_usd else 0 end as credit_usd
    from line_items
    left join usage_types
        on line_items.usage_signature = usage_types.usage_signature
)

-- every column of stg_cur__bedrock_line_items passes through, so the count is that model's
select * from final  -- noqa: AM04
