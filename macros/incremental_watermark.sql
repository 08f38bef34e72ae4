{#- This run's load time, as 'YYYY-MM-DD HH:MM:SS.fff': every row a run appends to
    base_bedrock__log_lines carries it as `loaded_at`, and later models carry it on, so each heavy
    model can tell which of its upstream rows are newer than its own. It is the run's start, or
    1 ms after the newest load already in {{ this }} if that is later (a clock that went back). -#}
{% macro load_time() %}
    {%- set started = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')[:23] -%}
    {%- set previous = bedrock_costs.incremental_watermark() -%}
    {%- if previous is not none -%}
        {%- set previous = (previous ~ '.000')[:23] if previous | length == 19 else previous -%}
        {%- if previous >= started -%}
            {%- set bumped = modules.datetime.datetime.strptime(previous, '%Y-%m-%d %H:%M:%S.%f')
                + modules.datetime.timedelta(milliseconds=1) -%}
            {%- set started = bumped.strftime('%Y-%m-%d %H:%M:%S.%f')[:23] -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(started) }}
{% endmacro %}


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
    changed, so its cost follows the new data, not the lookback window or the history. The days of
    the rows of {{ this }} that match `stale_rows` (a SQL condition) are rebuilt too. -#}
{% macro changed_usage_dates(upstream, stale_rows=none) %}
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
        {%- if stale_rows %}
        union
        select distinct usage_date
        from {{ this }}
        where {{ stale_rows }}
        {%- endif %}
        order by usage_date
    {%- endset -%}
    {{ return(bedrock_costs.query_dates(changed)) }}
{% endmacro %}


{#- The usage dates before `since_date` of the newest load in `upstream` (int_hourly_usage): a
    re-delivery of an old call re-sums an old day there, and the marts rebuild that day too, on
    top of their lookback window. Empty for a full build. -#}
{% macro latest_load_dates(upstream, since_date) %}
    {%- if not since_date or var('bedrock_costs_offline_incremental', none) is not none or not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set latest -%}
        select distinct usage_date
        from {{ upstream }}
        where
            usage_date < date '{{ since_date }}'
            and loaded_at = (select max(newest.loaded_at) from {{ upstream }} as newest)
        order by usage_date
    {%- endset -%}
    {{ return(bedrock_costs.query_dates(latest)) }}
{% endmacro %}


{#- A short fingerprint of the reference data behind a priced, attributed call: the profile map,
    price and caller seeds (dbt's checksums of the files) and the vars that change a price or an
    attribution. int_hourly_usage stores it, and re-sums the lookback window when it changes. -#}
{% macro reference_version() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='name') -%}
        {%- if node.resource_type == 'seed' and node.name in ['profile_map', 'model_pricing', 'caller_map'] -%}
            {%- do parts.append(node.name ~ ':' ~ node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do parts.append('cache_write_ttl:' ~ var('bedrock_costs_cache_write_ttl')) -%}
    {%- do parts.append('metadata_keys:' ~ tojson(bedrock_costs.finops_metadata_keys())) -%}
    {{ return(local_md5(parts | join('|'))[:16]) }}
{% endmacro %}


{#- The first column of `sql`'s result, as 'YYYY-MM-DD' strings. -#}
{% macro query_dates(sql) %}
    {%- set days = [] -%}
    {%- for value in run_query(sql).columns[0].values() -%}
        {%- do days.append((value | string)[:10]) -%}
    {%- endfor -%}
    {{ return(days) }}
{% endmacro %}
