{#- The one key of a comparison cell, the grain the bill is allocated at: usage day, usage account,
    region, model and token type of the row `relation` (a model or region may be NULL, which is a
    value of its own here). Both sides of the bill carry it: int_bill_lines_resolved and
    int_bill_log_tokens_summed (whose token type is an unpivot's: `token_type`). -#}
{% macro bill_cell_id(relation, token_type=none) -%}
    cast({{ relation }}.usage_date as varchar) || '|' || {{ relation }}.account_id
    || '|' || coalesce({{ relation }}.aws_region, '-') || '|' || coalesce({{ relation }}.model_id, '-')
    || '|' || coalesce({{ token_type or relation ~ '.token_type' }}, '-')
{%- endmacro %}
