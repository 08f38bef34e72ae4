{#- Every AWS Region a rate is given for: the Regions of seeds/aws_regions.csv, any other Region
    the calls were made in and, with a bill, any other Region the bill names. A Region the bill
    alone has (logging off there) gets its catalog rate like any other. -#}

with

known_regions as (
    select trim(aws_regions.aws_region) as aws_region
    from {{ ref('aws_regions') }} as aws_regions
),

logged_regions as (
    select distinct log_lines.aws_region
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    where log_lines.line_status = 'record'
),

regions as (
    select known_regions.aws_region from known_regions
    union
    select logged_regions.aws_region from logged_regions
    {%- if bedrock_costs.bill_enabled() %}
        union
        select line_items.product_region_code from {{ ref('stg_cur__bedrock_line_items') }} as line_items
    {%- endif %}
),

final as (
    select regions.aws_region
    from regions
    where regions.aws_region is not null and regions.aws_region <> ''
)

select * from final
