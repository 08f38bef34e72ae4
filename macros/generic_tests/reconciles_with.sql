{#- No request or token is lost or double counted between two models: each expression in
    `measures` (name -> [expression on this model, expression on compare_model]) has the same
    total on both sides. With `day_column`, compare_model is taken on the days this model's rows
    cover, so a test scoped to the days a run rebuilt (the `where` config) compares like with like;
    the days are found first and inlined, so the engine prunes compare_model to them. -#}
{% test reconciles_with(model, compare_model, measures, day_column=none) %}
{%- set days = bedrock_costs.query_dates('select distinct ' ~ day_column ~ ' from ' ~ model) if day_column else [] %}
with

this_side as (
    select
        {% for name, pair in measures.items() -%}
        {{ pair[0] }} as {{ name }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ model }}
),

other_side as (
    select
        {% for name, pair in measures.items() -%}
        {{ pair[1] }} as {{ name }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ compare_model }}
    {%- if day_column %}
    where {{ bedrock_costs.in_dates(day_column, days) }}
    {%- endif %}
)

select
    {% for name in measures -%}
    this_side.{{ name }} as {{ name }},
    other_side.{{ name }} as compare_{{ name }}{{ ',' if not loop.last }}
    {% endfor %}
from this_side
cross join other_side
where
    {% for name in measures -%}
    coalesce(this_side.{{ name }}, 0) <> coalesce(other_side.{{ name }}, 0){{ ' or' if not loop.last }}
    {% endfor %}
{% endtest %}
