{{
    config(
        unique_key='log_file',
        partitioned_by=['log_date'],
        properties={'partitioning': "ARRAY['log_date']"},
    )
}}

{#- Every line of every log file read is accounted for: an invocation, a duplicate of one, a
    malformed line or a skipped (non-invocation) record. An incremental run recounts the files
    loaded since this table's newest loaded_at, and the files holding other copies of their
    requests (a re-delivery moves the counted copy from one file to another). Each step is pruned
    to literal days, found first. -#}
{%- set log_lines = ref('stg_bedrock__log_lines') %}
{%- set loaded_since = bedrock_costs.newest_value('loaded_at') %}
{%- if loaded_since %}
    {%- set new_lines -%}
        select * from {{ log_lines }} where loaded_at > cast('{{ loaded_since }}' as timestamp)
    {%- endset %}
    {%- set new_usage_dates = bedrock_costs.query_dates(
        "select distinct usage_date from (" ~ new_lines ~ ") as new_lines where line_status = 'record'") %}
    {%- set recounted_files -%}
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
    {%- endset %}
    {%- set recounted_log_dates = bedrock_costs.query_dates(
        'select distinct log_date from (' ~ recounted_files ~ ') as recounted_files') %}
    {%- set recounted_usage_dates = bedrock_costs.query_dates(
        "select distinct log_lines.usage_date from " ~ log_lines ~ " as log_lines"
        ~ " where log_lines.line_status = 'record' and "
        ~ bedrock_costs.in_dates('log_lines.log_date', recounted_log_dates)
        ~ " and log_lines.log_file in (select log_file from (" ~ recounted_files ~ ") as recounted_files)") %}
{%- endif %}
with
{% if loaded_since %}
recounted_files as (
    -- the files read in this run, and the files holding other copies of their requests
    {{ recounted_files }}
),
{% endif %}
lines_per_file as (
    select
        log_lines.log_file,
        log_lines.log_date,
        max(log_lines.file_size) as file_size,
        count(*) as raw_line_count,
        sum(case when log_lines.line_status = 'record' then 1 else 0 end) as record_count,
        sum(case when log_lines.line_status = 'malformed' then 1 else 0 end) as malformed_count,
        sum(case when log_lines.line_status = 'skipped' then 1 else 0 end) as skipped_count,
        sum(case when log_lines.line_status = 'record' and log_lines.schema_version <> '1.0' then 1 else 0 end)
            as unknown_schema_version_count,
        min(log_lines.invoked_at) as first_invoked_at,
        max(log_lines.invoked_at) as last_invoked_at,
        max(log_lines.loaded_at) as loaded_at
    from {{ log_lines }} as log_lines
    {%- if loaded_since %}
    where
        {{ bedrock_costs.in_dates('log_lines.log_date', recounted_log_dates) }}
        and log_lines.log_file in (select recounted_files.log_file from recounted_files)
    {%- endif %}
    group by log_lines.log_file, log_lines.log_date
),

file_checks as (
    -- what the loader found: files it could not open, and how the gzip streams it checked end
    select * from ({{ bedrock_costs.log_file_checks() }}) as checks
    {%- if loaded_since %}
    where checks.loaded_at > cast('{{ loaded_since }}' as timestamp)
    {%- endif %}
),

invocations_per_file as (
    -- staging keeps exactly one copy of each request, with the file it came from
    select
        invocations.log_file,
        count(*) as invocation_count
    from {{ ref('stg_bedrock__invocations') }} as invocations
    {%- if loaded_since %}
    where
        {{ bedrock_costs.in_dates('invocations.usage_date', recounted_usage_dates) }}
        and invocations.log_file in (select recounted_files.log_file from recounted_files)
    {%- endif %}
    group by invocations.log_file
),

counted_files as (
    select
        lines_per_file.log_file,
        lines_per_file.file_size,
        lines_per_file.raw_line_count,
        coalesce(invocations_per_file.invocation_count, 0) as invocation_count,
        lines_per_file.record_count - coalesce(invocations_per_file.invocation_count, 0) as duplicate_count,
        lines_per_file.malformed_count,
        lines_per_file.skipped_count,
        lines_per_file.unknown_schema_version_count,
        'read' as file_status,
        cast(null as varchar) as problem,
        file_checks.stream_status,
        file_checks.stream_detail,
        file_checks.bad_json_lines,
        lines_per_file.first_invoked_at,
        lines_per_file.last_invoked_at,
        lines_per_file.loaded_at,
        lines_per_file.log_date
    from lines_per_file
    left join invocations_per_file
        on lines_per_file.log_file = invocations_per_file.log_file
    left join file_checks
        on lines_per_file.log_file = file_checks.log_file
        and lines_per_file.loaded_at = file_checks.loaded_at
),

unreadable_files as (
    -- set aside by the loader: no line of them was read
    select
        log_file,
        file_size,
        0 as raw_line_count,
        0 as invocation_count,
        0 as duplicate_count,
        0 as malformed_count,
        0 as skipped_count,
        0 as unknown_schema_version_count,
        file_status,
        problem,
        stream_status,
        stream_detail,
        bad_json_lines,
        {{ bedrock_costs.iceberg_timestamp('null') }} as first_invoked_at,
        {{ bedrock_costs.iceberg_timestamp('null') }} as last_invoked_at,
        loaded_at,
        log_date
    from file_checks
    where file_status = 'unreadable'
),

all_files as (
    select * from counted_files
    union all
    select * from unreadable_files
),

final as (
    select
        log_file,
        file_size,
        raw_line_count,
        invocation_count,
        duplicate_count,
        malformed_count,
        skipped_count,
        unknown_schema_version_count,
        -- a gzip that stops early: its readable lines are kept, the test on it names the file
        coalesce(stream_status = 'truncated', false) as is_truncated,
        file_status,
        problem,
        stream_status,
        stream_detail,
        bad_json_lines,
        first_invoked_at,
        last_invoked_at,
        loaded_at,
        log_date
    from all_files
)

select * from final
