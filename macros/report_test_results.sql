{#- on-run-end: every failing or warning data test prints what it found, so nobody has to read
    compiled SQL after "Got 3 results". A test whose rows carry a `message` column (the singular
    tests: an `UNPRICED:` line, a file, an ARN, each with its fix) prints those; any other test
    prints its first rows' values. print() shows even under `dbt --quiet`. -#}
{% macro report_test_results(results, max_rows=20) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- for result in results
        if result.node.resource_type == 'test' and (result.status | string | lower) in ('fail', 'warn') -%}
        {%- set label = 'FAIL' if (result.status | string | lower) == 'fail' else 'WARN' -%}
        {%- set found = run_query('select * from (' ~ result.node.compiled_code ~ ') as found limit ' ~ max_rows) -%}
        {%- set columns = found.column_names | map('lower') | list -%}
        {%- for row in found.rows -%}
            {%- if 'message' in columns -%}
                {{ print(row[columns.index('message')]) }}
            {%- else -%}
                {%- set values = [] -%}
                {%- for column in found.column_names -%}
                    {%- do values.append(column ~ '=' ~ row[loop.index0]) -%}
                {%- endfor -%}
                {{ print(label ~ ' ' ~ result.node.name ~ ': ' ~ values | join(', ')) }}
            {%- endif -%}
        {%- endfor -%}
        {%- if (result.failures or 0) > max_rows -%}
            {{ print('  ... and ' ~ (result.failures - max_rows) ~ ' more rows of ' ~ result.node.name) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
