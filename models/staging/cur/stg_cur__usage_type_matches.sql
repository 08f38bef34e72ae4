{#- The rule of seeds/cur_usage_type_rules.csv that decides each dimension of each distinct usage
    signature of the bill: the first (lowest priority) whose pattern matches its field. A few hundred
    signatures, so every rule is tried on each, never on each line. -#}

with

signatures as (
    select distinct line_items.usage_signature
    from {{ ref('stg_cur__bedrock_line_items') }} as line_items
),

fields as (
    -- the field each rule reads, out of the signature (usage type|product name|product code|...)
    select
        signatures.usage_signature,
        rules.*,
        split_part(
            signatures.usage_signature, '|',
            case rules.field
                when 'usage_type' then 1 when 'product_name' then 2 when 'product_code' then 3
                when 'pricing_unit' then 4 when 'description_unit' then 5 when 'line_item_type' then 6
            end
        ) as field_value
    from signatures
    cross join {{ ref('cur_usage_type_rules') }} as rules
),

ranked as (
    select
        fields.usage_signature,
        fields.dimension,
        fields.priority,
        fields.rule_value,
        row_number() over (
            partition by fields.usage_signature, fields.dimension order by fields.priority, fields.rule_value
        ) as match_rank
    from fields
    where
        fields.field_value like fields.pattern escape '\'
        and (nullif(fields.and_pattern, '') is null or fields.field_value like fields.and_pattern escape '\')
),

final as (
    select
        ranked.usage_signature,
        ranked.dimension,
        ranked.priority,
        ranked.rule_value
    from ranked
    where ranked.match_rank = 1
)

select * from final
