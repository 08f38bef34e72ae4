{#- The two token sums every report shows, written once (the rpt_ models; the semantic layer's
    measures say the same in models/semantic/_semantic__models.yml). `prefix` is a table alias
    with its dot, or nothing. -#}

{#- Every token sent to the model: uncached input, cache reads and cache writes. -#}
{% macro total_input_tokens(prefix='') -%}
    ({{ prefix }}input_tokens + {{ prefix }}cache_read_input_tokens + {{ prefix }}cache_write_input_tokens)
{%- endmacro %}

{#- All four token kinds: input, output, cache read and cache write. -#}
{% macro total_tokens(prefix='') -%}
    ({{ prefix }}input_tokens + {{ prefix }}output_tokens + {{ prefix }}cache_read_input_tokens + {{ prefix }}cache_write_input_tokens)
{%- endmacro %}
