{#- Every line of every log file, parsed once, each file read once (the read, per engine, is the
    macro invocation_log_records). Each line is a `record`, `malformed` or `skipped`, and
    line_problem says what is wrong with it, if anything. -#}

with

log_records as (
    {{ bedrock_costs.invocation_log_records() }}
),

cast_lines as (
    select
        *,
        {{ bedrock_costs.parse_iso8601_utc('event_timestamp') }} as invoked_at,
        cast(
            replace(substr(log_hour, 1, 10), '/', '-') || ' ' || substr(log_hour, 12, 2) || ':00:00' as timestamp
        ) as folder_hour_at,
        {{ bedrock_costs.integer_text('input_token_count') }} as input_tokens,
        {{ bedrock_costs.integer_text('output_token_count') }} as output_tokens,
        {{ bedrock_costs.integer_text('cache_read_input_token_count') }} as cache_read_input_tokens,
        {{ bedrock_costs.integer_text('cache_write_input_token_count') }} as cache_write_input_tokens,
        -- an invocation record: its schemaType says so, or it has no (or a miscased) one but every
        -- field that makes a record
        schema_type = 'ModelInvocationLog'
        or (
            lower(coalesce(schema_type, 'modelinvocationlog')) = 'modelinvocationlog'
            and request_id is not null and model_id_raw is not null and event_timestamp is not null
        ) as is_invocation
    from log_records
),

problems as (
    select
        *,
        case
            -- nothing of a log record could be read: truncated or invalid JSON (or an empty object)
            when schema_type is null and request_id is null and event_timestamp is null then 'invalid_json'
            when not is_invocation then null
            when trim(coalesce(request_id, '')) = '' then 'no_request_id'
            when invoked_at is null then 'bad_timestamp'
            -- far after its folder's hour, or months before it (macros/far_from_folder_hour.sql)
            when {{ bedrock_costs.far_from_folder_hour('invoked_at', 'folder_hour_at') }} then 'timestamp_far_from_folder'
            when
                (input_token_count is not null and input_tokens is null)
                or (output_token_count is not null and output_tokens is null)
                or (cache_read_input_token_count is not null and cache_read_input_tokens is null)
                or (cache_write_input_token_count is not null and cache_write_input_tokens is null)
                then 'bad_token_count'
            when
                input_tokens < 0 or output_tokens < 0 or cache_read_input_tokens < 0 or cache_write_input_tokens < 0
                then 'negative_token_count'
            -- a record that counts, with something to name
            when schema_type is null then 'schema_type_missing'
            when schema_type <> 'ModelInvocationLog' then 'schema_type_miscased'
            when identity_arn is null or trim(identity_arn) = '' then 'no_identity'
            when {{ bedrock_costs.far_before_folder_hour('invoked_at', 'folder_hour_at') }} then 'delivered_late'
        end as line_problem
    from cast_lines
),

classified as (
    select
        *,
        case
            when line_problem = 'invalid_json' then 'malformed'
            when not is_invocation then 'skipped'
            when line_problem in ('schema_type_missing', 'schema_type_miscased', 'no_identity', 'delivered_late')
                then 'record'
            when line_problem is not null then 'malformed'
            else 'record'
        end as line_status
    from problems
),

final as (
    select
        log_file,
        file_size,
        line_status,
        line_problem,
        schema_version,
        -- '' when the line has none
        coalesce(request_id, '') as request_id,
        invoked_at,
        -- a malformed line has no usage date: it is in no day's cost
        case when line_status <> 'malformed' then cast(invoked_at as date) end as usage_date,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        nullif(trim(identity_arn), '') as caller_arn,
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(cache_read_input_tokens, 0) as cache_read_input_tokens,
        coalesce(cache_write_input_tokens, 0) as cache_write_input_tokens,
        error_code,
        request_metadata,
        cast({{ bedrock_costs.sql_string(bedrock_costs.log_root()) }} as varchar) as log_root,
        -- this load's stamp: later models process only the lines loaded after their own newest
        loaded_at,
        cast(folder_hour_at as date) as log_date
    from classified
)

select * from final
