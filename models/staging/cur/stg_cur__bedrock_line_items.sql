{#- Every Bedrock line of the CUR 2.0 export, renamed and cast: the export's one read. Rebuilt whole
    on every run (AWS rewrites a billing period in place). `usage_signature` is what the usage-type
    rules read (stg_cur__usage_types); stg_cur__bedrock_lines adds their verdict. -#}

with

cur_rows as (
    {{ bedrock_costs.cur_export_rows() }}
),

bedrock_rows as (
    select
        cur_rows.*,
        {{ bedrock_costs.metadata_value('cur_rows.product', ['product_name']) }} as product_name,
        {{ bedrock_costs.metadata_value('cur_rows.product', ['servicename']) }} as product_service_name,
        nullif(trim(split_part(cur_rows.line_item_line_item_description, '|', 3)), '') as description_unit
    from cur_rows
),

picked as (
    -- Bedrock by its product fields and product codes, Marketplace's "(Amazon Bedrock Edition)"
    -- listings included: never by one product code
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

final as (
    select
        -- the UTC day, whatever the session's time zone (a UTC-adjusted Parquet timestamp has a zone)
        cast({{ bedrock_costs.utc_timestamp('picked.bill_billing_period_start_date') }} as date) as billing_period,
        picked.bill_billing_entity as billing_entity,
        picked.bill_bill_type as bill_type,
        nullif(picked.bill_invoice_id, '') as invoice_id,
        picked.bill_payer_account_id as payer_account_id,
        picked.identity_line_item_id as line_item_id,
        picked.identity_time_interval as time_interval,
        {{ bedrock_costs.hive_timestamp(bedrock_costs.utc_timestamp('picked.line_item_usage_start_date')) }} as usage_start_at,
        {{ bedrock_costs.hive_timestamp(bedrock_costs.utc_timestamp('picked.line_item_usage_end_date')) }} as usage_end_at,
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
        picked.line_item_operation as api_operation,
        picked.line_item_line_item_type as line_item_type,
        picked.line_item_line_item_description as line_item_description,
        nullif(picked.line_item_resource_id, '') as resource_id,
        nullif(picked.line_item_iam_principal, '') as iam_principal_arn,
        cast(picked.line_item_usage_amount as double) as usage_amount,
        picked.pricing_unit,
        coalesce(picked.description_unit, picked.pricing_unit) as usage_unit,
        -- the fields the usage-type rules match, lower case, one signature (| never occurs in them)
        lower(
            coalesce(picked.line_item_usage_type, '') || '|' || coalesce(picked.product_name, '') || '|'
            || coalesce(picked.line_item_product_code, '') || '|' || coalesce(picked.pricing_unit, '') || '|'
            || coalesce(picked.description_unit, '') || '|' || coalesce(picked.line_item_line_item_type, '')
        ) as usage_signature,
        picked.line_item_unblended_rate as unblended_rate,
        cast(picked.line_item_unblended_cost as double) as unblended_cost_usd,
        -- after discounts: present when the account has any; a discount line carries 0 there
        cast(coalesce(picked.line_item_net_unblended_cost, picked.line_item_unblended_cost) as double) as net_cost_usd,
        cast(picked.pricing_public_on_demand_cost as double) as public_on_demand_cost_usd,
        picked.line_item_currency_code as currency_code,
        -- tag_app, tag_team, tag_cost_center, tag_environment: the line's cost-allocation tags
        {{ bedrock_costs.cost_allocation_tags('picked.resource_tags') }},
        picked.cur_file
    from picked
)

select * from final
