{#- The raw CUR 2.0 rows the bill models read: the columns below under their CUR 2.0 names, plus
    `cur_file` (the Parquet file or S3 object a row came from). Every row of every billing period
    is read on every run: AWS rewrites a period in place up to three times a day (and restates it
    for weeks after it ends), so nothing is appended.

      DuckDB      the export's Parquet files under bedrock_costs_cur_path, the ones each period's
                  newest manifest lists (macros/cur/cur_export_files.sql); or a table, when
                  bedrock_costs_cur_table is set.
      Athena      the table bedrock_costs_cur_table (run-operation create_cur_table makes one,
                  with partition projection on billing_period), from bedrock_costs_cur_start_period.
      Trino       the same SQL as Athena.

    A column the export lacks (an export made without INCLUDE_IAM_PRINCIPAL_DATA or
    INCLUDE_RESOURCES, or an account without discounts) is read as a typed NULL: DuckDB finds such
    columns itself, Athena and Trino take them from bedrock_costs_cur_absent_columns. -#}
{% macro cur_export_rows() -%}
    {{ return(adapter.dispatch('cur_export_rows', 'bedrock_costs')()) }}
{%- endmacro %}


{#- (name, type) of every CUR 2.0 column the bill models read (types: CUR 2.0's, as Athena names them). -#}
{% macro cur_columns() %}
    {{ return([
        ('bill_billing_period_start_date', 'timestamp'),
        ('bill_billing_entity', 'varchar'),
        ('bill_bill_type', 'varchar'),
        ('bill_invoice_id', 'varchar'),
        ('bill_payer_account_id', 'varchar'),
        ('identity_line_item_id', 'varchar'),
        ('identity_time_interval', 'varchar'),
        ('line_item_usage_start_date', 'timestamp'),
        ('line_item_usage_end_date', 'timestamp'),
        ('line_item_usage_account_id', 'varchar'),
        ('line_item_product_code', 'varchar'),
        ('line_item_usage_type', 'varchar'),
        ('line_item_operation', 'varchar'),
        ('line_item_line_item_type', 'varchar'),
        ('line_item_line_item_description', 'varchar'),
        ('line_item_resource_id', 'varchar'),
        ('line_item_iam_principal', 'varchar'),
        ('line_item_usage_amount', 'double'),
        ('line_item_unblended_rate', 'varchar'),
        ('line_item_unblended_cost', 'double'),
        ('line_item_net_unblended_cost', 'double'),
        ('line_item_currency_code', 'varchar'),
        ('pricing_unit', 'varchar'),
        ('pricing_public_on_demand_cost', 'double'),
        ('pricing_term', 'varchar'),
        ('product_product_family', 'varchar'),
        ('product_servicecode', 'varchar'),
        ('product_region_code', 'varchar'),
        ('product', 'map(varchar, varchar)'),
        ('resource_tags', 'map(varchar, varchar)'),
    ]) }}
{% endmacro %}


{#- One select-list entry per CUR column: the column itself, or a typed NULL when it is absent. -#}
{% macro cur_column_list(relation_alias, absent) -%}
    {%- for column_name, column_type in bedrock_costs.cur_columns() %}
        {%- if column_name in absent %}
        cast(null as {{ column_type }}) as {{ column_name }},
        {%- else %}
        {{ relation_alias }}.{{ column_name }},
        {%- endif %}
    {%- endfor %}
{%- endmacro %}


{% macro athena__cur_export_rows() -%}
    {%- set start_period = var('bedrock_costs_cur_start_period', '2026-01') | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}', start_period) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_start_period: ' ~ start_period ~ ' is not a billing period (YYYY-MM)') }}
    {%- endif %}
    select
        {{- bedrock_costs.cur_column_list('cur_source', var('bedrock_costs_cur_absent_columns', [])) }}
        cur_source."$path" as cur_file
    from {{ source('cur', 'cur_export') }} as cur_source
    -- the partition (projected): only the billing periods from the first one wanted
    where cur_source.billing_period >= '{{ start_period }}'
{%- endmacro %}

{% macro trino__cur_export_rows() -%}
    {{ bedrock_costs.athena__cur_export_rows() }}
{%- endmacro %}


{#- DuckDB: the view the loader (stg_cur__export_files, Python) points at the export's current
    files, with every column the files hold; a union by name with an empty row of every column read
    gives a typed NULL for a column the export lacks. Or a table, when bedrock_costs_cur_table is set
    and bedrock_costs_cur_path is not. -#}
{% macro duckdb__cur_export_rows() -%}
    {%- if (var('bedrock_costs_cur_table', '') | string | trim) and not bedrock_costs.cur_root() %}
    select
        {{- bedrock_costs.cur_column_list('cur_source', var('bedrock_costs_cur_absent_columns', [])) }}
        cast(null as varchar) as cur_file
    from {{ source('cur', 'cur_export') }} as cur_source
    {%- else %}
    {%- set export_files = ref('stg_cur__export_files') %}
    select
        {{- bedrock_costs.cur_column_list('cur_source', []) }}
        cur_source.cur_file
    from (
        select * from {{ api.Relation.create(database=export_files.database, schema=export_files.schema, identifier='stg_cur__export_rows') }}
        union all by name
        select
            {%- for column_name, column_type in bedrock_costs.cur_columns() %}
            cast(null as {{ column_type }}) as {{ column_name }},
            {%- endfor %}
            cast(null as varchar) as cur_file
        where false
    ) as cur_source
    {%- endif %}
{%- endmacro %}

{% macro default__cur_export_rows() -%}
    {{ exceptions.raise_compiler_error('cur_export_rows: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
