{#- dbt's is_incremental(), overridable for offline compilation: with the var
    bedrock_costs_offline_incremental set to true or false, no warehouse is asked. -#}
{% macro is_incremental() %}
    {%- set forced = var('bedrock_costs_offline_incremental', none) -%}
    {%- if forced is not none -%}
        {{ return(forced in (true, 'true', 'True', 1, '1')) }}
    {%- endif -%}
    {{ return(dbt.is_incremental()) }}
{% endmacro %}
