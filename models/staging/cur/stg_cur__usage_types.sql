{#- Each distinct usage signature of the bill (usage type, product name and code, pricing unit, the
    description's unit, line item type) classified by seeds/cur_usage_type_rules.csv: per dimension,
    the value of the first rule (lowest priority) whose pattern matches its field. The token
    dimensions hold for kinds that carry tokens (seeds/cur_line_kinds.csv) and the cache-write TTL
    for cache writes. A few hundred rows, so every rule is tried on each. -#}

with

signatures as (
    select distinct line_items.usage_signature
    from {{ ref('stg_cur__bedrock_line_items') }} as line_items
),

rules as (
    select * from {{ ref('cur_usage_type_rules') }}
),

kinds as (
    select * from {{ ref('cur_line_kinds') }}
),

fields as (
    select
        signatures.usage_signature,
        rules.dimension,
        rules.priority,
        rules.pattern,
        rules.and_pattern,
        rules.rule_value,
        split_part(
            signatures.usage_signature, '|',
            case rules.field
                when 'usage_type' then 1 when 'product_name' then 2 when 'product_code' then 3
                when 'pricing_unit' then 4 when 'description_unit' then 5 when 'line_item_type' then 6
            end
        ) as field_value
    from signatures
    cross join rules
),

matches as (
    select
        fields.usage_signature,
        fields.dimension,
        fields.rule_value,
        row_number() over (
            partition by fields.usage_signature, fields.dimension order by fields.priority, fields.rule_value
        ) as match_rank
    from fields
    where
        fields.field_value like fields.pattern escape '\'
        and (nullif(fields.and_pattern, '') is null or fields.field_value like fields.and_pattern escape '\')
),

verdicts as (
    select
        matches.usage_signature,
        max(case when matches.dimension = 'charge_category' then matches.rule_value end) as charge_category,
        max(case when matches.dimension = 'usage_kind' then matches.rule_value end) as usage_kind,
        max(case when matches.dimension = 'token_type' then matches.rule_value end) as token_type,
        max(case when matches.dimension = 'tokens_per_unit' then matches.rule_value end) as tokens_per_unit,
        max(case when matches.dimension = 'cache_write_ttl' then matches.rule_value end) as cache_write_ttl,
        max(case when matches.dimension = 'price_scope' then matches.rule_value end) as price_scope,
        max(case when matches.dimension = 'service_tier' then matches.rule_value end) as service_tier,
        max(case when matches.dimension = 'context_tier' then matches.rule_value end) as context_tier
    from matches
    where matches.match_rank = 1
    group by matches.usage_signature
),

final as (
    select
        signatures.usage_signature,
        verdicts.charge_category,
        verdicts.usage_kind,
        -- a discount, credit, refund or tax line is that kind, whatever it discounts
        coalesce(charge_kinds.line_kind, verdicts.usage_kind) as line_kind,
        coalesce(usage_kinds.carries_tokens, false) as carries_tokens,
        case when usage_kinds.carries_tokens then verdicts.token_type end as token_type,
        case when usage_kinds.carries_tokens then cast(verdicts.tokens_per_unit as bigint) end as tokens_per_unit,
        case when usage_kinds.carries_tokens and verdicts.token_type = 'cache_write' then verdicts.cache_write_ttl end
            as cache_write_ttl,
        case when usage_kinds.carries_tokens then verdicts.price_scope end as price_scope,
        case when usage_kinds.carries_tokens then verdicts.service_tier end as service_tier,
        case when usage_kinds.carries_tokens then verdicts.context_tier end as context_tier
    from signatures
    left join verdicts
        on signatures.usage_signature = verdicts.usage_signature
    left join kinds as usage_kinds
        on verdicts.usage_kind = usage_kinds.line_kind
    left join kinds as charge_kinds
        on verdicts.charge_category = charge_kinds.line_kind
)

select * from final
