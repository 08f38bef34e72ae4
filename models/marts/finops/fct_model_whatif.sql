{#- Which team burns tokens on Opus when Haiku would do? Each token mix's cheaper alternatives
    (int_token_mix_alternatives_priced) and what they save. -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

priced as (
    select * from {{ ref('int_token_mix_alternatives_priced') }}
),

final as (
    select
        priced.app,
        priced.team,
        priced.model_id,
        priced.price_scope,
        priced.geography,
        priced.residency_pinned,
        priced.request_count,
        priced.input_tokens,
        priced.output_tokens,
        priced.cache_read_input_tokens,
        priced.cache_write_input_tokens,
        priced.actual_cost_usd,
        priced.current_list_cost_usd,
        priced.alternative_kind,
        priced.alternative_model_id,
        priced.alternative_price_scope,
        priced.alternative_note,
        priced.alternative_cost_usd,
        priced.current_list_cost_usd - priced.alternative_cost_usd as saving_usd,
        100 * (priced.current_list_cost_usd - priced.alternative_cost_usd) / priced.current_list_cost_usd as saving_pct,
        calendar.window_start_date,
        calendar.as_of_date as window_end_date
    from priced
    cross join calendar
    where priced.alternative_cost_usd < priced.current_list_cost_usd
)

select * from final
