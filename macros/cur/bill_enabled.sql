{#- True when the project has a bill to read: a CUR 2.0 export folder or prefix (DuckDB,
    bedrock_costs_cur_path / BEDROCK_CUR_PATH) or a CUR table (bedrock_costs_cur_table). Without
    one, every bill model, seed and test is disabled and the project builds as it does without
    this feature. dbt_project.yml repeats this rule for the bill folders (it cannot call a macro). -#}
{% macro bill_enabled() %}
    {%- set path = var('bedrock_costs_cur_path', env_var('BEDROCK_CUR_PATH', '')) | string | trim -%}
    {%- set table = var('bedrock_costs_cur_table', '') | string | trim -%}
    {{ return(path | length > 0 or table | length > 0) }}
{% endmacro %}


{#- The folder or s3:// prefix the export was copied to or lands in (DuckDB), without a trailing
    slash. Inlined into queries, so a quote is refused rather than escaped into something else. -#}
{% macro cur_root() %}
    {%- set root = (var('bedrock_costs_cur_path', env_var('BEDROCK_CUR_PATH', '')) | string | trim).rstrip('/') -%}
    {%- if root.startswith('./') -%}
        {%- set root = root[2:] -%}
    {%- endif -%}
    {%- if "'" in root -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_path: ' ~ root ~ ' has a quote; use a folder or s3:// prefix without one') }}
    {%- endif -%}
    {{ return(root) }}
{% endmacro %}


{#- The export's name, a folder under cur_root(): letters, digits, - and _ (or * for every export). -#}
{% macro cur_export_name() %}
    {%- set name = var('bedrock_costs_cur_export_name', '*') | string | trim -%}
    {%- if not modules.re.fullmatch('[A-Za-z0-9_*-]+', name) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_export_name: ' ~ name ~ ' is not an export name (letters, digits, - and _; * for every export)') }}
    {%- endif -%}
    {{ return(name) }}
{% endmacro %}
