{#- Right-sizing's second step: each token mix (int_token_mixes_pinned) with each cheaper candidate
    to price it on: every substitution of seeds/model_substitutions.csv at the same price scope (so
    the traffic stays where it is processed), and the same model through its global. profile, unless
    the traffic is residency-pinned. -#}

with

token_mixes as (
    select * from {{ ref('int_token_mixes_pinned') }}
),

substitutions as (
    select * from {{ ref('model_substitutions') }}
),

substitute_models as (
    select
        token_mixes.*,
        cast('substitute_model' as varchar) as alternative_kind,
        substitutions.to_model_id as alternative_model_id,
        token_mixes.price_scope as alternative_price_scope,
        substitutions.note as alternative_note
    from token_mixes
    inner join substitutions
        on token_mixes.model_id = substitutions.from_model_id
),

global_routing as (
    select
        token_mixes.*,
        cast('global_routing' as varchar) as alternative_kind,
        token_mixes.model_id as alternative_model_id,
        cast('global' as varchar) as alternative_price_scope,
        cast('same model through its global. cross-region inference profile' as varchar) as alternative_note
    from token_mixes
    where
        token_mixes.price_scope <> 'global'
        and not token_mixes.residency_pinned
),

final as (
    select * from substitute_models
    union all
    select * from global_routing
)

select * from final  -- noqa: AM04
