{#- Every Bedrock bill line with its model resolved to the catalog's canonical id and its region
    named: the one place a bill line meets the name seeds. The model comes, in order, from
    product['model'] (standardized Bedrock metadata since 2026-07; seeds/price_list_model_map.csv),
    the Marketplace product name without " (Amazon Bedrock Edition)", the usage type's model name
    (seeds/cur_usage_type_models.csv, then price_list_model_map, then the catalog's ids) and the
    resource ARN when the logs named it (int_model_ids_resolved). The region is the usage type's prefix (seeds/aws_regions.csv:
    the region the call was sent to), else product_region_code. -#}

with

lines as (
    select * from {{ ref('stg_cur__bedrock_lines') }}
),

usage_type_models as (
    select
        lower(trim(cur_usage_type_models.usage_type_model_name)) as model_name_key,
        min(trim(cur_usage_type_models.model_id)) as model_id
    from {{ ref('cur_usage_type_models') }} as cur_usage_type_models
    group by lower(trim(cur_usage_type_models.usage_type_model_name))
),

price_list_names as (
    -- the Price List's model names that name one catalog id ('Claude' names two, and is left out)
    select
        lower(trim(price_list_model_map.price_list_model_name)) as model_name_key,
        min(trim(price_list_model_map.model_id)) as model_id
    from {{ ref('price_list_model_map') }} as price_list_model_map
    group by lower(trim(price_list_model_map.price_list_model_name))
    having count(distinct trim(price_list_model_map.model_id)) = 1
),

region_codes as (
    select
        upper(trim(aws_regions.region_code)) as region_code,
        trim(aws_regions.aws_region) as aws_region
    from {{ ref('aws_regions') }} as aws_regions
),

catalog_ids as (
    -- a usage type that names the catalog id itself (mantle: anthropic.claude-opus-4-8)
    select distinct model_rates.model_id
    from {{ ref('int_model_rates') }} as model_rates
),

logged_resources as (
    -- a resource ARN the logs called by (a foundation model or an application profile), resolved once
    select
        model_ids.model_id_key,
        model_ids.model_id
    from {{ ref('int_model_ids_resolved') }} as model_ids
    where model_ids.model_id is not null and model_ids.model_id_key like 'arn:%'
),

resolved as (
    select
        lines.*,
        coalesce(
            by_product_model.model_id,
            by_product_name.model_id,
            by_usage_type.model_id,
            by_usage_type_price_list.model_id,
            by_catalog_id.model_id,
            by_resource.model_id
        ) as model_id,
        case
            when by_product_model.model_id is not null then 'product_model'
            when by_product_name.model_id is not null then 'product_name'
            when
                by_usage_type.model_id is not null
                or by_usage_type_price_list.model_id is not null
                or by_catalog_id.model_id is not null
                then 'usage_type'
            when by_resource.model_id is not null then 'resource_id'
        end as model_resolved_by,
        coalesce(region_codes.aws_region, lines.product_region_code) as aws_region
    from lines
    left join price_list_names as by_product_model
        on lower(trim(lines.product_model_name)) = by_product_model.model_name_key
    left join price_list_names as by_product_name
        on lower(trim(replace(lines.product_name, '(Amazon Bedrock Edition)', ''))) = by_product_name.model_name_key
    left join usage_type_models as by_usage_type
        on lower(lines.usage_type_model_name) = by_usage_type.model_name_key
    left join price_list_names as by_usage_type_price_list
        on lower(lines.usage_type_model_name) = by_usage_type_price_list.model_name_key
    left join catalog_ids as by_catalog_id
        on lines.usage_type_model_name = by_catalog_id.model_id
    left join logged_resources as by_resource
        on lines.resource_id = by_resource.model_id_key
    left join region_codes
        on lines.usage_type_region_code = region_codes.region_code
),

final as (
    select
        resolved.*,
        {{ bedrock_costs.bill_cell_id('resolved') }} as cell_id,
        -- one number per line, the key a line's shares are counted under (int_bill_usage_allocated ...)
        row_number() over (
            order by resolved.billing_period, resolved.line_item_id, resolved.time_interval, resolved.line_item_type
        ) as bill_line_key
    from resolved
)

-- every column of stg_cur__bedrock_lines passes through, so the count is the staging model's
select * from final  -- noqa: AM04
