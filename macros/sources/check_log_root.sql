{#- on-run-start: the database remembers the log root it was built from (stg_bedrock__log_lines'
    log_root). A build against another root stops before reading anything, naming both roots and
    the two ways on, so two copies of logs never mix silently. -#}
{% macro check_log_root() %}
    {%- if not execute or flags.WHICH not in ('run', 'build') or flags.FULL_REFRESH -%}
        {{ return('') }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.bedrock_costs.stg_bedrock__log_lines') -%}
    {%- if node is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- if relation is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- if 'log_root' not in columns -%}
        {{ exceptions.raise_compiler_error(
            'The database was built by an earlier version of bedrock-costs, which did not record its log root. '
            ~ 'Run `dbt build --full-refresh` once (see the README, Upgrading).') }}
    {%- endif -%}
    {%- set found = run_query('select max(log_root), min(log_root) from ' ~ relation).rows -%}
    {%- set stored = found[0] if found | length > 0 else [none, none] -%}
    {%- set configured = bedrock_costs.log_root() -%}
    {%- if stored[0] is not none and (stored[0] != configured or stored[1] != configured) -%}
        {{ exceptions.raise_compiler_error(
            'LOG ROOT CHANGED: this database holds logs read from ' ~ stored[0]
            ~ ', but this build reads ' ~ configured ~ '. Nothing was read, so the two never mix. Either rebuild '
            ~ 'this database from the new root with `dbt build --full-refresh`, or keep both: point '
            ~ (('DBT_DUCKDB_PATH at another database file' if target.type == 'duckdb' else 'the build at another schema'))
            ~ ' (make run does this by itself when BEDROCK_LOGS_PATH is set).') }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
