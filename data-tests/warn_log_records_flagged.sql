{#- Warns naming the invocation records that are counted and priced but carry something to fix:
    no schemaType or a miscased one (the line is otherwise a record), or no identity (the caller is
    `unidentified`). -#}
{{ config(severity='warn') }}

select
    log_file,
    line_problem,
    request_id,
    'FLAGGED: ' || log_file || ': request ' || request_id || ' ' || line_problem
    || ' (' || cast(token_count as varchar) || ' tokens, counted and priced)' as message
from {{ ref('audit_log_line_problems') }}
where line_status = 'record'
