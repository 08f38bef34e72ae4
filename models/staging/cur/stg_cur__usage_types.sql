{#- Each distinct usage signature of the bill, classified: per dimension, the value of its deciding
    rule (stg_cur__usage_type_matches). The token dimensions hold for kinds that carry tokens
    (seeds/cur_line_kinds.csv), the cache-write TTL for cache writes. -#}

with

matches as (
    select * from {{ ref('stg_cur__usage_type_matches') }}
),

kinds as (
    select * from {{ ref('cur_line_kinds') }}
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
    group by matches.usage_signature
),

final as (
    select
        verdicts.usage_signature,
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
    from verdicts
    left join kinds as usage_kinds
        on verdicts.usage_kind = usage_kinds.line_kind
    left join kinds as charge_kinds
        on verdicts.charge_category = charge_kinds.line_kind
)

select * from final
