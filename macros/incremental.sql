{#- The incremental window, in one file. Each incremental model reads "what changed since its own
    last run" in its own SQL; these macros only answer the questions it asks:

      incremental_run()             is this an incremental run of {{ this }}? (dbt's is_incremental(),
                                    or the offline var, so `make compile-athena` needs no warehouse)
      lookback_start_date(column)   the first day a run re-sums: the newest `column` in {{ this }}
                                    minus bedrock_costs_lookback_days (late records carry old days)
      first_log_hour_to_read()      Athena, Trino: the first delivery folder a scheduled run reads,
                                    the newest folder stored minus bedrock_costs_folder_settle_hours
      run_stamp()                   this run's time, stored as loaded_at / summed_at on what it writes
      newest_value(column)          the newest `column` already in {{ this }} (a stamp or a date)
      query_dates(sql), in_dates()  a query's dates, and a where clause on them with literal dates
      reference_version()           a fingerprint of the seeds and vars that price and attribute -#}


{% macro incremental_run() %}
    {%- set forced = var('bedrock_costs_offline_incremental', none) -%}
    {%- if forced is not none -%}
        {{ return(forced in (true, 'true', 'True', 1, '1')) }}
    {%- endif -%}
    {{ return(is_incremental()) }}
{% endmacro %}


{% macro lookback_start_date(column='usage_date', extra_days=0) %}
    {%- set newest = bedrock_costs.newest_value(column) -%}
    {%- if newest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set days_back = var('bedrock_costs_lookback_days') | int + extra_days -%}
    {%- set start = modules.datetime.date.fromisoformat(newest[:10]) - modules.datetime.timedelta(days=days_back) -%}
    {{ return(start.isoformat()) }}
{% endmacro %}


{#- Athena and Trino: the first delivery folder ('yyyy/mm/dd/hh') a scheduled run of
    stg_bedrock__log_lines reads, or none on a full build. Bedrock writes a file into the folder of
    the hour it delivers it (a late record lands in a newer folder, never an older one), so a folder
    older than the newest one already stored, by more than bedrock_costs_folder_settle_hours (files of
    other accounts and Regions still arriving), can receive no new file: it is not read again. The
    newest stored folder is read from the stored files' paths, on the newest stored day only.
    Without a folder in the paths (a log table of another layout), the lookback days as before. -#}
{% macro first_log_hour_to_read() %}
    {%- if not bedrock_costs.incremental_run() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set newest = none -%}
    {%- if var('bedrock_costs_offline_incremental', none) is not none -%}
        {%- set newest = (var('bedrock_costs_offline_last_date') | string)[:10] | replace('-', '/') ~ '/23' -%}
    {%- elif not execute -%}
        {{ return('1970/01/01/00') }}
    {%- else -%}
        {%- set folder = bedrock_costs.regex_extract('log_file', '/([0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2})/[^/]+$') -%}
        {%- set rows = run_query('select max(' ~ folder ~ ') from ' ~ this
            ~ ' where log_date = (select max(log_date) from ' ~ this ~ ')').rows -%}
        {%- set newest = rows[0][0] if rows | length > 0 else none -%}
    {%- endif -%}
    {%- if newest is none -%}
        {%- set since_date = bedrock_costs.lookback_start_date('log_date') -%}
        {{ return(none if since_date is none else since_date | replace('-', '/') ~ '/00') }}
    {%- endif -%}
    {%- set first = modules.datetime.datetime.strptime(newest | string, '%Y/%m/%d/%H')
        - modules.datetime.timedelta(hours=var('bedrock_costs_folder_settle_hours') | int) -%}
    {{ return(first.strftime('%Y/%m/%d/%H')) }}
{% endmacro %}


{#- 'YYYY-MM-DD HH:MM:SS.fff': the run's start, or 1 ms after the newest stamp already in {{ this }}
    if that is later (a clock that went back), so a stamp never repeats or goes backwards. -#}
{% macro run_stamp(column='loaded_at') %}
    {%- set started = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')[:23] -%}
    {%- set previous = bedrock_costs.newest_value(column) -%}
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


{#- The newest `column` in {{ this }} as text ('YYYY-MM-DD[ HH:MM:SS[.fff]]'), or none on a full
    build or an empty table. Offline compilation takes bedrock_costs_offline_last_date. -#}
{% macro newest_value(column) %}
    {%- if not bedrock_costs.incremental_run() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return((var('bedrock_costs_offline_last_date') | string)[:10] ~ ' 00:00:00') }}
    {%- elif not execute -%}
        {{ return('1970-01-01 00:00:00') }}
    {%- endif -%}
    {%- set rows = run_query('select max(' ~ column ~ ') from ' ~ this).rows -%}
    {%- set newest = rows[0][0] if rows | length > 0 else none -%}
    {{ return(none if newest is none else (newest | string)[:23]) }}
{% endmacro %}


{#- The first column of `sql`'s rows as 'YYYY-MM-DD' strings; [] when there is no warehouse
    (parse) and, offline, the var bedrock_costs_offline_last_date. -#}
{% macro query_dates(sql) %}
    {%- if var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return([(var('bedrock_costs_offline_last_date') | string)[:10]]) }}
    {%- elif not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set days = [] -%}
    {%- for row in run_query(sql).rows -%}
        {%- do days.append((row[0] | string)[:10]) -%}
    {%- endfor -%}
    {{ return(days) }}
{% endmacro %}


{#- A short fingerprint of the reference data behind a priced, attributed call: the seeds that map,
    price and name callers (dbt's checksums of the files) and the vars that change a price or an
    attribution. int_hourly_usage stores it and re-sums the lookback window when it changes. -#}
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
    {%- do parts.append('metadata_keys:' ~ tojson(bedrock_costs.metadata_keys())) -%}
    {%- do parts.append('trusted_callers:' ~ tojson(var('bedrock_costs_trusted_metadata_callers', []))) -%}
    {{ return(local_md5(parts | join('|'))[:16]) }}
{% endmacro %}


{#- A where clause on a list of 'YYYY-MM-DD' (from query_dates), in literal dates so the engine
    prunes partitions (Athena, Trino) or row groups (DuckDB): the range from the first to the last
    day, then the days themselves, each run of three or more consecutive days as one `between`,
    the others in one `in` list:
        usage_date between date '2026-11-01' and date '2026-11-07'        (one run of 7 days)
        (usage_date between date '2026-11-06' and date '2026-11-06' and usage_date in (date '2026-11-06'))
        (usage_date between date '2026-11-01' and date '2026-11-07'
            and (usage_date between date '2026-11-01' and date '2026-11-03' or usage_date in (date '2026-11-07')))
    The range is what DuckDB pushes below the staging view's aggregate (an IN list is not, and is
    compared row by row); `1 = 0` for no day, `1 = 1` for none (a full build: every day). -#}
{% macro in_dates(column, dates) -%}
    {%- if dates is none -%}
        {#- no list at all (a full build): every day -#}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set days = dates | map('string') | unique | sort | list -%}
    {%- if days | length == 0 -%}
        {{ return('1 = 0') }}
    {%- endif -%}
    {%- set day_of = modules.datetime.date.fromisoformat -%}
    {%- set conditions, singles = [], [] -%}
    {%- set run = namespace(first=days[0], last=days[0]) -%}
    {%- for day in days[1:] + [none] -%}
        {%- if day is not none and (day_of(day) - day_of(run.last)).days == 1 -%}
            {%- set run.last = day -%}
        {%- else -%}
            {%- if (day_of(run.last) - day_of(run.first)).days >= 2 -%}
                {%- do conditions.append(column ~ " between date '" ~ run.first ~ "' and date '" ~ run.last ~ "'") -%}
            {%- else -%}
                {%- for single in days if run.first <= single <= run.last %}{% do singles.append("date '" ~ single ~ "'") %}{% endfor -%}
            {%- endif -%}
            {%- set run.first = day -%}
            {%- set run.last = day -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set span = column ~ " between date '" ~ days[0] ~ "' and date '" ~ days[-1] ~ "'" -%}
    {%- if singles -%}
        {%- do conditions.append(column ~ ' in (' ~ singles | join(', ') ~ ')') -%}
    {%- elif conditions | length == 1 -%}
        {{ return(span) }}
    {%- endif -%}
    {%- set exact = conditions[0] if conditions | length == 1 else '(' ~ conditions | join(' or ') ~ ')' -%}
    {{ return('(' ~ span ~ ' and ' ~ exact ~ ')') }}
{%- endmacro %}


{#- audit_log_files' recount on an incremental run: the files loaded since `loaded_since`, and the
    files holding other copies of their requests (a re-delivery moves the counted copy from one
    file to another), as `files` (SQL: log_file, log_date), with their delivery days (`log_dates`)
    and the usage days of their records (`usage_dates`), found first so each step is pruned to
    literal days; `is_recounted` is the condition on a `log_file` column (prefix it with its
    alias). A full build recounts every file: no days, every log_file. -#}
{% macro recounted_log_files(log_lines, loaded_since) %}
    {%- if not loaded_since -%}
        {{ return({'files': 'select 1 as log_file where 1 = 0', 'log_dates': none, 'usage_dates': none,
                   'is_recounted': 'log_file is not null'}) }}
    {%- endif -%}
    {%- set new_lines -%}
        select * from {{ log_lines }} where loaded_at > cast('{{ loaded_since }}' as timestamp)
    {%- endset -%}
    {%- set new_usage_dates = bedrock_costs.query_dates(
        "select distinct usage_date from (" ~ new_lines ~ ") as new_lines where line_status = 'record'") -%}
    {%- set files -%}
        select new_lines.log_file, new_lines.log_date
        from ({{ new_lines }}) as new_lines
        union
        select log_lines.log_file, log_lines.log_date
        from {{ log_lines }} as log_lines
        inner join ({{ new_lines }}) as new_lines
            on log_lines.usage_date = new_lines.usage_date
            and log_lines.request_id = new_lines.request_id
        where
            new_lines.line_status = 'record'
            and log_lines.line_status = 'record'
            and {{ bedrock_costs.in_dates('log_lines.usage_date', new_usage_dates) }}
    {%- endset -%}
    {%- set log_dates = bedrock_costs.query_dates('select distinct log_date from (' ~ files ~ ') as recounted_files') -%}
    {%- set usage_dates = bedrock_costs.query_dates(
        "select distinct log_lines.usage_date from " ~ log_lines ~ " as log_lines"
        ~ " where log_lines.line_status = 'record' and " ~ bedrock_costs.in_dates('log_lines.log_date', log_dates)
        ~ " and log_lines.log_file in (select log_file from (" ~ files ~ ") as recounted_files)") -%}
    {{ return({'files': files, 'log_dates': log_dates, 'usage_dates': usage_dates,
               'is_recounted': 'log_file in (select recounted_files.log_file from recounted_files)'}) }}
{% endmacro %}


{#- int_hourly_usage's days to re-sum on an incremental run (none on a full build): the days of the
    lines loaded since its newest loaded_at, the lookback window's days summed under other reference
    data (`reference_version`: seeds, vars), and the days holding calls whose modelId or caller the
    small tables did not know yet (a partial run). -#}
{% macro days_to_sum(reference_version) %}
    {%- set loaded_since = bedrock_costs.newest_value('loaded_at') -%}
    {%- if not loaded_since -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set since_date = bedrock_costs.lookback_start_date('usage_date') -%}
    {{ return(bedrock_costs.query_dates(
        "select distinct usage_date from " ~ ref('stg_bedrock__log_lines') ~
        " where line_status = 'record' and loaded_at > cast('" ~ loaded_since ~ "' as timestamp)" ~
        " union select distinct usage_date from " ~ this ~
        " where attribution_status = 'unresolved' or caller_type = 'unparsed'" ~
        " or (usage_date >= date '" ~ since_date ~ "' and reference_version <> '" ~ reference_version ~ "')" ~
        " order by 1")) }}
{% endmacro %}
