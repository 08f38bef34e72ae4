{#- dbt's `where` test config, plus one marker: `where: "__rebuilt_days__(<day columns>, <stamp columns>)"`
    scopes a test to the days the latest run rebuilt (the days of the rows carrying the newest
    stamp), so a scheduled run tests the partitions it wrote, not the whole history. Each argument
    is a list of alternatives (`log_date|usage_date`): the first column the relation has is used
    (its documented columns; an undocumented relation's are asked of the engine). A
    third argument names a model whose newest stamp picks the days (for a view, whose own newest
    stamp would cost a full read; or the tested table itself, when it is large): those days are
    queried first and inlined as literals, so DuckDB skips the other days' row groups, where a
    subquery reads every row. A condition may follow the marker (`__rebuilt_days__(...) and
    line_status = 'record'`): it applies however the test is scoped. A full refresh stamps every
    row, so it tests everything; so does the var bedrock_costs_test_all_days: true. A relation
    without such columns is tested whole. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set marker = modules.re.fullmatch('(?s)\s*__rebuilt_days__\(\s*([\w|]+)\s*,\s*([\w|]+)\s*(?:,\s*(\w+)\s*)?\)\s*(?:and\s+(.+?))?\s*', where) -%}
    {%- if marker is none -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- endif -%}
    {#- the condition after the marker, if any; what every scope below ends with -#}
    {%- set also = ' and (' ~ marker.group(4) ~ ')' if marker.group(4) else '' -%}
    {%- set whole = relation if not also else '(select * from ' ~ relation ~ ' where 1 = 1' ~ also ~ ') dbt_subquery' -%}
    {%- if relation.schema is none -%}
        {#- an ephemeral model: a CTE with no columns to look up, tested whole -#}
        {{ return(whole) }}
    {%- endif -%}
    {%- if var('bedrock_costs_test_all_days', false) | string | lower == 'true' or not execute
        or var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return(whole) }}
    {%- endif -%}
    {%- set stamped = relation -%}
    {%- set node = none -%}
    {%- if marker.group(3) -%}
        {%- set node = graph.nodes.get('model.bedrock_costs.' ~ marker.group(3)) -%}
        {%- set stamped = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- endif -%}
    {%- set columns = bedrock_costs.documented_columns_or_engine(relation, graph.nodes.get(model.attached_node or '')) -%}
    {%- set stamped_columns = columns if not marker.group(3) else bedrock_costs.documented_columns_or_engine(stamped, node) -%}
    {%- set day_columns = marker.group(1).split('|') | select('in', columns) | select('in', stamped_columns) | list -%}
    {%- set stamp_columns = marker.group(2).split('|') | select('in', stamped_columns) | list -%}
    {%- if day_columns | length == 0 or stamp_columns | length == 0 -%}
        {{ return(whole) }}
    {%- endif -%}
    {%- set day_column, stamp_column = day_columns[0], stamp_columns[0] -%}
    {%- if marker.group(3) -%}
        {#- a view, or a large table: its days are found first and inlined, so the filter reaches
            the table (under the view) as literals (DuckDB skips its row groups, Trino and Athena
            its partitions) -#}
        {%- set days = bedrock_costs.query_dates(
            'select distinct ' ~ day_column ~ ' from ' ~ stamped ~ ' where ' ~ day_column ~ ' is not null and ' ~ stamp_column
            ~ ' = (select max(' ~ stamp_column ~ ') from ' ~ stamped ~ ') order by 1') -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ bedrock_costs.in_dates(day_column, days) ~ also ~ ') dbt_subquery') }}
    {%- endif -%}
    {%- set scoped -%}
        (
            select * from {{ relation }}
            where {{ day_column }} in (
                select rebuilt.{{ day_column }}
                from {{ stamped }} as rebuilt
                where rebuilt.{{ stamp_column }} = (select max(newest.{{ stamp_column }}) from {{ stamped }} as newest)
            ){{ also }}
        ) dbt_subquery
    {%- endset -%}
    {{ return(scoped) }}
{%- endmacro %}

{#- The column names of a tested relation: its documented columns (tests/test_docs.py keeps them
    equal to the table's), else the engine's list. Reading the graph instead of asking the engine
    saves two statements per scoped test (on Athena, two Glue calls). -#}
{% macro documented_columns_or_engine(relation, node) -%}
    {%- if node is not none and node.get('columns') -%}
        {{ return(node.columns.keys() | map('lower') | list) }}
    {%- endif -%}
    {{ return(adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}
