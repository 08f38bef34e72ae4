{#- The run's start time as a SQL timestamp (milliseconds): every row a run appends to
    base_bedrock__log_lines carries it as `loaded_at`, and later models carry it on, so each
    heavy model can tell which of its upstream rows are newer than its own. -#}
{% macro run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] }}' as timestamp)
{%- endmacro %}


{#- The newest `column` (a loaded_at) already in {{ this }}, as 'YYYY-MM-DD HH:MM:SS[.fff]', or
    none for a full build or an empty table (then the caller processes its whole window). Offline
    compilation takes bedrock_costs_offline_last_date at midnight. -#}
{% macro incremental_watermark(column='loaded_at') %}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return((var('bedrock_costs_offline_last_date') | string)[:10] ~ ' 00:00:00') }}
    {%- elif not execute -%}
        {{ return('1970-01-01 00:00:00') }}
    {%- endif -%}
    {%- set newest = run_query('select max(' ~ column ~ ') from ' ~ this).columns[0].values()[0] -%}
    {{ return(none if newest is none else (newest | string)[:23]) }}
{% endmacro %}


{#- The usage dates of the rows of `upstream` loaded after {{ this }}'s newest loaded_at, as a list
    of 'YYYY-MM-DD', or none for a full build (every day). A run rebuilds only the days whose calls
    changed, so its cost follows the new data, not the lookback window or the history. -#}
{% macro changed_usage_dates(upstream) %}
    {%- set watermark = bedrock_costs.incremental_watermark() -%}
    {%- if watermark is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return([(var('bedrock_costs_offline_last_date') | string)[:10]]) }}
    {%- elif not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set changed -%}
        select distinct usage_date
        from {{ upstream }}
        where loaded_at > cast('{{ watermark }}' as timestamp)
        order by usage_date
    {%- endset -%}
    {%- set days = [] -%}
    {%- for value in run_query(changed).columns[0].values() -%}
        {%- do days.append((value | string)[:10]) -%}
    {%- endfor -%}
    {{ return(days) }}
{% endmacro %}
