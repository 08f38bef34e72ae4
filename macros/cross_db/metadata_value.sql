{#- The first non-empty value of `keys` in a map(varchar, varchar) such as requestMetadata, or
    NULL (a missing key, an empty value and a NULL map all give NULL).
    Each key is also tried in lower case: Athena's OpenX JSON SerDe (case.insensitive) lower-cases
    JSON keys, map keys included, so `userId` arrives as `userid` there and as `userId` on DuckDB.
    Athena's `m[k]` fails on a missing key, `element_at` gives NULL; DuckDB's `m[k]` gives NULL. -#}
{% macro metadata_value(map_expression, keys) -%}
    {{ return(adapter.dispatch('metadata_value', 'bedrock_costs')(map_expression, keys)) }}
{%- endmacro %}

{% macro athena__metadata_value(map_expression, keys) -%}
    {{ bedrock_costs.metadata_lookups(map_expression, keys, "element_at({map}, '{key}')") }}
{%- endmacro %}

{% macro trino__metadata_value(map_expression, keys) -%}
    {{ bedrock_costs.athena__metadata_value(map_expression, keys) }}
{%- endmacro %}

{% macro duckdb__metadata_value(map_expression, keys) -%}
    {{ bedrock_costs.metadata_lookups(map_expression, keys, "{map}['{key}']") }}
{%- endmacro %}

{% macro default__metadata_value(map_expression, keys) -%}
    {{ exceptions.raise_compiler_error('metadata_value: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}

{#- coalesce over each key and its lower-case form, through the adapter's lookup `template`. -#}
{% macro metadata_lookups(map_expression, keys, template) -%}
    {%- set candidates = [] -%}
    {%- for key in ([keys] if keys is string else keys) -%}
        {%- if not modules.re.fullmatch('[A-Za-z0-9_.:/@+=-]{1,256}', key | string) -%}
            {{ exceptions.raise_compiler_error('metadata_value: invalid requestMetadata key ' ~ key) }}
        {%- endif -%}
        {%- for candidate in [key | string, key | string | lower] -%}
            {%- if candidate not in candidates -%}
                {%- do candidates.append(candidate) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set lookups = [] -%}
    {%- for candidate in candidates -%}
        {%- do lookups.append("nullif(" ~ template | replace('{map}', map_expression) | replace('{key}', candidate) ~ ", '')") -%}
    {%- endfor -%}
    {%- if lookups | length == 0 -%}
        cast(null as varchar)
    {%- elif lookups | length == 1 -%}
        {{ lookups[0] }}
    {%- else -%}
        coalesce({{ lookups | join(', ') }})
    {%- endif -%}
{%- endmacro %}
