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
                {{ print(bedrock_costs.printable(row[columns.index('message')])) }}
            {%- else -%}
                {%- set values = [] -%}
                {%- for column in found.column_names -%}
                    {%- do values.append(column ~ '=' ~ row[loop.index0]) -%}
                {%- endfor -%}
                {{ print(bedrock_costs.printable(label ~ ' ' ~ result.node.name ~ ': ' ~ values | join(', '))) }}
            {%- endif -%}
        {%- endfor -%}
        {%- if (result.failures or 0) > max_rows -%}
            {{ print('  ... and ' ~ (result.failures - max_rows) ~ ' more rows of ' ~ result.node.name) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- `text` safe for a terminal and a log: every control character (ESC of a terminal escape, a
    newline that would forge a line, NUL, C1 controls) written as its JSON escape (`\u001b`), so
    log data (a caller name, a metadata claim) can never move the cursor, retitle the window or
    clear the screen. -#}
{% macro printable(text) %}
    {%- set escaped = namespace(text=text | string) -%}
    {%- for character in modules.re.findall('[\x00-\x1f\x7f-\x9f]', escaped.text) | unique -%}
        {%- set escaped.text = escaped.text.replace(character, tojson(character)[1:-1]) -%}
    {%- endfor -%}
    {{ return(escaped.text) }}
{% endmacro %}
