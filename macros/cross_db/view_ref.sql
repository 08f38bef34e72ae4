{#- ref() for a view's body. A DuckDB file's catalog is named after the file, and a view stores the
    names it reads: `"bedrock_costs"."main"."fct_x"` breaks when the file is copied or renamed, so on
    DuckDB a view names schema and table only (DuckDB resolves them in the file the view lives in).
    Trino and Athena keep the fully qualified name. -#}
{% macro view_ref(name) -%}
    {{ return(adapter.dispatch('view_ref', 'bedrock_costs')(name)) }}
{%- endmacro %}

{% macro athena__view_ref(name) -%}
    {{ return(ref(name)) }}
{%- endmacro %}

{% macro trino__view_ref(name) -%}
    {{ return(bedrock_costs.athena__view_ref(name)) }}
{%- endmacro %}

{% macro duckdb__view_ref(name) -%}
    {{ return(ref(name).include(database=false)) }}
{%- endmacro %}

{% macro default__view_ref(name) -%}
    {{ exceptions.raise_compiler_error('view_ref: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
