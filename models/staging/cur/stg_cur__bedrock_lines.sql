{#- Every Bedrock line of the CUR 2.0 export, renamed, cast and classified: what kind of charge it
    is and, for token usage, the token kind, scope, tiers and the number of tokens. Rebuilt whole on
    every run (AWS rewrites a billing period in place). No joins: the model and the region are
    resolved from their names in int_bill_lines_resolved. The patterns each rule matches, and the
    public sources they come from, are listed in docs/bill.md. -#}

with

cur_rows as (
    {{ bedrock_costs.cur_export_rows() }}
),

bedrock_rows as (
    -- Bedrock by its product fields and product codes, Marketplace's "(Amazon Bedrock Edition)"
    -- listings included: never by one product code
    select
        cur_rows.*,
        {{ bedrock_costs.metadata_value('cur_rows.product', ['product_name']) }} as product_name,
        {{ bedrock_costs.metadata_value('cur_rows.product', ['servicename']) }} as product_service_name
    from cur_rows
),

picked as (
    select bedrock_rows.*
    from bedrock_rows
    where
        bedrock_rows.product_product_family = 'Amazon Bedrock'
        or bedrock_rows.line_item_product_code in (
            'AmazonBedrock', 'AmazonBedrockService', 'AmazonBedrockFoundationModels', 'AmazonBedrockAgentCore'
        )
        or bedrock_rows.product_servicecode like 'AmazonBedrock%'
        or bedrock_rows.product_name like '%Bedrock%'
        or bedrock_rows.product_service_name like '%Bedrock%'
        or bedrock_rows.product_name like '%Claude Platform%'
),

renamed as (
    select
        cast(picked.bill_billing_period_start_date as date) as billing_period,
        picked.bill_billing_entity as billing_entity,
        picked.bill_bill_type as bill_type,
        nullif(picked.bill_invoice_id, '') as invoice_id,
        picked.bill_payer_account_id as payer_account_id,
        picked.identity_line_item_id as line_item_id,
        picked.identity_time_interval as time_interval,
        {{ bedrock_costs.hive_timestamp('picked.line_item_usage_start_date') }} as usage_start_at,
        {{ bedrock_costs.hive_timestamp('picked.line_item_usage_end_date') }} as usage_end_at,
        picked.line_item_usage_account_id as account_id,
        picked.line_item_product_code as product_code,
        nullif(picked.product_product_family, '') as product_family,
        nullif(picked.product_servicecode, '') as service_code,
        picked.product_name,
        {{ bedrock_costs.metadata_value('picked.product', ['model']) }} as product_model_name,
        {{ bedrock_costs.metadata_value('picked.product', ['inference_type']) }} as product_inference_type,
        {{ bedrock_costs.metadata_value('picked.product', ['feature']) }} as product_feature,
        coalesce(nullif(picked.product_region_code, ''), {{ bedrock_costs.metadata_value('picked.product', ['region']) }})
            as product_region_code,
        picked.line_item_usage_type as usage_type,
        lower(coalesce(picked.line_item_usage_type, '')) as usage_type_lower,
        picked.line_item_operation as api_operation,
        picked.line_item_line_item_type as line_item_type,
        picked.line_item_line_item_description as line_item_description,
        nullif(picked.line_item_resource_id, '') as resource_id,
        nullif(picked.line_item_iam_principal, '') as iam_principal_arn,
        cast(picked.line_item_usage_amount as double) as usage_amount,
        picked.pricing_unit,
        coalesce(nullif(trim(split_part(picked.line_item_line_item_description, '|', 3)), ''), picked.pricing_unit)
            as usage_unit,
        lower(coalesce(nullif(trim(split_part(picked.line_item_line_item_description, '|', 3)), ''), ''))
            as description_unit_lower,
        lower(coalesce(picked.pricing_unit, '')) as pricing_unit_lower,
        picked.line_item_unblended_rate as unblended_rate,
        cast(picked.line_item_unblended_cost as double) as unblended_cost_usd,
        -- after discounts: present when the account has any; a discount line carries 0 there
        cast(coalesce(picked.line_item_net_unblended_cost, picked.line_item_unblended_cost) as double) as net_cost_usd,
        cast(picked.pricing_public_on_demand_cost as double) as public_on_demand_cost_usd,
        picked.line_item_currency_code as currency_code,
        {{ bedrock_costs.metadata_value('picked.resource_tags', ['user_app', 'user_application']) }} as tag_app,
        {{ bedrock_costs.metadata_value('picked.resource_tags', ['user_team']) }} as tag_team,
        {{ bedrock_costs.metadata_value('picked.resource_tags', ['user_cost_center', 'user_costcenter']) }} as tag_cost_center,
        {{ bedrock_costs.metadata_value('picked.resource_tags', ['user_environment', 'user_env']) }} as tag_environment,
        picked.cur_file
    from picked
),

categorized as (
    select
        renamed.*,
        -- what the line is on the invoice (line_item_line_item_type)
        case
            when renamed.line_item_type in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage', 'FlatRateSubscription')
                then 'usage'
            when renamed.line_item_type like '%Discount' or renamed.line_item_type = 'SavingsPlanNegation' then 'discount'
            when renamed.line_item_type = 'Credit' then 'credit'
            when renamed.line_item_type = 'Refund' then 'refund'
            when renamed.line_item_type = 'Tax' then 'tax'
            when renamed.line_item_type in ('Fee', 'RIFee', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee') then 'fee'
            else 'other'
        end as charge_category,
        -- what was used, from the usage type (CUDOS's Bedrock rules, docs/bill.md), most specific first
        case
            when
                lower(coalesce(renamed.product_name, '')) like '%claude platform%'
                or renamed.usage_type_lower like '%claudeplatform%'
                or strpos(renamed.usage_type_lower, '-ccu') > 0
                or strpos(renamed.usage_type_lower, '_ccu') > 0
                then 'claude_platform'
            when renamed.product_code = 'AmazonBedrockAgentCore' or renamed.usage_type_lower like '%agentcore%'
                then 'agentcore'
            when
                renamed.usage_type_lower like '%provisionedthroughput%'
                or renamed.usage_type_lower like '%modelunit%'
                or renamed.usage_type_lower like '%reserved%'
                then 'provisioned_throughput'
            when
                renamed.usage_type_lower like '%customization%'
                or renamed.usage_type_lower like '%custommodelimport%'
                or renamed.usage_type_lower like '%rft-training%'
                then 'customization'
            when renamed.usage_type_lower like '%guardrail%' then 'guardrails'
            when renamed.usage_type_lower like '%evaluation%' then 'evaluations'
            when renamed.usage_type_lower like '%invokeflow%' or renamed.usage_type_lower like '%bedrockflows%' then 'flows'
            when
                renamed.usage_type_lower like '%knowledgebase%'
                or renamed.usage_type_lower like '%searchunit%'
                or strpos(renamed.usage_type_lower, 'search_unit') > 0
                or renamed.usage_type_lower like '%generatesql%'
                or renamed.usage_type_lower like '%structuredretrieve%'
                or renamed.usage_type_lower like '%rerank%'
                then 'knowledge_bases'
            when renamed.usage_type_lower like '%dataautomation%' then 'data_automation'
            when
                renamed.usage_type_lower like '%optimizeprompt%'
                or renamed.usage_type_lower like '%prompt-routing%'
                or renamed.usage_type_lower like '%nova-grounding%'
                or renamed.usage_type_lower like '%novacanvas%'
                or renamed.usage_type_lower like '%imagegenerator%'
                or strpos(renamed.usage_type_lower, 'created_image') > 0
                or renamed.usage_type_lower like '%novareel%'
                or renamed.usage_type_lower like '%t2v%'
                or renamed.usage_type_lower like '%i2v%'
                or renamed.usage_type_lower like '%sonic%'
                or renamed.pricing_unit_lower in ('image', 'images', 'video', 'videos', 'second', 'seconds')
                then 'other_non_token'
            when renamed.usage_type_lower like '%-mantle-%' then 'mantle'
            when
                renamed.usage_type_lower like '%batch%'
                and (
                    renamed.usage_type_lower like '%token%'
                    or renamed.usage_type_lower like '%input%'
                    or renamed.usage_type_lower like '%output%'
                    or renamed.usage_type_lower like '%cache%'
                )
                then 'batch'
            when
                renamed.usage_type_lower like '%token%'
                or renamed.usage_type_lower like '%input%'
                or renamed.usage_type_lower like '%output%'
                or renamed.usage_type_lower like '%cache%'
                then 'token'
            when
                renamed.usage_type_lower like '%storage%'
                or renamed.usage_type_lower like '%datatransfer%'
                or renamed.usage_type_lower like '%-bytes%'
                or renamed.usage_type_lower like '%request%'
                then 'other_non_token'
            else 'unclassified'
        end as usage_kind
    from renamed
),

tokens as (
    select
        categorized.*,
        case
            when categorized.usage_kind not in ('token', 'batch', 'mantle') then null
            when
                categorized.usage_type_lower like '%cache-read%'
                or categorized.usage_type_lower like '%cacheread%'
                or strpos(categorized.usage_type_lower, 'cache_read') > 0
                then 'cache_read'
            when
                categorized.usage_type_lower like '%cache-write%'
                or categorized.usage_type_lower like '%cachewrite%'
                or strpos(categorized.usage_type_lower, 'cache_write') > 0
                then 'cache_write'
            when categorized.usage_type_lower like '%input%' then 'input'
            when categorized.usage_type_lower like '%output%' or categorized.usage_type_lower like '%response%' then 'output'
        end as token_type,
        -- tokens per unit of usage_amount: the Marketplace description's third field ('Million Input
        -- Tokens'), else pricing_unit ('1K tokens', '1M tokens'; Marketplace 'Units' are millions)
        case
            when categorized.usage_kind not in ('token', 'batch', 'mantle') then null
            when categorized.description_unit_lower like '%million%' then 1000000
            when categorized.description_unit_lower like '%thousand%' then 1000
            when categorized.pricing_unit_lower like '1m%token%' or categorized.pricing_unit_lower like '%million%token%' then 1000000
            when categorized.pricing_unit_lower like '1k%token%' or categorized.pricing_unit_lower like '%thousand%token%' then 1000
            when categorized.pricing_unit_lower = 'units' then 1000000
            when categorized.pricing_unit_lower in ('token', 'tokens') then 1
        end as tokens_per_unit
    from categorized
),

final as (
    select
        tokens.billing_period,
        tokens.billing_entity,
        tokens.bill_type,
        tokens.invoice_id,
        tokens.payer_account_id,
        tokens.line_item_id,
        tokens.time_interval,
        tokens.usage_start_at,
        tokens.usage_end_at,
        cast(tokens.usage_start_at as date) as usage_date,
        tokens.account_id,
        tokens.product_code,
        tokens.product_family,
        tokens.service_code,
        tokens.product_name,
        tokens.product_model_name,
        tokens.product_inference_type,
        tokens.product_feature,
        tokens.product_region_code,
        tokens.usage_type,
        -- the region prefix (USE1) and the model's usage-type name (Claude4.6Sonnet, NovaPro, openai.gpt-oss-120b)
        {{ bedrock_costs.regex_extract('tokens.usage_type', '^([A-Z]{2,4}[0-9]?)-') }} as usage_type_region_code,
        {{ bedrock_costs.regex_extract('tokens.usage_type', '^[A-Z]{2,4}[0-9]?-(.+?)-(?:mantle-)?(?:input|output|cache|batch)') }}
            as usage_type_model_name,
        tokens.api_operation,
        tokens.line_item_type,
        tokens.line_item_description,
        tokens.resource_id,
        tokens.iam_principal_arn,
        tokens.charge_category,
        tokens.usage_kind,
        -- the line's kind: a discount, credit, refund or tax line is that, whatever it discounts;
        -- any other line is what it used
        case
            when tokens.charge_category in ('discount', 'credit', 'refund', 'tax') then tokens.charge_category
            else tokens.usage_kind
        end as line_kind,
        tokens.token_type,
        case
            when tokens.token_type <> 'cache_write' then null
            when tokens.usage_type_lower like '%1h%' then '1h'
            when tokens.usage_type_lower like '%30m%' then '30m'
            else '5m'
        end as cache_write_ttl,
        case
            when tokens.usage_kind not in ('token', 'batch', 'mantle') then null
            when tokens.usage_type_lower like '%global%' then 'global'
            else 'regional'
        end as price_scope,
        case
            when tokens.usage_kind not in ('token', 'batch', 'mantle') then null
            when tokens.usage_type_lower like '%batch%' then 'batch'
            when tokens.usage_type_lower like '%-flex%' or strpos(tokens.usage_type_lower, '_flex') > 0 then 'flex'
            when tokens.usage_type_lower like '%priority%' then 'priority'
            when tokens.usage_type_lower like '%latency-optimized%' or strpos(tokens.usage_type_lower, 'latency_optimized') > 0
                then 'latency_optimized'
            else 'standard'
        end as service_tier,
        case
            when tokens.usage_kind not in ('token', 'batch', 'mantle') then null
            when
                tokens.usage_type_lower like '%long-context%'
                or tokens.usage_type_lower like '%lctx%'
                or strpos(tokens.usage_type_lower, 'long_ctx') > 0
                or tokens.usage_type_lower like '%longcontext%'
                then 'long_context'
            else 'standard'
        end as context_tier,
        tokens.usage_amount,
        tokens.pricing_unit,
        tokens.usage_unit,
        tokens.tokens_per_unit,
        cast(round(tokens.usage_amount * tokens.tokens_per_unit) as bigint) as billed_tokens,
        tokens.unblended_rate,
        tokens.unblended_cost_usd,
        tokens.net_cost_usd,
        -- the net cost split three ways: gross (what was used), discounts, credits and refunds
        case when tokens.charge_category in ('discount', 'credit', 'refund') then 0 else tokens.unblended_cost_usd end
            as gross_cost_usd,
        case
            when tokens.charge_category = 'discount' then tokens.net_cost_usd
            when tokens.charge_category in ('credit', 'refund') then 0
            else tokens.net_cost_usd - tokens.unblended_cost_usd
        end as discount_usd,
        case when tokens.charge_category in ('credit', 'refund') then tokens.net_cost_usd else 0 end as credit_usd,
        tokens.public_on_demand_cost_usd,
        tokens.currency_code,
        tokens.tag_app,
        tokens.tag_team,
        tokens.tag_cost_center,
        tokens.tag_environment,
        tokens.cur_file
    from tokens
)

select * from final
